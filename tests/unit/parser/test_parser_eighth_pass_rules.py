"""Rules of the eighth pass of issue #12, each for a family of misses or wrong items seen across the
held-out sets (not for one document), on made-up lines: tables printed with ` | ` between cells,
compact `YYYYMMDD` ranges of grants portals, field rows and noted dates titled by their field, dates
that are never milestones (counts compared across years, a month figures were counted over, the year
something was introduced, this month's meeting, a title that is only a date, a schedule's
introduction), bylines and as-of stamps, `이달 안에`, and flow charts printed one box per line."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.dates import find_time_exprs
from services.ingest.parser.lines import is_meta


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None]]:
    return [(m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Tables printed with ` | ` between cells


def test_pipe_rows_are_not_joined_and_a_date_first_row_is_titled_by_its_cells() -> None:
    text = (
        "2030 마을 사업 일정표\n일 정 | 내 용 | 비 고\n"
        "30.4.1.()~4.12.() | 계획서 접수 | 방문 접수\n"
        "30. 5월 중 | 선정 결과발표 | 누리집 게재\n"
    )
    titled = _titled(text, doc_date=date(2030, 1, 2))
    assert ("계획서 접수 방문 접수", date(2030, 4, 1), date(2030, 4, 12)) in titled
    assert ("선정 결과발표 누리집 게재", date(2030, 5, 1), date(2030, 5, 31)) in titled
    assert all(not title.startswith(("|", ".")) for title, _, _ in titled)


def test_a_two_digit_year_day_before_kkaji_is_a_deadline() -> None:
    text = "2030 마을 사업 일정표\n일 정 | 내 용\n30.11.15.까지 | 결과보고서 제출\n"
    assert _titled(text) == [("결과보고서 제출", None, date(2030, 11, 15))]


# Compact dates and field rows


def test_a_compact_range_is_read_and_a_lone_eight_digit_number_is_not() -> None:
    found = find_time_exprs("접수일자 | 20301222 ~ 20310105", None, None)
    assert [(e.starts, e.due) for e in found] == [(date(2030, 12, 22), date(2031, 1, 5))]
    assert find_time_exprs("정책 번호 | 20300131005400100001", None, None) == []
    assert find_time_exprs("등록번호 20300131 발급", None, None) == []


def test_a_field_row_is_titled_by_its_field_and_the_records_name() -> None:
    text = (
        "공모기관명 | 예시시\n공고명 | 2030년 숲 체험 교실 운영 지원 공모\n"
        "공고일자 | 20300301 ~ 20300320\n접수일자 | 20300305 ~ 20300320\n"
    )
    assert _titled(text) == [("숲 체험 교실 운영 지원 공모 접수", date(2030, 3, 5), date(2030, 3, 20))]


def test_a_spaced_field_label_is_one_word() -> None:
    text = "2030년 청년 창업 지원 모집 공고\n정책 분야 | 일자리\n사업 신청 기간 | 2030.01.22 ~ 2030.02.05\n"
    assert _titled(text) == [("청년 창업 지원 모집 사업신청", date(2030, 1, 22), date(2030, 2, 5))]


def test_a_date_noted_on_a_fields_value_is_the_fields() -> None:
    text = "2030년 청년 창업 지원 모집 공고\n지원 내용 | □ 지원기간 : 협약일부터 9개월 이내('30.3월~'30.11월 예정)\n"
    assert _titled(text) == [("청년 창업 지원 모집", date(2030, 3, 1), date(2030, 11, 30))]


def test_a_metadata_word_inside_an_enumeration_is_no_label() -> None:
    assert not is_meta("보육여건(멘토, 장비, 연락처 등)을 제출 - 제출기간 : '30.1.7(월) ~ '30.1.18(금)")
    assert is_meta("연락처 : 02-000-0000")
    assert is_meta("담당자 예시과 02-000-0000")
    assert not is_meta("30. 3월 중 | 실무자 교육 | 공동체 대표 및 회계 담당자 회계교육 이수 필수")
    text = "- 보육여건(멘토, 장비, 연락처 등)을 제출 | 제출기간 : '30.1.7(월) ~ '30.1.18(금) 18:00까지"
    assert _items(text) == [(date(2030, 1, 7), date(2030, 1, 18))]


# Dates that are never milestones


def test_counts_compared_across_years_are_a_baseline_but_a_counted_target_stays() -> None:
    assert _items("* ’29년 5회(상반기 3회, 하반기 2회)→’30년 10회(상반기 5회, 하반기 5회)") == []
    assert _items("ㅇ 제도정비 과제 발굴(’30년 50건 목표)") == [(date(2030, 1, 1), date(2030, 12, 31))]


def test_a_month_figures_were_counted_over_is_a_statistic() -> None:
    text = "시는 2030년 8월 한 달간 발급 신청이 2천963건으로 처음 넘어섰다고 16일 밝혔다."
    assert _items(text) == []


def test_the_year_something_was_introduced_is_history() -> None:
    assert _items("물품을 공급하는 제도로 2029년 도입됨.") == []
    assert _items("시는 2031년 제도를 도입할 계획이다.") == [(date(2031, 1, 1), date(2031, 12, 31))]


def test_this_months_meeting_named_by_its_month_is_no_item() -> None:
    text = "예시군 12월 현안점검회의 개최\n2030.12.15 17:45\n군은 부서별 추진 상황을 점검했다."
    assert _items(text) == []


def test_a_title_that_is_only_a_date_is_no_item() -> None:
    assert _items("이렇게 달라집니다.\n2030년부터\n2030년\n상반기부터\n예시청\n") == []


def test_the_year_of_a_sentence_that_introduces_a_schedule_is_no_item() -> None:
    text = "2030년 마을 공모사업 추진 일정은 아래와 같다.\n- 계획서 접수 : 2030. 1. 10.(목) ~ 1. 22.(화)\n"
    assert _items(text) == [(date(2030, 1, 10), date(2030, 1, 22))]


def test_bylines_and_as_of_stamps_are_metadata() -> None:
    assert is_meta("지구빵집 2030. 1. 24. 14:23")
    assert is_meta("기자 승인 2030.10.21 20:15 의견 0")
    assert is_meta("기준: 2030. 9월 말 / 단위: 백만원")
    assert not is_meta("접수 마감 2030. 1. 24. 14:00")


# Relative and flow-chart dates


def test_within_this_month_ends_with_the_month() -> None:
    assert _titled("시는 이달 안에 조사를 마무리할 계획이다.", doc_date=date(2030, 12, 15)) == [
        ("시는 조사 마무리", date(2030, 12, 1), date(2030, 12, 31))
    ]


def test_a_flow_chart_dates_the_step_above_each_period() -> None:
    text = (
        "2030. 2. 1. 공고\n추진흐름도\n- 제안접수\n- 연중\n- 기획예산과\n"
        "- 사업검토\n- 7월~8월\n- 사업 부서\n- 심의·결정\n- 9월\n- 위원회\n"
    )
    assert _titled(text) == [
        ("사업검토", date(2030, 7, 1), date(2030, 8, 31)),
        ("심의·결정", date(2030, 9, 1), date(2030, 9, 30)),
    ]


def test_a_planned_passive_ending_is_no_part_of_the_step() -> None:
    text = "이번에 보고된 주요 업무계획은 12월 말 예산반영과 함께 최종 확정될 예정이다."
    titled = _titled(text, doc_date=date(2030, 9, 21))
    assert [title for title, _, _ in titled] == ["이번에 보고된 주요 업무계획 예산반영과 함께 최종 확정"]
    assert titled[0][2] == date(2030, 12, 31)


def test_a_bare_field_label_restating_another_items_dates_is_dropped() -> None:
    text = (
        "예시청 정책 안내\n▣ 하반기에는 통합 발굴한 수요자제안형 과제 공모가 시행됩니다.(2030년 9월 예정)\n"
        "시행일 | 2030년 9월\n"
    )
    titled = _titled(text)
    assert [(starts, due) for _, starts, due in titled] == [(date(2030, 9, 1), date(2030, 9, 30))]
    assert "수요자제안형 과제 공모" in titled[0][0]
    alone = "예시청 정책 안내\n시행일 | 2030년 9월\n"
    assert _items(alone) == [(date(2030, 9, 1), date(2030, 9, 30))]
