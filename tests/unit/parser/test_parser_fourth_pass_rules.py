"""Rules found on the fourth held-out set of issue #12 (kinds of line, not those documents): board
field values, flourishes, bare stamp labels, spaced form labels, scheduled dates that are no
dateline, and `같은 달` (the month named before)."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.dates import find_time_exprs
from services.ingest.parser.textnorm import normalise


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None, str]]:
    plan = parse_plan(text, doc_date=doc_date)
    return [(m.starts, m.due, m.title) for m in plan.milestones]


def test_a_board_field_value_on_its_own_line_is_no_milestone() -> None:
    text = "동네 음악회 안내\n작성일\n2023-04-02\n조회수\n88\n일시 : 2023. 4. 15.(토) 14:00\n"
    assert [d for _, d, _ in _items(text)] == [date(2023, 4, 15)]


def test_a_tilde_after_a_word_is_a_flourish_not_a_range() -> None:
    text = "함께 걸어요~\n2022-05-02 09:10\n구는 오는 5월 20일 걷기대회를 연다고 2일 밝혔다.\n"
    items = _items(text)
    assert [d for _, d, _ in items] == [date(2022, 5, 20)]


def test_a_bare_registration_stamp_dates_the_text_and_is_no_milestone() -> None:
    text = "마을 축제 참가자 모집\n등록 2023.03.02 10:00:01\n구는 참가자를 20일까지 모집할 예정이다.\n"
    assert [d for _, d, _ in _items(text)] == [date(2023, 3, 20)]


def test_a_spaced_date_label_takes_the_notices_subject() -> None:
    text = "동네 합창 발표회 참가자 모집\n가. 행 사 명 : 동네 합창 발표회\n나. 일 시 : 2023. 6. 3.(토) 15:00 ~ 17:00\n"
    [(_, due, title)] = _items(text)
    assert due == date(2023, 6, 3) and title != "일 시" and "합창" in title


def test_a_scheduled_full_date_is_not_the_documents_date() -> None:
    text = (
        "두 교육청은 내년도 교사 선발 계획을 공고했다.\n"
        "원서는 오는 9월 3일부터 7일까지 받는다.\n"
        "면접은 2024년 1월 8일부터 1월 10일까지 진행된다.\n"
    )
    items = _items(text)
    assert [(s, d) for s, d, _ in items] == [(date(2024, 1, 8), date(2024, 1, 10))]


def test_the_same_month_is_the_month_named_before() -> None:
    text = normalise("2차 시험은 내년 1월 7일부터 9일까지, 발표는 내년 같은 달 28일 예정")
    found = [(e.starts, e.due) for e in find_time_exprs(text, 2025, 2025, 9)]
    assert found[-1] == (date(2026, 1, 28), date(2026, 1, 28))
    assert len(found) == 2


def test_the_same_month_with_no_month_before_is_not_placed_by_it() -> None:
    text = normalise("발표는 같은 달 28일 예정")
    assert find_time_exprs(text, 2025, 2025, None) == []


def test_a_quoted_plan_is_not_reported_past() -> None:
    text = "2022-03-02 10:00\n구 관계자는 “걷기대회는 오는 4월 9일 오전 10시에 시작하게 된다”며 “많이 참여해 달라”고 말했다.\n"
    [(_, due, title)] = _items(text)
    assert due == date(2022, 4, 9) and "걷기대회" in title and "시작" in title


def test_a_date_an_event_is_held_on_takes_the_events_name() -> None:
    text = "등록 2023.09.01 09:00\n구는 오는 10월 7일, 중앙공원에서 열리는 '제5회 동네 한마당'의 참가자를 모집한다.\n"
    titles = {d: t for _, d, t in _items(text)}
    assert "동네 한마당" in titles[date(2023, 10, 7)]


def test_a_related_articles_time_neither_dates_the_text_nor_is_an_item() -> None:
    text = (
        "구는 다음달 9일까지 참가자를 모집할 예정이다.\n"
        "[포토] 다른 구의 봄꽃 축제 현장\n"
        "온라인 기사 ( 2023.02.01 10:12 )\n"
    )
    plan = parse_plan(text)
    assert plan.doc_date is None and plan.milestones == ()


def test_what_has_been_done_is_history() -> None:
    text = (
        "date 2023-03-02\n공원은 2015년 6월 구가 새로 조성한 바 있다.\n공원 행사는 4월 8일 열릴 예정이다.\n"
    )
    assert [d for _, d, _ in _items(text)] == [date(2023, 4, 8)]


def test_a_year_naming_a_work_plan_that_is_announced_is_no_item() -> None:
    text = "2023.01.10 어느부\n- 2023년 어느부 주요업무 추진계획 발표 -\n"
    assert _items(text) == []


def test_an_event_opening_on_a_day_is_that_day() -> None:
    text = "시는 오는 5월 6일부터 개최되는 '2023 시민 봄꽃 축제'의 참가자를 공모한다.\n"
    assert [(s, d) for s, d, _ in _items(text)] == [(date(2023, 5, 6), date(2023, 5, 6))]


def test_a_procedure_step_as_the_sentences_topic_names_the_item() -> None:
    text = "date 2023-05-02\n신청은 5월 8일부터 12일까지 누리집에서 접수한다. 결과는 5월 19일 누리집을 통해 발표한다.\n"
    assert [t for _, _, t in _items(text)] == ["신청 접수", "결과 발표"]
