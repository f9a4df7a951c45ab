"""The owner directory: which addresses receive a department's alerts (a JSON config file)."""

from __future__ import annotations

import json
from email.utils import parseaddr
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "owners.json"


class OwnerDirectory(BaseModel):
    """`owners` maps an owner (department name, as the plans write it) to addresses; `fallback` catches
    alerts whose owner is unknown so none is dropped silently."""

    owners: dict[str, list[str]] = Field(default_factory=dict)
    fallback: list[str] = Field(default_factory=list)

    @field_validator("owners")
    @classmethod
    def _valid_owner_addresses(cls, owners: dict[str, list[str]]) -> dict[str, list[str]]:
        return {owner: [_address(a) for a in addresses] for owner, addresses in owners.items()}

    @field_validator("fallback")
    @classmethod
    def _valid_fallback(cls, addresses: list[str]) -> list[str]:
        return [_address(a) for a in addresses]

    def recipients(self, owner: str | None) -> list[str]:
        if owner and "@" in owner and _is_address(owner):
            return [owner]
        key = _normalise(owner)
        for name, addresses in self.owners.items():
            if _normalise(name) == key:
                return addresses
        return self.fallback


def load_directory(path: str | Path | None = None) -> OwnerDirectory:
    source = Path(path) if path else DEFAULT_PATH
    return OwnerDirectory.model_validate(json.loads(source.read_text(encoding="utf-8")))


def _normalise(owner: str | None) -> str:
    return "".join((owner or "").split())


def _is_address(text: str) -> bool:
    _, address = parseaddr(text)
    return bool(address) and address == text.strip() and "\n" not in text and "\r" not in text


def _address(text: str) -> str:
    if not _is_address(text):
        raise ValueError(f"not a plain e-mail address: {text!r}")
    return text.strip()
