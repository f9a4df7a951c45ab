"""The organisation directory: departments as plans name them, their officers (담당자), manager (과장),
desk (Reply-To), webhook subscriptions and per-person delivery preferences. One YAML file
(`config/directory.yaml`, or `MTRACK_DIRECTORY_FILE`) read by ingest (is an owner a known department?),
milestones (metric labels) and the notifier (who gets what). Addresses only ever come from here."""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "directory.yaml"
OTHER = "other"
_CODE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def _address(text: str) -> str:
    _, address = parseaddr(text)
    if not address or address != text.strip() or any(c in text for c in "\r\n\0<>,;"):
        raise ValueError(f"not a plain e-mail address: {text!r}")
    return address


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Strict):
    name: str = Field(min_length=1, max_length=100)
    email: str
    delivery: Literal["digest", "immediate"] = "digest"
    phone: str | None = Field(default=None, max_length=40)

    _email = field_validator("email")(classmethod(lambda cls, v: _address(v)))


class Webhook(_Strict):
    """Alerts of a department delivered to `url`, signed per Standard Webhooks with the secret found in
    the environment variable `secret_env` (never in this file)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=500)
    secret_env: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")


class Department(_Strict):
    code: str  # metric label value and stable key: lowercase ASCII
    name: str = Field(min_length=1, max_length=100)
    aliases: list[str] = Field(default_factory=list)
    desk: str | None = None  # Reply-To for mail about this department's milestones
    manager: Person | None = None
    officers: list[Person] = Field(default_factory=list)
    webhooks: list[Webhook] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"department code {value!r} must be lowercase ASCII letters, digits and '-'")
        return value

    @field_validator("desk")
    @classmethod
    def _desk(cls, value: str | None) -> str | None:
        return None if value is None else _address(value)


class Fallback(_Strict):
    """Where alerts for owners no department claims go, so none is dropped."""

    name: str = "mtrack 운영 데스크"
    desk: str
    officers: list[Person] = Field(default_factory=list)

    _desk = field_validator("desk")(classmethod(lambda cls, v: _address(v)))


class Directory(_Strict):
    departments: list[Department] = Field(default_factory=list)
    fallback: Fallback

    def model_post_init(self, _context: object) -> None:
        index: dict[str, Department] = {}
        for dept in self.departments:
            for name in (dept.name, *dept.aliases):
                key = normalise(name)
                if key in index and index[key] is not dept:
                    raise ValueError(f"{name!r} names two departments")
                index[key] = dept
        codes = [d.code for d in self.departments]
        if len(codes) != len(set(codes)) or OTHER in codes:
            raise ValueError("department codes must be unique and not 'other'")
        object.__setattr__(self, "_index", index)

    def resolve(self, owner: str | None) -> Department | None:
        """The department an owner text names (its name or an alias, whitespace ignored), or None."""
        index: dict[str, Department] = self._index  # type: ignore[attr-defined]
        return index.get(normalise(owner))

    def label(self, owner: str | None) -> str:
        """A bounded metric label value: the department's code, or `other`."""
        dept = self.resolve(owner)
        return dept.code if dept else OTHER

    def by_code(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def labels(self) -> list[str]:
        return [*(d.code for d in self.departments), OTHER]


def normalise(name: str | None) -> str:
    return "".join((name or "").split())


def load_directory(path: str | Path | None = None) -> Directory:
    source = Path(path or os.environ.get("MTRACK_DIRECTORY_FILE") or DEFAULT_PATH)
    return Directory.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
