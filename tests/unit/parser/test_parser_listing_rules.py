"""Rules found on the third held-out set of issue #12 (kinds of line, not these documents): board
and signature dates, superseded periods, attributive years, day ranges and parts of a month."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.dates import find_time_exprs
from services.ingest.parser.textnorm import normalise


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None, str]]:
    plan = parse_plan(text, doc_date=doc_date)
    return [(m.starts, m.due, m.title) for m in plan.milestones]


def _span(text: str, year: int = 2025, month: int | None = None) -> list[tuple[date | None, date | None]]:
    return [(e.starts, e.due) for e in find_time_exprs(normalise(text), year, year, month)]


def test_a_month_and_a_range_of_its_days() -> None:
    assert _span("9월 13~19일 종합대책 추진") == [(date(2025, 9, 13), date(2025, 9, 19))]


def test_days_with_times_of_day_between_them() -> None:
    found = _span("신청은 12월 1일 오전 9시부터 7일 오후 6시까지 접수한다.")
    assert found == [(date(2025, 12, 1), date(2025, 12, 7))]


def test_the_first_ten_days_of_a_month_and_its_middle() -> None:
    assert _span("빠르면 8월초까지 완료") == [(None, date(2025, 8, 10))]
    assert _span("2024년 2월 초순까지 운영") == [(None, date(2024, 2, 10))]
    assert _span("3월 중순 개최") == [(date(2025, 3, 11), date(2025, 3, 20))]
    assert _span("3월 말까지") == [(None, date(2025, 3, 31))]


def test_a_news_stamp_dates_the_document_and_is_no_milestone() -> None:
    text = "시, 청년 연수생 모집\n  • 승인 2025.01.15 12:36\n시는 연수생을 2월까지 추가로 모집할 방침이다.\n"
    assert [d for _, d, _ in _items(text)] == [date(2025, 2, 28)]


def test_board_listing_dates_are_no_milestones() -> None:
    text = (
        "시청 소식\n- 홍보팀\n- 2014-10-07\n- 담당부서 : 홍보팀\n"
        "도서관 공사 계획 공고 2014-10-01\n\n2024-09-05 11:15\n"
    )
    assert _items(text) == []


def test_related_headlines_and_their_glued_dates_are_no_milestones() -> None:
    text = "관련기사\n- 새 제도, 이르면 내년 하반기에 시행2023.06.20\n- 다른 소식 발표2023.07.02\n"
    assert _items(text) == []


def test_a_signed_date_and_a_cited_notice_date_are_no_milestones() -> None:
    text = (
        "공고문\n사업을 다음과 같이 공고합니다. 2025년 2월 5일 중소벤처기업부장관 < 목 차 >\n"
        "※ 본 공고는 「시행계획 공고(공고 제2024-386호, 2024.6.28.)」를 수정한 공고입니다.\n"
    )
    assert _items(text) == []


def test_the_period_a_change_replaces_is_dropped() -> None:
    text = (
        "가. 과제 추가 접수\n"
        "ㅇ 일정: (기존) 24.7.15(월)~24.7.29(금), 18:00→(추가) 24.8.7(수)~24.8.14(수), 18:00\n"
    )
    found = _items(text, date(2024, 8, 7))
    assert [(s, d) for s, d, _ in found] == [(date(2024, 8, 7), date(2024, 8, 14))]
    assert "과제 추가 접수" in found[0][2]


def test_a_generic_label_takes_the_heading_above_it() -> None:
    text = "1. 지원서 접수\n가. 접수기간: 2026년 1월 22일(목)부터 2월 5일(목) 18시까지\n"
    assert _items(text) == [(date(2026, 1, 22), date(2026, 2, 5), "지원서 접수")]


def test_years_that_name_a_budget_a_season_or_projects_are_no_deadlines() -> None:
    text = (
        "보도자료\n2024-11-20\n"
        "○ 2024년 본예산 37억원 150건의 사업을 추진한다.\n"
        "○ 2026년 동계 기간 실무 연수를 운영한다.\n"
        "○ 2026년 사업 신청이 이루어지는 올해 행정력을 집중한다는 방침이다.\n"
    )
    assert _items(text) == []


def test_hours_of_a_day_leave_the_bracketed_step_as_title() -> None:
    text = "공모 공고\n\n2025. 5. 20.\n○○구청장\n\no 추진일정\n- (작품 접수) 2025. 7. 18.(금) 9~17시\n"
    assert [t for _, _, t in _items(text)] == ["작품 접수"]


def test_a_spaced_label_under_a_part_heading_names_that_part_of_the_programme() -> None:
    text = (
        "「동네 걷기 챌린지」 참여자 모집\n등록일: 2025. 5. 23.\n\n"
        "가. 행사개요\n○ 일 시 : 2025. 6. 12.(목) 15:00 ~ 18:00\n"
    )
    assert [t for _, _, t in _items(text)] == ["「동네 걷기 챌린지」 행사"]


def test_a_span_said_as_a_length_and_dated_by_a_quoted_name() -> None:
    text = "행사 안내\n부처는 「2023 전국 과학 축제」를 11월 3일(금)부터 11월 4일(토) 이틀간 개최한다.\n"
    assert [(s, d) for s, d, _ in _items(text)] == [(date(2023, 11, 3), date(2023, 11, 4))]


def test_a_bare_day_after_the_posting_in_a_planned_step_is_that_day() -> None:
    text = (
        "정부, 후속작업 착수\n등록일 : 2007.06.04\n"
        "처는 예산을 예비비로 충당하는 안건을 5일 국무회의에 상정해 통과시킬 방침입니다.\n"
        "처는 지난 1일 설명회를 열었고, 3일 이를 발표할 예정이라고 2일 밝혔다.\n"
    )
    assert [d for _, d, _ in _items(text)] == [date(2007, 6, 5)]


def test_an_entry_deadline_labelled_like_a_stamp_is_kept() -> None:
    text = "실적 입력 안내\n등록일: 2025. 3. 2.\n입력 : 2025. 3. 10.까지 시스템에 입력\n"
    assert [d for _, d, _ in _items(text)] == [date(2025, 3, 10)]
