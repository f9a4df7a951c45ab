"""Asks the milestones service whether a milestone exists, so a status update for an unknown id gets a 404
now instead of a dead letter later. Without a configured URL, or when it cannot answer, updates pass."""

from __future__ import annotations

import logging

import httpx
from fastapi import HTTPException

log = logging.getLogger(__name__)


class MilestoneLookup:
    def __init__(self, base_url: str | None, client: httpx.AsyncClient | None = None) -> None:
        self._base_url = base_url.rstrip("/") if base_url else None
        self._client = client or httpx.AsyncClient(timeout=2.0)

    async def require(self, milestone_id: str) -> None:
        if self._base_url is None:
            return
        try:
            response = await self._client.get(f"{self._base_url}/v1/milestones/{milestone_id}")
        except httpx.HTTPError as err:
            log.warning("milestones service unreachable (%s); accepting update for %s", err, milestone_id)
            return
        if response.status_code == 404:
            raise HTTPException(404, f"no milestone {milestone_id!r}; declare it first")

    async def close(self) -> None:
        await self._client.aclose()
