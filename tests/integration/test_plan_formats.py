"""POST /v1/plans with the files officers have: HWPX, DOCX, PDF, HWP and CP949 text are read by
content; a corrupt or protected file is a 422 with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
MSIT_TEXT = Path(__file__).resolve().parents[1] / "unit" / "parser" / "other_styles" / "msit_ict_plan.txt"
OCTET = {"content-type": "application/octet-stream"}


@pytest.mark.parametrize("suffix", ["hwpx", "docx", "pdf"])
async def test_a_plan_in_its_original_format_gives_its_milestones(stack, suffix: str) -> None:  # type: ignore[no-untyped-def]
    body = (FORMATS / f"msit_ict_plan.{suffix}").read_bytes()
    response = await stack.ingest.post(f"/v1/plans?plan_key=msit-ict-{suffix}", content=body, headers=OCTET)
    assert response.status_code == 202, response.text
    assert response.json()["milestones"] == 17


async def test_cp949_text_is_read(stack) -> None:  # type: ignore[no-untyped-def]
    body = MSIT_TEXT.read_text(encoding="utf-8").encode("cp949")
    response = await stack.ingest.post(
        "/v1/plans?plan_key=msit-ict-cp949", content=body, headers={"content-type": "text/plain"}
    )
    assert response.status_code == 202, response.text
    assert response.json()["milestones"] == 17


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ((FORMATS / "encrypted.pdf").read_bytes(), "password-protected"),
        (b"%PDF-1.7\n%%EOF", "PDF is corrupt"),
        ((FORMATS / "msit_ict_plan.hwpx").read_bytes()[:2000], "corrupt"),
    ],
)
async def test_unreadable_files_are_422_with_the_reason(stack, body: bytes, reason: str) -> None:  # type: ignore[no-untyped-def]
    response = await stack.ingest.post("/v1/plans", content=body, headers=OCTET)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
