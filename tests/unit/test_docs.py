"""`/docs` and `/redoc` work on a network with no internet: every asset comes from the service itself."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from services.ingest.app import IngestSettings
from services.ingest.app import create_app as create_ingest
from services.milestones.app import MilestonesSettings
from services.milestones.app import create_app as create_milestones
from services.notifier.app import NotifierSettings
from services.notifier.app import create_app as create_notifier

ENV = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}


def _apps() -> dict[str, FastAPI]:
    return {
        "ingest": create_ingest(IngestSettings(**ENV)),  # type: ignore[arg-type]
        "milestones": create_milestones(MilestonesSettings(**ENV)),  # type: ignore[arg-type]
        "notifier": create_notifier(NotifierSettings(**ENV)),  # type: ignore[arg-type]
    }


@pytest.mark.parametrize("name", ["ingest", "milestones", "notifier"])
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_page_and_its_assets_are_served_locally(name: str, page: str) -> None:
    app = _apps()[name]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        html = (await client.get(page)).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: *["']([^"']+)["']""", html)
        assets = [a or b for a, b in urls]
        assert any(a.endswith(".js") for a in assets), html
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            response = await client.get(asset)
            assert response.status_code == 200, asset
        assert "cdn." not in html and "fonts.googleapis" not in html
        assert (await client.get("/openapi.json")).json()["info"]["title"] == f"mtrack {name}"
