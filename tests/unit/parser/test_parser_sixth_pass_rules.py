"""Precision rules of the sixth pass of issue #12, found by reading the kinds of text the earlier
held-out sets' first runs got wrong (news of past events, statistics releases, FAQs, results
reports, signed notices), on made-up lines: a month of an earlier year (`지난해 11월`), the period a
statistic covers (`1분기 고용동향`), a year naming a cohort (`2024년 선정자`), a coarse period as the
topic of a sentence that dates it to the day, a results section outside an implementation plan, and
a notice signed at its end."""

from datetime import date

from services.ingest.parser import parse_plan


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None]]:
    return [(m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def test_a_month_of_last_year_is_history() -> None:
    text = (
        "보도자료\n보도시점 2025. 3. 10.(월) 조간\n"
        "지난해 11월 개최된 박람회에는 3만 명이 다녀갔다.\n"
        "작년 10월 발표한 대책의 후속 조치다.\n"
        "정부는 오는 4월까지 후속 대책을 마련할 계획이다.\n"
    )
    assert _items(text) == [(None, date(2025, 4, 30))]


def test_a_month_of_last_year_is_history_without_a_dateline() -> None:
    assert _items("시는 지난 2023년 9월 착공한 도서관을 2025년 6월까지 준공한다.\n") == [
        (None, date(2025, 6, 30))
    ]


def test_the_period_a_statistic_covers_is_no_milestone() -> None:
    text = "마을청 물가 소식\n ○ 2024년 4분기 소비자물가 동향 발표\n ○ '25.3월 물가 점검회의 개최\n"
    assert _items(text) == [(date(2025, 3, 1), date(2025, 3, 31))]


def test_a_year_naming_a_cohort_is_no_deadline() -> None:
    text = "마을 장학금 자주 묻는 질문\nQ. 재신청할 수 있나요?\nA. 2024년 선정자는 재신청할 수 없습니다.\n"
    assert _items(text) == []


def test_a_half_year_as_the_topic_of_a_dated_sentence_is_context() -> None:
    text = "마을 장학금 자주 묻는 질문\nA. 2025년 상반기 접수는 3. 4.(화)부터 3. 14.(금)까지입니다.\n"
    assert _items(text) == [(date(2025, 3, 4), date(2025, 3, 14))]


def test_a_half_year_with_its_own_step_stays() -> None:
    text = "마을 사업 계획\n ○ 2025년 상반기 시범 운영, 2025. 9. 1. 본격 시행\n"
    assert (date(2025, 1, 1), date(2025, 6, 30)) in _items(text)


_RESULTS_BODY = (
    "Ⅰ. 2024년 추진 실적\n ○ 마을 통합플랫폼 구축 완료('24.6월)\n"
    "Ⅱ. 2025년 추진 계획\n ○ 마을 데이터센터 착공('25.3월)\n"
)


def test_a_results_section_of_a_work_report_is_not_tracked() -> None:
    text = "마을 스마트도시과 업무 보고\n" + _RESULTS_BODY
    assert _items(text) == [(date(2025, 3, 1), date(2025, 3, 31))]


def test_an_implementation_plan_tracks_its_results() -> None:
    text = "마을 스마트도시 2025년도 시행계획\n" + _RESULTS_BODY
    assert (date(2024, 6, 1), date(2024, 6, 30)) in _items(text)


def test_a_notice_signed_at_its_end_dates_it() -> None:
    filler = "".join(f"{n}. 유의사항 {n}번을 확인하시기 바랍니다.\n" for n in range(1, 70))
    text = (
        "마을 공모 심사 결과 공고\n1. 심사일: 2024. 11. 12.(화)\n2. 이의신청: 2024. 11. 22.(금)까지\n"
        + filler
        + "2024. 11. 15.\n마을재단 이사장\n"
    )
    assert _items(text) == [(None, date(2024, 11, 22))]
