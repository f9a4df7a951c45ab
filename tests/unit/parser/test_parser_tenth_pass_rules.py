"""Rules of the tenth pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: years of a heading, of reported tasks, of results and of a topic
programme's name; a release's own day told in the past; a posting stamp with its issuer after the date;
a deadline restating a period's end under a topic with no step; a period from an undated agreement; the
`오는` a removed date leaves; a board's bilingual field label; a table row whose first column gives kinds."""

from datetime import date

from services.ingest.parser import parse_plan


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Years and days a text reports, not schedules


def test_the_year_of_a_direction_heading_is_no_milestone() -> None:
    text = (
        "2031년 예시지원사업 공고\n(1) 지원내용\n○ 지원기간 : 협약 체결일 ∼ 2031. 12. 31\n"
        "※ 과제별 최종 지원액은 심사를 거쳐 감액 또는 증액 조정될 수 있음\n"
        "(2) ’31년 지원방향\nㅇ (저변 확대) 첨단기술에 대한 이해 제고\n"
    )
    assert [t[0] for t in _titled(text) if "방향" in t[0]] == []
    assert len(_titled(text)) == 1


def test_the_year_of_the_tasks_a_report_presents_is_no_milestone() -> None:
    text = "예시부 업무보고\n각 기관은 기관의 핵심 기능, 그간 성과, 2031년 중점 추진 과제 등을 발표한다.\n"
    assert _titled(text) == []


def test_the_year_of_results_is_history() -> None:
    text = (
        "예시군 보고회 개최\n예시군은 보고회를 열었다고 11일 밝혔다.\n"
        "2030년 주요 성과로는 예시지구 정비사업(48억 원) 등 총 12건이 선정돼 성과를 거뒀다.\n"
    )
    assert _titled(text, date(2030, 12, 11)) == []


def test_a_programme_named_by_its_year_as_the_topic_is_no_milestone() -> None:
    text = (
        "예시TP, 운영기관 공모\n예시신문 2031-05-26 08:39:20\n"
        "2031년 예시과학문화역량강화사업은 예시부와 예시재단의 지원을 받아 추진되며, 저변 확대 취지를 담고 있다.\n"
    )
    assert _titled(text) == []


def test_a_releases_own_day_told_in_the_past_is_no_milestone() -> None:
    text = (
        "「2031년 예시부 업무계획」 발표\n◇ 핵심과제 중점 추진\n❶ 예시 로드맵 마련(’31.下) 등 우주경제 가동\n"
        "* 예시 거점, 클러스터 등\n"
        "예시부(이하 ‘예시부’)는 12월 28일 ‘예시 강국 실현’을 목표로, 2031년 업무계획을 발표하였다.\n"
    )
    titled = _titled(text)
    assert [t for t in titled if t[2] == date(2031, 12, 28)] == []
    assert [(t[1], t[2]) for t in titled] == [(date(2031, 7, 1), date(2031, 12, 31))]


def test_a_day_told_as_coming_stays() -> None:
    text = "예시 발간\n기사입력 2031/05/04 [17:58]\n예시청은 오는 10일 예시 자료집을 발간한다고 3일 밝혔다.\n"
    assert [t[2] for t in _titled(text)] == [date(2031, 5, 10)]


def test_a_posting_stamp_with_its_issuer_after_the_date_is_no_milestone() -> None:
    text = (
        "2031년 예시부 주요업무계획 발표\n2031년 예시부 주요업무계획 발표 2031.03.14 예시부\n"
        "예시부는 3월 14일(금) 주요 업무 추진계획을 발표했다.\n"
    )
    assert _titled(text) == []


def test_a_topic_with_no_step_on_a_periods_last_day_restates_it() -> None:
    text = (
        "예시TP, 운영기관 공모\n예시신문 2031-05-26 08:39:20\n"
        "예시테크노파크가 5월 27일부터 6월 7일까지 운영기관 모집 및 접수에 나선다.\n"
        "사업 참여를 희망하는 기관 및 기업은 6월 7일 오후 6시\n"
    )
    assert [(t[1], t[2]) for t in _titled(text)] == [(date(2031, 5, 27), date(2031, 6, 7))]


# Titles


def test_a_period_from_an_undated_agreement_is_named_by_its_label_and_the_notice() -> None:
    text = (
        "[예시재단] 2031년 예시문화활동지원사업 공고 안내\n2031년 3월 22일\n"
        "○ 지원기간 : 협약 체결일 ∼ 2031. 12. 31\n"
        "○ 접수기한 : ’31.3.24(월)~4.28(월) 17시까지\n"
    )
    titles = {t[2]: t[0] for t in _titled(text)}
    assert titles[date(2031, 12, 31)] == "예시문화활동지원사업 지원기간"


def test_a_project_period_from_a_years_agreement_is_named_by_its_label() -> None:
    text = "「예시교사연수센터」 운영기관 공모\n□ 과제명 : 2031년 예시교사연수센터 운영\n□ 과제기간 : 2031년 협약체결일 ~ 2032년 1월\n"
    assert _titled(text) == [("예시교사연수센터 운영기관 과제기간", date(2032, 1, 1), date(2032, 1, 31))]


def test_the_left_over_onun_goes_and_a_bare_action_takes_the_leads_quoted_name() -> None:
    text = (
        "예시부 “예시사업에 지원하세요”\n"
        "예시부는 ‘2031년 예시정보활용사업 중앙센터’로 1개 기관을 공모한다고 26일 밝혔다.\n"
        "오는 4월 1일부터 15일까지 지원서를 접수한다.\n"
    )
    assert _titled(text) == [("예시정보활용사업 중앙센터 지원서 접수", date(2031, 4, 1), date(2031, 4, 15))]


def test_a_boards_bilingual_field_is_titled_by_its_korean_label() -> None:
    text = (
        "정부 R&D 사업공고\n2031년도 예시기술개발사업 신규과제 공모\n"
        "부처명[ Government department ] 예시부 공고기관[ Announcing institute ] 예시재단\n"
        "공고일[ Announcement date ] 2031.07.02 접수마감일[ Deadline ] 2031.07.31\n"
    )
    titled = _titled(text)
    assert ("예시기술개발사업 신규과제 접수 마감", date(2031, 7, 31), date(2031, 7, 31)) in titled


def test_a_row_whose_first_column_gives_kinds_takes_the_sections_heading() -> None:
    text = (
        "2031년도 예시기술개발사업 신규과제 공고\nⅠ. 예시핵심기술개발(시범)사업\n1. 공모분야\n"
        "공모 유형 | 기술분야 | 총 사업기간 | 연구기간 | 연구비\n"
        "지정 | 발사체, 위성체 | 3년이내 | 2031.9 ~ 2032.8 (1년) | 과제당 10억원\n"
    )
    titled = _titled(text)
    assert ("예시핵심기술개발(시범)사업 연구기간", date(2031, 9, 1), date(2032, 8, 31)) in titled


def test_what_is_held_after_the_date_time_and_place_titles_the_day() -> None:
    text = (
        "date 2031-03-05\n예시공단 대상 3월 9일 현장설명회\n예시부가 현장설명회를 연다.\n"
        "예시부와 예시공단은 사전심사를 통과한 예시 컨소시엄을 대상으로 오는 9일 오후 2시 공단에서 "
        "현장설명회를 개최한다고 알렸다.\n"
    )
    assert _titled(text) == [("현장설명회 개최", date(2031, 3, 9), date(2031, 3, 9))]


def test_a_call_named_in_its_name_field_gives_the_year_of_its_deadline() -> None:
    text = (
        "「예시연수센터」 운영기관 공모\n예시재단은 운영기관을 공모합니다.\n1. 대상과제\n"
        "□ 과제명 : 2031년 예시연수센터 운영\n□ 선정규모 : 2개\n◦ 제출기한 : 5월 21일(수) 18:00까지\n"
    )
    assert [t[2] for t in _titled(text)] == [date(2031, 5, 21)]


def test_that_what_was_scheduled_goes_ahead_as_planned_is_no_step() -> None:
    text = (
        "예시부, 핵심 과제 이행\n기사 입력 2031.04.07 11:00\n"
        "예시부는 이달 예정된 주요 정책 과제 및 행사를 계획대로 추진할 예정이라고 밝혔다.\n"
        "이달 '예시 챌린지'의 상세 방안을 기획하고 과제를 선정할 예정이다.\n"
    )
    assert [t[2] for t in _titled(text)] == [date(2031, 4, 30)]
