"""Structured imports for systems that already hold milestones: CSV or JSON, checked row by row.

CSV columns (UTF-8, header row; only `title` and one of `due`/`starts` are required):
  id, title, starts, due, kind, owner, section (headings joined by " > "), target_value, target_unit,
  status (planned | in_progress | done), done_date
JSON: an array of objects with the same fields (`section` a list, `target` an object {value, unit}).
Dates are ISO (YYYY-MM-DD). Nothing is published unless every row is valid."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.ingest.schemas import MilestoneIn

MAX_ROWS = 10_000
CSV_COLUMNS = (
    "id", "title", "starts", "due", "kind", "owner", "section", "target_value", "target_unit", "status", "done_date",
)  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    errors: list[str]


class ImportRejected(ValueError):
    def __init__(self, reason: str, rows: list[RowError] | None = None, *, status: int = 422) -> None:
        super().__init__(reason)
        self.rows = rows or []
        self.status = status


def read_rows(text: str, media_type: str) -> list[MilestoneIn]:
    records = _json_records(text) if media_type == "application/json" else _csv_records(text)
    if not records:
        raise ImportRejected("the import has no rows")
    if len(records) > MAX_ROWS:
        raise ImportRejected(f"{len(records):,} rows; the limit is {MAX_ROWS:,} per import", status=413)
    valid: list[MilestoneIn] = []
    errors: list[RowError] = []
    for number, record in records:
        try:
            valid.append(MilestoneIn.model_validate(record))
        except ValidationError as err:
            errors.append(RowError(number, [_describe(e) for e in err.errors()]))
    if errors:
        raise ImportRejected(
            f"{len(errors)} of {len(records)} rows are invalid; nothing was imported", errors
        )
    return valid


def _describe(error: Any) -> str:
    field = ".".join(str(p) for p in error["loc"]) or "row"
    return f"{field}: {error['msg']}"


def _json_records(text: str) -> list[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportRejected(f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from err
    except RecursionError as err:
        raise ImportRejected("not valid JSON: nested too deeply") from err
    if not isinstance(data, list):
        raise ImportRejected("the JSON import must be an array of milestone objects")
    return list(enumerate(data, 1))


def _csv_records(text: str) -> list[tuple[int, Any]]:
    try:
        return _csv_rows(text)
    except csv.Error as err:
        raise ImportRejected(f"not valid CSV: {str(err)[:200]}") from err


def _csv_rows(text: str) -> list[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() if isinstance(h, str) else "" for h in reader.fieldnames or []]
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if "title" not in header:
        raise ImportRejected(
            f"the CSV header needs a `title` column; known columns: {', '.join(CSV_COLUMNS)}"
        )
    if unknown:
        named = ", ".join(u[:40] for u in unknown[:10])
        raise ImportRejected(f"unknown CSV columns: {named}; known: {', '.join(CSV_COLUMNS)}")
    return [(reader.line_num, _csv_record(row)) for row in reader]


def _csv_record(row: dict[str, Any]) -> dict[str, Any]:
    cells = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
    record = {k: v for k, v in cells.items() if v not in ("", None) and k in CSV_COLUMNS}
    if "section" in record:
        record["section"] = [part.strip() for part in record["section"].split(">") if part.strip()]
    value, unit = record.pop("target_value", None), record.pop("target_unit", None)
    if value is not None or unit is not None:
        record["target"] = {"value": value, "unit": unit}
    return record
