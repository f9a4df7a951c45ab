"""Every time-expression form in the sample plans → kind, starts, due (table-driven)."""

from datetime import date

import pytest

from services.ingest.parser.dates import find_time_exprs, resolve_two_digit_year, shift_years, stated_weekday
from services.ingest.parser.textnorm import normalise

D = date
CASES = [
    ("'25.1분기", "'25.1분기", "deadline", D(2025, 1, 1), D(2025, 3, 31)),
    ("'25.1Q", "'25.1Q", "deadline", D(2025, 1, 1), D(2025, 3, 31)),
    ("(3·4분기 각 2편)", "3·4분기", "range", D(2025, 7, 1), D(2025, 12, 31)),
    ("'25.上", "'25.上", "deadline", D(2025, 1, 1), D(2025, 6, 30)),
    ("'25.下", "'25.下", "deadline", D(2025, 7, 1), D(2025, 12, 31)),
    ("'25년 상반기", "'25년 상반기", "deadline", D(2025, 1, 1), D(2025, 6, 30)),
    ("→ 하반기 규정 개정", "하반기", "deadline", D(2025, 7, 1), D(2025, 12, 31)),
    ("('25.下~)", "'25.下~", "ongoing", D(2025, 7, 1), None),
    ("('25.3월)", "'25.3월", "deadline", D(2025, 3, 1), D(2025, 3, 31)),
    ("(‘25. 4월 중)", "‘25. 4월 중", "deadline", D(2025, 4, 1), D(2025, 4, 30)),
    ("(’25,2월~)", "’25,2월~", "ongoing", D(2025, 2, 1), None),
    ("(’24.3.27)", "’24.3.27", "deadline", D(2024, 3, 27), D(2024, 3, 27)),
    ("‘24.11.09(토)", "‘24.11.09", "deadline", D(2024, 11, 9), D(2024, 11, 9)),
    ("(~’25.12월)", "~’25.12월", "deadline", None, D(2025, 12, 31)),
    ("(~’25.上)", "~’25.上", "deadline", None, D(2025, 6, 30)),
    ("(~‘25.6)", "~‘25.6", "deadline", None, D(2025, 6, 30)),
    ("('25.6월~)", "'25.6월~", "ongoing", D(2025, 6, 1), None),
    ("(‘25.1~9월)", "‘25.1~9월", "range", D(2025, 1, 1), D(2025, 9, 30)),
    ("(’25.4월~12월, 30명)", "’25.4월~12월", "range", D(2025, 4, 1), D(2025, 12, 31)),
    ("('25.7~12월, 4회)", "'25.7~12월", "range", D(2025, 7, 1), D(2025, 12, 31)),
    ("(‘25. 1월~2월)", "‘25. 1월~2월", "range", D(2025, 1, 1), D(2025, 2, 28)),
    ("(~'25년 10개 목표)", "~'25년", "deadline", None, D(2025, 12, 31)),
    ("('25년 10개 목표)", "'25년", "deadline", D(2025, 1, 1), D(2025, 12, 31)),
    ("’26년 상반기\n까지", "’26년 상반기\n까지", "deadline", None, D(2026, 6, 30)),
    ("(‘25~’29, 51.7억원)", "‘25~’29", "program", D(2025, 1, 1), D(2029, 12, 31)),
    ("’26~’31(6년)", "’26~’31", "program", D(2026, 1, 1), D(2031, 12, 31)),
    ("’26~’32년(9년)", "’26~’32년", "program", D(2026, 1, 1), D(2032, 12, 31)),
    ("(`24∼`28)", "`24∼`28", "program", D(2024, 1, 1), D(2028, 12, 31)),
    ("`30년까지 AI 팩토리", "`30년까지", "deadline", None, D(2030, 12, 31)),
    ("’28년까지 2배", "’28년까지", "deadline", None, D(2028, 12, 31)),
    ("올해 본격 착수", "올해", "deadline", D(2025, 1, 1), D(2025, 12, 31)),
    ("내년 착수", "내년", "deadline", D(2026, 1, 1), D(2026, 12, 31)),
    ("(25.11월)", "25.11월", "deadline", D(2025, 11, 1), D(2025, 11, 30)),
    ("3회(25.9월 11월 12월)", "25.9월 11월 12월", "deadline", D(2025, 9, 1), D(2025, 12, 31)),
    ("(’24.3월,6월) 개최", "’24.3월,6월", "deadline", D(2024, 3, 1), D(2024, 6, 30)),
    ("(‘24.9/12월 등)", "‘24.9/12월", "deadline", D(2024, 9, 1), D(2024, 12, 31)),
    ("(’24~, 공공연)", "’24~", "ongoing", D(2024, 1, 1), None),
    ("(~3월)", "~3월", "deadline", None, D(2025, 3, 31)),
    ("10월부터 제공", "10월부터", "ongoing", D(2025, 10, 1), None),
    ("(10.17일 위원회)", "10.17일", "deadline", D(2025, 10, 17), D(2025, 10, 17)),
    ("1991년 ∼ 1995년", "1991년 ∼ 1995년", "program", D(1991, 1, 1), D(1995, 12, 31)),
    ("'25.3월~ 추진", "'25.3월~", "ongoing", D(2025, 3, 1), None),
    ("´25.3월", "´25.3월", "deadline", D(2025, 3, 1), D(2025, 3, 31)),
    # Forms seen in other ministries' plans.
    ("('25.3.31.까지)", "'25.3.31.까지", "deadline", None, D(2025, 3, 31)),
    ("(2025. 6. 30.)", "2025. 6. 30", "deadline", D(2025, 6, 30), D(2025, 6, 30)),
    ("(’25년 12월말)", "’25년 12월말", "deadline", D(2025, 12, 1), D(2025, 12, 31)),
    ("('25년 2/4분기)", "'25년 2/4분기", "deadline", D(2025, 4, 1), D(2025, 6, 30)),
    ("(26년 3분기)", "26년 3분기", "deadline", D(2026, 7, 1), D(2026, 9, 30)),
    ("26년 상반기 착수", "26년 상반기", "deadline", D(2026, 1, 1), D(2026, 6, 30)),
    ("('25년 4월~'26년 3월)", "'25년 4월~'26년 3월", "range", D(2025, 4, 1), D(2026, 3, 31)),
    ("(2025.3월~)", "2025.3월~", "ongoing", D(2025, 3, 1), None),
    ("제도 개편 연내 마련", "연내", "deadline", D(2025, 1, 1), D(2025, 12, 31)),
    ("('25년 하반기 중)", "'25년 하반기 중", "deadline", D(2025, 7, 1), D(2025, 12, 31)),
    ("'25.2분기 내 완료", "'25.2분기 내", "deadline", D(2025, 4, 1), D(2025, 6, 30)),
    ("하반기 중소기업 지원", "하반기", "deadline", D(2025, 7, 1), D(2025, 12, 31)),
    # item 2: programme periods written with a hyphen or in words
    ("('24-'28)", "'24-'28", "program", D(2024, 1, 1), D(2028, 12, 31)),
    ("(2024-2028)", "2024-2028", "program", D(2024, 1, 1), D(2028, 12, 31)),
    ("2023년부터 2027년까지 348억원", "2023년부터 2027년까지", "program", D(2023, 1, 1), D(2027, 12, 31)),
    # item 3: day-precise schedules as notices write them
    ("2024. 3. 4.(월) ~ 3. 15.(금)", "2024. 3. 4.(월) ~ 3. 15", "range", D(2024, 3, 4), D(2024, 3, 15)),
    ("2024-03-04 ~ 2024-03-15", "2024-03-04 ~ 2024-03-15", "range", D(2024, 3, 4), D(2024, 3, 15)),
    ("'24.03.04(월)~03.15(금)", "'24.03.04(월)~03.15", "range", D(2024, 3, 4), D(2024, 3, 15)),
    ("('24.4.~'25.3.)", "'24.4.~'25.3", "range", D(2024, 4, 1), D(2025, 3, 31)),
    ("24.1.8.()~1.19.()", "24.1.8.()~1.19", "range", D(2024, 1, 8), D(2024, 1, 19)),
    (
        "2023. 12. 18.(월) ~ 2024. 1. 8.(월)",
        "2023. 12. 18.(월) ~ 2024. 1. 8",
        "range",
        D(2023, 12, 18),
        D(2024, 1, 8),
    ),
    (
        "접수 : 2019.06.17(월) ~ 2019.07.12(금) 오후 6시까지",
        "2019.06.17(월) ~ 2019.07.12(금) 오후 6시까지",
        "range",
        D(2019, 6, 17),
        D(2019, 7, 12),
    ),
    (
        "2021.10. 1.(금) ~ 2021. 10. 20.(수) 18:00까지",
        "2021.10. 1.(금) ~ 2021. 10. 20.(수) 18:00까지",
        "range",
        D(2021, 10, 1),
        D(2021, 10, 20),
    ),
    (
        "2024년 8월 14일(수) 9시부터 9월 11일(수) 18시까지 신청",
        "2024년 8월 14일(수) 9시부터 9월 11일(수) 18시까지",
        "range",
        D(2024, 8, 14),
        D(2024, 9, 11),
    ),
    (
        "2025년 3월 28일(월)부터 6월 30일(목)까지 진행",
        "2025년 3월 28일(월)부터 6월 30일(목)까지",
        "range",
        D(2025, 3, 28),
        D(2025, 6, 30),
    ),
    ("2025년 3월 10일부터 21일까지", "2025년 3월 10일부터 21일까지", "range", D(2025, 3, 10), D(2025, 3, 21)),
    ("면접: 2024. 3. 4.(월)", "2024. 3. 4", "deadline", D(2024, 3, 4), D(2024, 3, 4)),
    ("2024. 3. 15.(금)까지 제출", "2024. 3. 15.(금)까지", "deadline", None, D(2024, 3, 15)),
    ("2026년 5월 31일까지", "2026년 5월 31일까지", "deadline", None, D(2026, 5, 31)),
    ("2025. 6. 2.(월)부터 시행", "2025. 6. 2.(월)부터", "ongoing", D(2025, 6, 2), None),
    ("장학생 신청 안내(~9/9)", "~9/9", "deadline", None, D(2025, 9, 9)),
]


@pytest.mark.parametrize(("text", "expr", "kind", "starts", "due"), CASES)
def test_expression_forms(text: str, expr: str, kind: str, starts: date | None, due: date | None) -> None:
    found = find_time_exprs(normalise(text), 2025, 2025)
    assert len(found) == 1
    hit = found[0]
    assert text[hit.start : hit.end] == expr
    assert (hit.kind, hit.starts, hit.due) == (kind, starts, due)


@pytest.mark.parametrize(
    "text",
    [
        "(9개월, 36개 과제)",
        "(22:25~23:15)",
        "5년 유예",
        "‘30대 산업규제",
        "공동연구실’ 30개소",
        "’25. 5개 기업"[4:],
        "1,500억원/5년",
        "10년간 지원",
        "20년 이상 경력",
        "공연내용 공개",
    ],
)
def test_not_time_expressions(text: str) -> None:
    assert find_time_exprs(normalise(text), 2025, 2025) == []


def test_bare_year_with_count_is_year_only() -> None:
    (hit,) = find_time_exprs(normalise("(’25. 5개 기업 추가)"), 2025, 2025)
    assert (hit.grain, hit.due) == ("year", D(2025, 12, 31))


@pytest.mark.parametrize(
    ("yy", "ref", "year"), [(25, 2025, 2025), (99, 2025, 1999), (30, 2026, 2030), (14, None, 2014)]
)
def test_two_digit_years_follow_the_document_date(yy: int, ref: int | None, year: int) -> None:
    assert resolve_two_digit_year(yy, ref) == year


def test_a_by_year_deadline_does_not_set_the_year_of_a_later_month() -> None:
    text = "'27년까지 인력 2,500명을 양성하고, 로드맵을 9월까지 마련"
    found = find_time_exprs(normalise(text), 2026, 2026)
    assert [e.due for e in found] == [D(2027, 12, 31), D(2026, 9, 30)]


# item 4: prose relative to the document date (a 2026-01-28 press release: ref year 2026, month 1)
RELATIVE_CASES = [
    ("내년 상반기까지 완비", "내년 상반기까지", "deadline", None, D(2027, 6, 30)),
    ("내년 상반기 착수", "내년 상반기", "deadline", D(2027, 1, 1), D(2027, 6, 30)),
    ("연내 마련", "연내", "deadline", D(2026, 1, 1), D(2026, 12, 31)),
    ("올해 안 발표", "올해 안", "deadline", D(2026, 1, 1), D(2026, 12, 31)),
    ("올해 말까지 구축", "올해 말까지", "deadline", None, D(2026, 12, 31)),
    ("올해 연말까지 지원", "올해 연말까지", "deadline", None, D(2026, 12, 31)),
    ("내달 공고", "내달", "deadline", D(2026, 2, 1), D(2026, 2, 28)),
    ("다음 달 10~14일 접수", "다음 달 10~14일", "range", D(2026, 2, 10), D(2026, 2, 14)),
    ("이달 중 고시", "이달 중", "deadline", D(2026, 1, 1), D(2026, 1, 31)),
    ("오는 6월 말까지 신청", "6월 말까지", "deadline", None, D(2026, 6, 30)),
    ("10일부터 21일까지 접수", "10일부터 21일까지", "range", D(2026, 1, 10), D(2026, 1, 21)),
    ("하반기 중 시행", "하반기 중", "deadline", D(2026, 7, 1), D(2026, 12, 31)),
    ("3∼4월 공모", "3∼4월", "range", D(2026, 3, 1), D(2026, 4, 30)),
    ("2026년 5월 31일까지", "2026년 5월 31일까지", "deadline", None, D(2026, 5, 31)),
    ("2024년 11월 발표", "2024년 11월", "deadline", D(2024, 11, 1), D(2024, 11, 30)),
]


@pytest.mark.parametrize(("text", "expr", "kind", "starts", "due"), RELATIVE_CASES)
def test_relative_forms(text: str, expr: str, kind: str, starts: date | None, due: date | None) -> None:
    (hit,) = find_time_exprs(normalise(text), 2026, 2026, 1)
    assert text[hit.start : hit.end] == expr
    assert (hit.kind, hit.starts, hit.due) == (kind, starts, due)


@pytest.mark.parametrize("text", ["내달 공고", "다음 달 10~14일", "이달 중 고시", "10일부터 21일까지"])
def test_relative_months_are_left_out_without_a_document_date(text: str) -> None:
    assert find_time_exprs(normalise(text), None, None, None) == []


def test_a_days_range_start_takes_the_month_of_its_end_or_the_one_before() -> None:
    late = find_time_exprs("25일부터 3월 9일까지 연다", None, 2016)
    early = find_time_exprs("5일부터 3월 9일까지 연다", None, 2016)
    assert [(e.starts, e.due) for e in late] == [(date(2016, 2, 25), date(2016, 3, 9))]
    assert [(e.starts, e.due) for e in early] == [(date(2016, 3, 5), date(2016, 3, 9))]
    assert all(e.starts != date(2015, 12, 25) for e in find_time_exprs("25일부터 1월 9일까지", None, 2016))


def test_a_year_less_day_moves_to_the_year_its_weekday_names() -> None:
    wrong_year = find_time_exprs("3. 17.(월)~6. 30.(월)", None, 2026)  # Mondays in 2025
    assert [(e.starts, e.due) for e in wrong_year] == [(date(2025, 3, 17), date(2025, 6, 30))]
    typo = find_time_exprs("9. 1.(월) ~ 9. 23.(금)", None, 2022)  # 1 September 2022 is a Thursday
    assert [(e.starts, e.due) for e in typo] == [(date(2022, 9, 1), date(2022, 9, 23))]
    dated = find_time_exprs("2026. 3. 17.(월)", None, 2026)  # a stated year is kept
    assert [e.due for e in dated] == [date(2026, 3, 17)]


def test_shift_years_keeps_the_day_and_clamps_29_february() -> None:
    assert shift_years(date(2025, 3, 17), -1) == date(2024, 3, 17)
    assert shift_years(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert shift_years(None, 1) is None


def test_stated_weekday_reads_the_parenthesised_day_in_its_window() -> None:
    assert stated_weekday("3. 17.(월) ~ 6. 30.(월)") == 0
    assert stated_weekday("3. 17.(월) ~ 6. 30.(금)", 10) == 4
    assert stated_weekday("3. 17. ~ 6. 30.") is None
