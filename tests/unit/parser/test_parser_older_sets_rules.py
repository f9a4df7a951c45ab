"""Rules of the pass over the older held-out sets of issue #12 (third to eleventh), each for a family of
wrong items or misses (not for one document), on made-up lines: a double-spaced notice's sentence wrapped
onto hanging lines after a heading; a contact in parentheses is no part of a title."""

from datetime import date

from services.ingest.parser import parse_plan


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Wrapped text


def test_a_double_spaced_heading_continues_on_its_hanging_lines() -> None:
    text = (
        "예시시 조례(안) 입법예고\n\n"
        "4. 의견제출 : 이 조례(안)에 대하여 의견이 있는 단체 또는\n\n"
        "             개인은 2031년 3월 22일까지 다음사항을 기재한 의견서를\n\n"
        "             예시시장(참조 : 총무과장, 031-000-0000)에게 제출하여 주시기 바랍니다.\n\n"
        "   가. 예고사항에 대한 항목별 의견\n"
    )
    [(title, starts, due)] = _titled(text)
    assert (starts, due) == (None, date(2031, 3, 22))
    assert "의견서" in title and title.endswith("제출") and "031" not in title


def test_a_blank_line_before_an_unindented_line_still_ends_the_heading() -> None:
    text = "1. 추진 일정\n\n가. 접수: 2031. 3. 4.(화)\n"
    assert [t for t, _, _ in _titled(text)] == ["접수"]


# Notices of ordinances


def test_opinions_due_on_a_notice_periods_last_day_are_a_step_of_their_own() -> None:
    text = (
        "가. 자치법규명 : 예시시 홍보매체 운영에 관한 조례\n"
        "나. 입법예고기간 : 2031. 2. 2. ~ 2. 12. (10일간)\n"
        "마. 의견제출\n- 제출기한 : 2031. 2. 12.까지\n- 제출방법 : 서면, 우편 등\n"
    )
    titled = _titled(text)
    assert [(s, d) for _, s, d in titled] == [
        (date(2031, 2, 2), date(2031, 2, 12)),
        (None, date(2031, 2, 12)),
    ]
    assert titled[0][0].endswith("입법예고") and titled[1][0] == "의견제출"


def test_an_application_due_on_a_periods_last_day_is_still_the_period() -> None:
    text = "가. 접수기간 : 2031. 2. 2. ~ 2. 12.\n나. 서류 제출 : 2031. 2. 12.까지\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 2, 2), date(2031, 2, 12))]
