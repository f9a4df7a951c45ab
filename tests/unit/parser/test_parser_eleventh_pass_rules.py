"""Rules of the eleventh pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: a lettered item stating a date after its label is no wrapped text; a board's
name is not the notice's title; a deadline field is the subject's (or its qualifier's) deadline and the
thing a notice asks for names it; a period's length in brackets is a remark; an opening sentence's call
names the subject; a long title's quoted name is the subject; a plan's year places the sentence's days;
figures for a title, a channel's cut-off restating a period's end, a year of an exclusion, of a call's own
edition, of a title, projects described by when they end are no steps; a day's label in parentheses."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.fields import plan_year_after
from services.ingest.parser.textnorm import normalise


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Titles of field labels


def test_a_lettered_field_item_does_not_continue_the_wide_note_above_it() -> None:
    text = (
        "2031년도 예시연구사업 신규과제 공모 알림\n가. 지원 규모\n"
        "※ 예시연구 지원대상 중 초기 정착기 연구자에게 예시실험실 구축비를 추가로 지원하는 경우가 있음\n"
        "나. 신청기한: 2031.11.27.(목) ~ 2031.12.05.(금) 18:00까지\n다. 신청방법: 온라인 신청\n"
    )
    assert _titled(text) == [("예시연구사업 신규과제 공모 신청", date(2031, 11, 27), date(2031, 12, 5))]


def test_a_boards_name_is_not_the_notices_title() -> None:
    text = (
        "정보마당\n예시대학교 산학협력단\n사업공고\n2031년도 하반기 예시연구지원사업 후속연구지원 접수 안내\n"
        "가. 선정개요\n나. 신청방법 및 기간\n1) 신청방법: 온라인 신청\n"
        "※ 신청매뉴얼은 접수 1주 전에 홈페이지에 별도로 안내할 예정이며 관련 기관 담당자에게 공문을 전달함\n"
        "2) 신청기간: 2031.8.11.(월) 09:00 ~ 8.18.(월) 18:00\n"
    )
    assert _titled(text) == [
        ("예시연구지원사업 후속연구지원 접수 신청", date(2031, 8, 11), date(2031, 8, 18))
    ]


def test_a_deadline_field_is_the_subjects_and_its_qualifiers_deadline() -> None:
    text = (
        "정부 R&D 사업공고\n2031년도 예시 Foresight Program 신규과제\nNov 19. 2030\n"
        "공고일[ Announcement date ] 2030.11.15 접수마감일[ Deadline ] 2031.01.21\n"
        "연구지원팀 접수마감일[ Deadline for Research supporting team ] 2031.01.16\n신규사업공모\n"
    )
    titled = _titled(text)
    assert ("예시 Foresight Program 신규과제 접수 마감", date(2031, 1, 21), date(2031, 1, 21)) in titled
    assert ("연구지원팀 접수 마감", date(2031, 1, 16), date(2031, 1, 16)) in titled
    assert len(titled) == 2


def test_what_the_notice_asks_to_apply_for_names_its_deadline() -> None:
    text = (
        "정부 R&D 사업공고\n2031년도 예시기술개발사업 신규과제 공모\n"
        "공고일[ Announcement date ] 2031.07.02 접수마감일[ Deadline ] 2031.07.31\n"
        "예시부는 아래와 같이 과제를 공모하오니 연구과제를 신청하여 주시기 바랍니다.\n"
    )
    assert _titled(text) == [("연구과제 접수 마감", date(2031, 7, 31), date(2031, 7, 31))]


def test_a_periods_length_in_brackets_is_a_remark_of_the_label() -> None:
    text = "2031 예시글판 봄편 문안 공모\n○ 기간 및 일정\n- 모집 기간 : 2031. 1. 13. ~ 1. 27.[15일간]\n"
    assert _titled(text) == [("예시글판 봄편 문안 공모 모집", date(2031, 1, 13), date(2031, 1, 27))]


def test_an_opening_sentence_names_what_the_notice_calls_for() -> None:
    text = (
        "예시재단 예시진흥팀에서 아래와 같이 정책연구용역과제를 공모하오니, 많은 관심과 신청 바랍니다.\n"
        "□ 과제개요\n□ 접수기한 : 2031. 10.7(화) ~ 10. 16(목) 17:00까지 (10일간)\n"
    )
    assert _titled(text) == [("정책연구용역과제 접수", date(2031, 10, 7), date(2031, 10, 16))]


def test_a_long_titles_quoted_name_is_the_subject() -> None:
    text = (
        "정부 R&D 사업공고\n2031년 전략기술형 예시국제공동기술개발사업 「예시산업기술 글로벌 오픈 R&D」 신규과제 공고\n"
        "공고일[ Announcement date ] 2031.07.29 접수마감일[ Deadline ] 2031.09.03\n"
    )
    assert _titled(text) == [
        ("예시산업기술 글로벌 오픈 R&D 신규과제 접수 마감", date(2031, 9, 3), date(2031, 9, 3))
    ]


def test_a_days_label_in_parentheses_titles_it() -> None:
    text = "예시 후속연구지원 안내\n3) 지원내용: 후속연구 지원 (연구개시: ’29.11.1.)\n"
    assert ("연구개시", date(2029, 11, 1), date(2029, 11, 1)) in _titled(text)


# Years and days that are no steps


def test_a_plans_year_places_the_year_less_day_of_its_sentence() -> None:
    text = (
        "예시부는 2월 17일 예시협력사업의 ‘31년도 통합 시행계획을 공고한다.\n올해 지원규모는 100억원이다.\n"
    )
    assert _titled(text) == [("예시협력사업의 통합 시행계획 공고", date(2031, 2, 17), date(2031, 2, 17))]
    assert plan_year_after(normalise("‘31년도 통합 시행계획을")) == 2031
    assert plan_year_after("예시협력사업을 공고한다") is None


def test_a_posting_stamp_with_a_view_count_is_no_item() -> None:
    text = "예시 접수 안내\n2031-08-08 3,782\n- 접수기간 : 2031. 8. 11.(월) ~ 8. 18.(월)\n"
    assert [t for t in _titled(text) if t[0].replace(",", "").isdigit()] == []


def test_a_channels_cut_off_restating_the_periods_end_is_one_item() -> None:
    text = (
        "2031년 봄편 예시글판 문안 공모\n- 공모기간 : 2031. 2. 17.(월) ~ 2. 26.(수)\n- 결과발표 : 2031. 3. 7. (금)\n"
        "※ 우편응모는 2031. 02. 26.(수) 18:00 도착분까지 유효합니다.\n"
    )
    assert [t[2] for t in _titled(text)] == [date(2031, 2, 26), date(2031, 3, 7)]


def test_the_year_of_an_exclusion_note_is_no_milestone() -> None:
    text = (
        "예시 후속연구지원 안내\n- 신청기간: 2031.8.11.(월) ~ 8.18.(월)\n"
        "※ 2031년 예시부 개인과제 선정대상자는 후속연구 대상에서 제외\n"
    )
    assert [t for t in _titled(text) if t[1] == date(2031, 1, 1)] == []


def test_the_edition_year_of_a_calls_own_announcement_is_no_milestone() -> None:
    text = (
        "2031년 봄편 예시글판 문안 공모\n- 예시시에서는 예시도서관 외벽에 게시하는 '31년 봄편 예시글판 문안 "
        "공모전을 실시합니다.\n- 공모기간 : 2031. 2. 17.(월) ~ 2. 26.(수)\n"
    )
    assert _titled(text) == [("봄편 예시글판 문안 공모", date(2031, 2, 17), date(2031, 2, 26))]


def test_a_titles_half_year_and_projects_described_by_their_end_are_no_milestones() -> None:
    text = (
        "사업공고\n2031년도 하반기 예시연구지원사업 후속연구지원 접수 안내\n"
        "2031년도 하반기(10월) 종료되는 예시부 소관 예시연구지원사업 후속연구지원을 안내 드립니다.\n"
        "- 신청기간: 2031.8.11.(월) ~ 8.18.(월)\n"
    )
    assert [t[1:] for t in _titled(text)] == [(date(2031, 8, 11), date(2031, 8, 18))]
