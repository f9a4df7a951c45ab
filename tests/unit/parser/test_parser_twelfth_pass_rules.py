"""Rules of the twelfth pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: an outlet's `입력 :` stamp and a byline's `기자 | …` date the text; an
eligibility condition's dates do not; a title in brackets and one ending in `홍보` name the subject; a
one-word remark after a period field leaves the field's label the step."""

from datetime import date

from services.ingest.parser import parse_plan


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Datelines


def test_an_outlets_input_stamp_dates_the_article_and_is_no_step() -> None:
    text = (
        "[예시] 예시시, 2031년 마을사업 공모 추진\n예시방송 입력 : 2031.01.11 11:16\n"
        "예시시는 마을사업 공모 접수를 1월 12일(금)부터 1월 31일(수)까지 받는다고 밝혔다.\n"
    )
    titled = _titled(text)
    assert [(s, d) for _, s, d in titled] == [(date(2031, 1, 12), date(2031, 1, 31))]


def test_a_bylines_date_is_the_articles_date_not_a_step() -> None:
    text = (
        "예시시, 예시계획 수립 연구용역 중간보고회\n기자 | 2031년 09월 15일(수) 11:55\n"
        "시는 의견을 반영해 11월 최종보고회를 연다.\n"
    )
    assert all(d != date(2031, 9, 15) for _, _, d in _titled(text))


def test_an_eligibility_conditions_dates_do_not_date_the_notice() -> None:
    text = (
        "[2032년도 예시이용권 지원사업 홍보]\n예시이용권 지원 사업에 대해 알려드립니다.\n"
        "1. 지원대상 (기준 출생일 2014. 1. 1. ∼ 2027. 12. 31.)\n"
        "2. 신청기간 : 2031. 11. 8.(금) ∼ 2031. 11. 29.(금) 전국동시신청\n"
    )
    plan = parse_plan(text)
    assert plan.doc_date != date(2014, 1, 1)
    assert [(m.title, m.starts, m.due) for m in plan.milestones] == [
        ("예시이용권 지원사업 신청", date(2031, 11, 8), date(2031, 11, 29))
    ]


def test_a_programmes_period_field_is_its_project_period() -> None:
    text = (
        "[예시군] 2031년 예시군 마을공동체 지원사업 공모\n작성일 2031-02-11\n"
        "1. 사 업 명 : 2031년 예시군 마을공동체 지원사업\n2. 사업기간 : 2031. 3~ 12\n"
    )
    assert _titled(text) == [("예시군 마을공동체 지원사업 사업기간", date(2031, 3, 1), date(2031, 12, 31))]


# A sentence's topic, request or event names the step


def test_a_period_labels_topic_sentence_is_the_subjects_step() -> None:
    text = (
        "예시군, 예시기금사업 아이디어 공모\n승인 2031.05.28 16:54\n"
        "접수기간은 28일부터 6월 17일까지로, 누구나 참여할 수 있다.\n"
        "심사결과는 7월중 군 홈페이지와 개별 통보로 알릴 예정이다.\n"
    )
    assert _titled(text) == [
        ("예시기금사업 아이디어 공모 접수", date(2031, 5, 28), date(2031, 6, 17)),
        ("예시기금사업 아이디어 공모 심사결과 발표", date(2031, 7, 1), date(2031, 7, 31)),
    ]


def test_a_request_to_apply_by_a_day_is_the_subjects_application() -> None:
    text = (
        "예시 주택개조사업 지원 안내\n"
        "지원 계획을 알려드리오니, 신청을 원하시는 대상자께서는 29.1.16.(화)까지 주민센터로 제출하여 주시기 바랍니다.\n"
        "o 지원대상\n"
    )
    assert _titled(text) == [("예시 주택개조사업 지원 신청", None, date(2029, 1, 16))]


def test_an_event_named_after_the_date_is_the_step_not_the_goal_after_it() -> None:
    text = (
        "예시시, '청년정책 기본계획 수립 연구용역' 중간보고회\n기자 | 2031년 09월 15일(수) 11:55\n"
        "시는 중간보고회 의견을 반영하고 11월 최종보고회를 거쳐 기본계획을 마련할 계획이다.\n"
    )
    assert _titled(text) == [
        ("청년정책 기본계획 수립 연구용역 최종보고회", date(2031, 11, 1), date(2031, 11, 30))
    ]


def test_a_plans_period_in_its_name_is_no_step() -> None:
    text = (
        "예시시, 청년정책 연구용역 중간보고회\n기자 | 2031년 09월 15일(수) 11:55\n"
        "이번 용역은 차기 5개년(2032~2036) 기본계획을 세우기 위해 추진하고 있다.\n"
    )
    assert _titled(text) == []


# Days of a dated article


def test_a_yearless_day_long_before_the_dateline_in_a_sentence_ahead_is_next_years() -> None:
    text = (
        "새해 업무보고 일정 발표\n등록 : 2030.12.23 15:57\n"
        "국무총리가 내년 1월4~11일 각 부처의 2031년 업무보고를 받는다. 올해 업무보고(1월14~26일)보다 기간은 줄었다.\n"
        "1월4일 통일부와 보훈처 등 4개 부처가 먼저 보고한다.\n"
        "1월6일에는 '미래 성장' 분야 5개 부처가, 9일에는 '일자리' 분야 6개 부처가 보고할 예정이다.\n"
    )
    titled = _titled(text)
    assert ("각 부처의 2031년 업무보고", date(2031, 1, 4), date(2031, 1, 11)) in titled
    assert ("통일부와 보훈처 등 4개 부처 업무보고", date(2031, 1, 4), date(2031, 1, 4)) in titled
    assert ("「미래 성장」 분야 5개 부처 업무보고", date(2031, 1, 6), date(2031, 1, 6)) in titled
    assert ("「일자리」 분야 6개 부처 업무보고", date(2031, 1, 9), date(2031, 1, 9)) in titled
    assert all(d != date(2030, 1, 26) and d != date(2031, 1, 26) for _, _, d in titled)


def test_a_yearless_day_in_a_past_sentence_stays_in_the_datelines_year() -> None:
    text = "예시 행사 결과\n등록 : 2030.12.23 15:57\n1월4일 예시부는 설명회를 열었다.\n"
    assert _titled(text) == []
    text = "예시 사업 선정 결과\n등록 : 2030.12.23 15:57\n1월4일 공고한 사업의 선정 결과를 알려드립니다.\n"
    assert _titled(text) == []


# A record printed one label row over its value


def test_a_records_label_rows_name_its_values_dates() -> None:
    text = (
        "| 사업년도 |\n2031 |\n| 공고명 |\n2031 예시디자인 조성대상지 공모 |\n| 보조사업명 |\n2031년 예시디자인 진흥 |\n"
        "| 공고일자 |\n20310302 ~ 20310411 |\n| 사업설명회내용 |\n"
        "(일시/방법) 2031. 3. 11.(화) 15:00 ~ 17:00, 화상회의\n(사전신청) 2031. 3. 10.(월) 15:00까지 온라인 신청 |\n"
        "| 신청접수방법내용 |\n온라인 접수 |\n| 접수일자 |\n20310404 ~ 20310411 |\n| 사업일자 |\n20310128 ~ 20311231 |\n"
    )
    assert _titled(text) == [
        ("예시디자인 조성대상지 공모 사업설명회", date(2031, 3, 11), date(2031, 3, 11)),
        ("사업설명회 사전신청", None, date(2031, 3, 10)),
        ("예시디자인 조성대상지 공모 접수", date(2031, 4, 4), date(2031, 4, 11)),
        ("예시디자인 진흥 사업기간", date(2031, 1, 28), date(2031, 12, 31)),
    ]


# A table of changes to plans


def test_a_change_tables_superseded_plans_are_no_steps_and_changed_ones_are_the_rows() -> None:
    text = (
        "공약 변경 현황\n2031. 12. 31. 기준\n"
        "관리번호 | 공약명 | 변경일 | 변경 내용 | 변경 사유 | 변경 절차\n"
        "1-2 | 예시 청년 일자리 창출 | ‘31.2.20. | 연도별 추진계획(목표) 변경: 2032. 6.까지 일자리 창출 400명 → 301명 "
        "| 사업비 삭감 | 시민평가단 승인\n"
        "2-3 | 예시 관광 거점 조성 | ‘31.2.18. | 사업기간 변경: 2029~2035년 → 2032~2036년 | 예산 미확보 | 시민평가단 승인\n"
        "연도별 추진계획(당초): 2029 : 타당성조사 / 2032.6월 : 사업추진(공정률70%)\n"
        "연도별 추진계획(변경): 2029 : 타당성조사 / 2032.6월 : 실시설계 / 2033 : 준공 / 임기후 : 사업완료\n"
    )
    assert _titled(text) == [
        ("예시 청년 일자리 창출 301명", None, date(2032, 6, 30)),
        ("예시 관광 거점 조성 사업기간", date(2032, 1, 1), date(2036, 12, 31)),
        ("예시 관광 거점 조성 실시설계", date(2032, 6, 1), date(2032, 6, 30)),
        ("예시 관광 거점 조성 준공", None, date(2033, 12, 31)),
    ]


def test_a_status_tables_base_date_makes_what_ended_by_then_history() -> None:
    text = "사업 추진 현황\n2031. 12. 31. 기준\n가. 착공: 2031. 3. 2.\n나. 준공: 2032. 5. 31.\n"
    plan = parse_plan(text)
    assert plan.doc_date == date(2031, 12, 31)
    assert [m.due for m in plan.milestones] == [date(2032, 5, 31)]
