"""Schedule tables: rows split into cells, the department a row names, the label above a date."""

from __future__ import annotations

from .clauses import Clause
from .dates import TimeExpr, find_time_exprs, is_date_only
from .lines import cells
from .owners import department
from .selection import BUDGET_YEAR_AFTER
from .structure import Logical
from .textnorm import normalise
from .titles import RUN_ON, clean_title, drop_means, letters, undated

_MAX_LABEL = 60
_FLOW_STEP = 20  # characters: a flow chart's box


def row_owner(text: str, below: Logical | None) -> tuple[str, str | None]:
    """A table row's text without its department cell, and that department: the row's own last cell
    (three cells or more), or the line below a date alone on its line (one cell per line)."""
    row = cells(text)
    owner = department(row[-1]) if len(row) >= 3 else None
    if owner is not None:
        return text[: text.rstrip().rfind(row[-1])], owner
    dept = department(below.text) if below is not None else None
    return text, dept if dept and is_date_only(text) else None


def row_label(previous: Logical | None) -> str:
    """Row label of a table whose date sits on its own line: `1부` above `'24.11.09(토)`, or a task
    above its date when a table has one cell per line."""
    if previous is None or len(previous.text) > _MAX_LABEL:
        return ""
    if previous.style == "dash" and len(previous.text) <= _FLOW_STEP:
        return previous.text.strip()  # a flow chart printed one box per dash line: step, period, unit
    return previous.text.strip() if previous.style == "row" else ""


def label_title(label: str) -> str:
    """A label that names a deliverable by itself (not `1부`) and holds no date of its own; a short
    step with no digit (`심의·결정`, `예산안 확정`) names one too."""
    norm = normalise(label)
    dated = find_time_exprs(norm, None, 2000)
    # `2026년 예산 반영` over `12월 중`: a budget's year names the step; it is no date of the label's own
    budget = bool(dated) and all(_budget_year(norm, e) for e in dated)
    short = budget or not any(c.isdigit() for c in label)
    if letters(label) < (4 if short else 6) or (dated and not budget):
        return ""
    return clean_title(label)


def _budget_year(norm: str, expr: TimeExpr) -> bool:
    return expr.grain == "year" and BUDGET_YEAR_AFTER.match(norm, expr.end) is not None


def table_row_title(title: str, node: Logical, norm: str, clause: Clause, cell: str) -> str:
    """`① 문제 Ÿ 조치(날짜)` rows: the row's left cell names what the dated action achieved."""
    left = ""
    if clause.connector == "Ÿ":
        cut = norm.rfind("Ÿ", 0, clause.start + 1)
        left = norm[:cut] if cut > 0 else ""
    elif node.marker == "Ÿ":
        left = cell
    left = drop_means(clean_title(undated(left))) if left else ""
    if letters(left) < 4:
        return title
    combined = f"{left}({title})"
    return combined if len(combined) <= RUN_ON else left
