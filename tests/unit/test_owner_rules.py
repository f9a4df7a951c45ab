from datetime import date

from services.ingest.owner_rules import OwnerRules
from services.ingest.parser.model import ParsedMilestone, ParsedPlan


def _m(mid: str, title: str, section: tuple[str, ...] = ()) -> ParsedMilestone:
    return ParsedMilestone(
        mid, title, section, 1, "'25.下", "deadline", None, date(2025, 12, 31), "산업기술정책과"
    )


def test_rules_override_by_id_then_keyword_and_leave_the_rest() -> None:
    plan = ParsedPlan(
        "p",
        "plan",
        None,
        (
            _m("a", "산업융합 규제특례 지원단 확대"),
            _m("b", "리빙랩 확대", ("전략 3 [융합촉진]",)),
            _m("c", "규제 샌드박스 과제 발굴"),
            _m("d", "GATC 예타 완료"),
        ),
    )
    rules = OwnerRules(
        by_id={"c": "산업융합촉진과"}, by_keyword={"규제": "산업규제혁신과", "융합촉진": "산업융합과"}
    )
    owners = [m.owner for m in rules.apply(plan).milestones]
    assert owners == ["산업규제혁신과", "산업융합과", "산업융합촉진과", "산업기술정책과"]


def test_no_rules_change_nothing() -> None:
    plan = ParsedPlan("p", "plan", None, (_m("a", "x"),))
    assert OwnerRules().apply(plan) is plan
