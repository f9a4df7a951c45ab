"""Rules of the fifteenth pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: a work plan's heading year dates its body's bare halves and months."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.periodnames import named_round_year
from services.ingest.parser.planyear import heading_plan_year


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# The plan's year


def test_a_work_plan_released_the_year_before_dates_its_bare_halves_in_its_own_year() -> None:
    text = (
        "예시청, 2031년도 주요 업무계획 발표\n"
        "예시청은 2030년 12월 10일 이같은 내용의 업무계획을 발표했다.\n"
        "예시광장 기본구상은 상반기에 수립하고, 하반기에는 세부 시설 조성방안을 마련한다.\n"
    )
    dates = [(s, d) for _, s, d in _titled(text)]
    assert (date(2031, 1, 1), date(2031, 6, 30)) in dates
    assert (date(2031, 7, 1), date(2031, 12, 31)) in dates
    assert all(d is None or d.year == 2031 for _, d in dates)


def test_a_core_tasks_heading_names_the_plan_year() -> None:
    assert heading_plan_year(["2031 정부 업무보고", "2031년 예시개발청 핵심 추진과제 - ① 기반"]) == 2031
    assert heading_plan_year(["2031년도 주요 업무계획 발표"]) == 2031
    assert heading_plan_year(["예시군, 2031년 예산 편성", "본문"]) is None


def test_a_bare_month_in_parentheses_falls_in_the_heading_year() -> None:
    text = "2031년 예시개발청 핵심 추진과제\n- 상·하수도: 간선관로 설치방안 마련(12월)\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 12, 1), date(2031, 12, 31))]


# Short plan forms


def test_a_two_digit_year_with_a_half_sign_is_that_half() -> None:
    text = "2031년 예시개발청 핵심 추진과제\n- 공항: 기본계획 수립·고시(31.上) 후 설계 용역 추진\n- 항만: 부두 공사착공(31.下)\n"
    assert [(s, d) for _, s, d in _titled(text)] == [
        (date(2031, 1, 1), date(2031, 6, 30)),
        (date(2031, 7, 1), date(2031, 12, 31)),
    ]


def test_a_two_digit_year_of_a_completion_target_is_that_year() -> None:
    text = "2031년 예시개발청 핵심 추진과제\n- 예시 고속도로: 33년 완공을 목표로 터널 굴착 등 추진\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2033, 1, 1), date(2033, 12, 31))]


def test_a_two_digit_year_counted_in_years_is_not_a_date() -> None:
    text = "2031년 예시개발청 핵심 추진과제\n- 예시 사업: 10년 만에 재개, 착공(12월)\n"
    assert [d for _, _, d in _titled(text)] == [date(2031, 12, 31)]


def test_a_two_digit_year_after_a_field_label_is_that_year() -> None:
    text = "2031년 예시개발청 핵심 추진과제\n- 공항: 설계 용역 추진(12월)\n* (규모) 활주로 2,500m (사업비) 7,796억원, (준공) 36년\n"
    assert (date(2036, 1, 1), date(2036, 12, 31)) in [(s, d) for _, s, d in _titled(text)]


# Periods that name a round or an event


def test_a_half_inside_a_quoted_round_name_is_no_item() -> None:
    text = "예시부는 ‘31년도 상반기 기술성평가 부처 사업설명회’를 개최한다고 밝혔다.\n평가 결과는 2031년 9월 말 통보된다.\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 9, 1), date(2031, 9, 30))]


def test_a_bracketed_round_name_and_a_fiscal_half_naming_a_round_are_no_items() -> None:
    text = (
        "예시부는 [2031년도 하반기 기술성 평가]를 실시한다고 밝혔다.\n"
        "한편 2031년도 하반기 예타조사 및 기술성평가는 이미 접수를 시작했다.\n"
    )
    assert _titled(text) == []


def test_a_year_naming_a_days_edition_is_no_item() -> None:
    text = "예시부 브리핑\n오늘 2031년 과학·정보통신의 날 기념식이 과학기술회관에서 있습니다.\n"
    assert all(s != date(2031, 1, 1) for _, s, _ in _titled(text))


def test_a_plain_half_is_still_an_item() -> None:
    text = "2031년 예시 업무계획\n2031년 하반기 예시 기술성평가 제도 개편 추진\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 7, 1), date(2031, 12, 31))]


# Month parts and the round's year


def test_a_middle_of_month_with_gyeong_is_its_middle_ten_days() -> None:
    text = "2031년 예시 업무계획\n최종 평가 결과를 2월 중순경 기획재정부에 통보한다.\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 2, 11), date(2031, 2, 20))]


def test_an_undated_items_bare_month_falls_in_its_named_rounds_year() -> None:
    text = (
        "예시부는 [2031년도 하반기 기술성 평가]를 실시한다고 24일 밝혔다.\n"
        "평가는 2개월 간 진행되며, 평가결과는 9월말 기획재정부에 통보될 예정이다.\n"
    )
    assert [d for _, _, d in _titled(text)] == [date(2031, 9, 30)]
    assert named_round_year(["예시부는 ‘31년도 상반기 기술성평가 부처 사업설명회’를 연다."]) == 2031


# Several items on one line


def test_rounds_given_their_months_respectively_are_one_step_each() -> None:
    text = (
        "예시부 예타 제도 설명회 개최\n입력 2031-01-28 12:00\n"
        "한편 올해 1차 예타 접수는 다음 달 18일까지며 2·3·4차 접수는 각각 5·8·11월에 차례로 진행된다.\n"
    )
    months = [(t, s) for t, s, _ in _titled(text) if s is not None]
    assert [s for _, s in months] == [date(2031, 5, 1), date(2031, 8, 1), date(2031, 11, 1)]
    assert [t.split()[0] for t, _ in months] == ["2차", "3차", "4차"]
    assert all(t.endswith("접수") for t, _ in months)


def test_rounds_and_months_of_different_counts_are_not_paired() -> None:
    text = "예시부 공모\n입력 2031-01-28 12:00\n2·3차 접수는 각각 5·8·11월에 진행된다.\n"
    assert [s for _, s, _ in _titled(text) if s is not None] in ([], [date(2031, 11, 1)])


def test_two_named_places_given_their_months_respectively_are_one_step_each() -> None:
    text = "2031년 예시 업무계획\n가동과 나동 복합커뮤니티센터는 각각 6월과 11월 준공되며 주민 이용이 늘어난다.\n"
    assert [(t, s) for t, s, _ in _titled(text)] == [
        ("가동 복합커뮤니티센터 준공", date(2031, 6, 1)),
        ("나동 복합커뮤니티센터 준공", date(2031, 11, 1)),
    ]


def test_a_short_title_gets_the_topic_before_its_date() -> None:
    text = (
        "2031년 예시 업무계획\n"
        "예시경찰청은 상반기에 공사에 들어가고 예시법원은 상반기 설계공모 후 하반기 기본설계에 착수한다.\n"
        "가동과 나동 센터는 각각 6월과 11월 준공되며 체험형 공간인 예시동 과학문화센터도 10월 착공한다.\n"
    )
    titles = [t for t, _, _ in _titled(text)]
    assert titles[:3] == ["예시경찰청 공사에 들어가고", "예시법원 설계공모 후", "예시법원 기본설계에 착수"]
    assert titles[-1] == "예시동 과학문화센터 착공"


def test_the_topic_of_an_earlier_clause_does_not_name_a_later_date() -> None:
    text = "2031년 예시 업무계획\n예시교육청은 2030학년도에 4교를 지정하였고, 향후 2033년도까지 총 10교를 선정할 계획이다.\n"
    assert all(not t.startswith("예시교육청") for t, _, _ in _titled(text) if "10교" in t)


# Dates of the text itself


def test_a_photo_credit_stamp_is_no_item() -> None:
    text = "예시군 보고회\n예시군수가 보고회를 주재하고 있다.[사진=예시군]2031.10.02 reporter@example.com |\n"
    assert _titled(text) == []


def test_a_briefings_own_opening_day_is_no_item() -> None:
    text = "예시부 정례브리핑\n2031.04.21 예시부\n4월 21일 월요일 정례브리핑을 시작하겠습니다.\n4월 23일에는 예시 출범식이 있습니다.\n"
    assert [d for _, _, d in _titled(text)] == [date(2031, 4, 23)]


def test_a_previous_clauses_predicate_is_trimmed_from_the_title() -> None:
    text = (
        "date 2031-01-14 예시시, 상반기 조기 발주\n"
        "예시시는 합동 설계 작업장을 운영하고 있고, 상반기 내 해당 사업의 100%를 발주할 계획이다.\n"
    )
    assert all(not t.startswith("있고") for t, _, _ in _titled(text))


# A schedule's detail sentences


def test_a_detail_sentence_after_same_day_is_titled_by_that_line() -> None:
    text = (
        "예시부 정례브리핑\n2031.04.21 예시부\n"
        "4월 22일에는 예시 심포지엄이 4월 22일 화요일 오전 10시 예시 호텔에서 있습니다.\n"
        "같은 날, 연구자 현장 의견 청취가 있습니다.\n"
        "연구자 의견을 심층 논의합니다. 4월 22일 화요일 3시 30분 회의실에서 개최가 됩니다.\n"
        "4월 23일에는 예시 얼라이언스 출범식이 있습니다.\n"
        "민관 협력체계를 출범합니다. 4월 23일 수요일 오후 2시 예시홀에서 진행이 됩니다.\n"
    )
    found = _titled(text)
    assert [d for _, _, d in found] == [date(2031, 4, 22), date(2031, 4, 22), date(2031, 4, 23)]
    assert found[1][0] == "연구자 현장 의견 청취"


def test_year_end_in_a_plan_for_the_coming_year_is_that_years_end() -> None:
    text = (
        "date 2030-12-15 예시청, 2031년도 주요 업무계획 발표\n"
        "특히 내년 연말까지 예시 대책도 수립할 계획이다. 예시 BRT가 연말까지 준공되며 연계 방안도 검토한다.\n"
    )
    assert [d for _, _, d in _titled(text)] == [date(2031, 12, 31), date(2031, 12, 31)]


def test_a_targets_horizon_year_does_not_move_year_end() -> None:
    text = "예시부 2031년 업무계획\n2040년 국가 목표·지표를 연말까지 개발하여 평가체계를 확립한다.\n"
    assert date(2031, 12, 31) in [d for _, _, d in _titled(text)]


def test_a_campaigns_resolve_is_no_item() -> None:
    text = (
        "date 2031-01-14 예시시, 상반기 건설공사 조기 발주\n"
        "예시시가 경기 활성화를 위해 올해 상반기 총력전을 펼친다.\n"
        "시는 상반기 내 전체 건설공사의 70% 이상 발주를 목표로 추진한다.\n"
    )
    assert all("총력" not in t for t, _, _ in _titled(text))


def test_a_notes_field_date_is_the_bullets_subjects_step() -> None:
    text = (
        "2031년 예시개발청 핵심 추진과제\n"
        "- 공항: 기본계획 수립·고시(31.上) 후 기본·실시설계 용역 추진(국토부)\n"
        "* (규모) 활주로 2,500m, 계류장 5대 (사업비) 7,796억원, (준공) 37년\n"
    )
    assert ("공항 준공", date(2037, 12, 31)) in [(t, d) for t, _, d in _titled(text)]


# Today


def test_today_announcing_an_event_is_the_datelines_day() -> None:
    text = "예시부 정례브리핑\n2031.04.21 예시부\n먼저, 오늘 예시의 날 기념식이 오후 2시 예시회관에서 있습니다.\n"
    assert [d for _, _, d in _titled(text)] == [date(2031, 4, 21)]


def test_a_speakers_today_is_no_day() -> None:
    text = "예시부 정례브리핑\n2031.04.21 예시부\n장관은 오늘 우리가 가야 할 길을 생각해야 한다고 말했다.\n"
    assert _titled(text) == []


def test_a_title_inside_a_list_is_named_from_the_lists_first_member() -> None:
    text = (
        "예시부 2031년 업무계획\n"
        "• 예시법 하위 법령 마련(2031년 상반기): 고영향 안전 관리 기준, 워터마크 등 후속 제도 설계 및 시행(2032년 1월) 등\n"
    )
    titles = [t for t, s, _ in _titled(text) if s == date(2032, 1, 1)]
    assert titles and titles[0].startswith("고영향 안전 관리 기준, 워터마크 등")


def test_an_event_under_way_ranges_from_the_day_the_next_line_says_it_began() -> None:
    text = (
        "4일까지 '2032년도 군정 주요업무 보고회'\n"
        "[예시=뉴스핌] 기자 = 예시군이 군정주요업무보고회를 열었다.\n"
        "예시군은 이달 4일까지 '2032년도 군정 주요업무 보고회'를 진행한다.\n"
        "지난 달 30일부터 진행된 이번 보고회는 주요사업 추진현황을 점검하기 위해 마련됐다.\n"
        "예시군수가 보고회를 주재하고 있다.[사진=예시군]2031.10.02 reporter@example.com |\n"
    )
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 9, 30), date(2031, 10, 4))]


def test_a_bare_day_of_an_event_the_release_says_is_held_is_placed() -> None:
    text = (
        "예시부, 31일 예시 설명회 대전서 개최\n입력 2031-01-28 12:00\n"
        "예시부는 올해 예시 절차를 알리는 설명회를 31일 대전 예시교육원에서 연다고 28일 밝혔다.\n"
    )
    assert [d for _, _, d in _titled(text)] == [date(2031, 1, 31)]


def test_a_numbered_stage_is_the_stage_of_the_project_named_before_it() -> None:
    text = (
        "2031년 예시개발청 핵심 추진과제\n"
        "- 내부 간선도로: 예시도로 1단계 사업을 준공하고, 2단계 사업은 32.7월 개통 목표로 추진(누적 공정률 88.2%)\n"
    )
    assert ("예시도로 2단계 사업은 개통 목표로 추진", date(2032, 7, 31)) in [
        (t, d) for t, _, d in _titled(text)
    ]
