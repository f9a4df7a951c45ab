"""Property tests: arbitrary text never crashes the parser and always yields valid milestones."""

import logging
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.parser import parse_plan

TOKENS = st.sampled_from(
    [
        "'",
        "’",
        "‘",
        "`",
        "´",
        "~",
        "∼",
        "(",
        ")",
        ".",
        ",",
        "·",
        "년",
        "월",
        "일",
        "분기",
        "上",
        "下",
        "상반기",
        "하반기",
        "까지",
        "부터",
        "올해",
        "내년",
        "ㅇ ",
        "□ ",
        "* ",
        "- ",
        "\n",
        "억원",
        "개",
        "명",
        "→",
        "Ⅳ. ",
        "2025",
        "25",
        "3",
        "12",
        "31",
        "추진",
        "구축",
        " ",
    ]
)


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


TEXT = st.one_of(st.text(max_size=300), st.lists(TOKENS, max_size=120).map("".join))
KINDS = {"deadline", "ongoing", "range", "program"}
PARTS = {"summary", "results", "plan", "other"}


@settings(max_examples=300, deadline=None)
@given(TEXT, st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))))
def test_random_text_yields_valid_milestones(text: str, doc_date: date | None) -> None:
    failures = _Failures()
    logging.getLogger("services.ingest.parser").addHandler(failures)
    try:
        plan = parse_plan(text, doc_date=doc_date)
    finally:
        logging.getLogger("services.ingest.parser").removeHandler(failures)
    assert failures.messages == []  # an empty result must never hide an internal error
    assert plan.plan_key and len(plan.plan_key) <= 48
    ids = [m.id for m in plan.milestones]
    assert len(ids) == len(set(ids))
    lines = text.splitlines() or [""]
    for m in plan.milestones:
        assert m.kind in KINDS and m.part in PARTS
        assert m.starts is None or m.due is None or m.starts <= m.due
        assert m.starts is not None or m.due is not None
        assert (m.kind == "ongoing") == (m.due is None)
        assert 1 <= m.line <= len(lines)
        m.to_json()
