"""Rules of the pass over the older held-out sets of issue #12 (third to eleventh), each for a family of
wrong items or misses (not for one document), on made-up lines: wrapped and hanging text, notices of
ordinances, bare field labels in titleless notices, news with no dateline, ends that are conditions,
two-digit years, targets and funded periods, deadlines counted from an event, instructions reported,
periods of one field, table rows under merged month cells, budget years naming steps, excerpts cut off,
counts and advertising periods that are no steps, and a reporter's list of articles."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.dates import find_time_exprs, resolve_two_digit_year
from services.ingest.parser.lines import is_meta
from services.ingest.parser.structure import logical_lines
from services.ingest.parser.textnorm import normalise
from services.ingest.parser.titles import clean_title


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


# Bare field labels in a notice with no title line


def test_a_bare_call_period_is_the_call_of_what_its_form_applies_for() -> None:
    text = (
        "1. 공모기간 : 2031. 3. 10(월) ∼ 2031. 4. 4(금)\n2. 사업기간 : 2031년 6월 5일 ~ 11월\n"
        "3. 제출서류\n① 예시사업 신청서 1부.\n② 단체 소개 1부.\n"
    )
    assert _titled(text) == [
        ("예시사업 공모", date(2031, 3, 10), date(2031, 4, 4)),
        ("예시사업 시행", date(2031, 6, 5), date(2031, 11, 30)),
    ]


def test_a_bare_entry_period_with_no_form_is_the_entry() -> None:
    text = "▶ 접수기간 : 2031. 8. 15.(금) ~ 8. 26.(화)\n▶ 심사기간 : 2031. 9. 1.(월) ~ 9. 23.(화)\n- 참가신청서\n"
    assert _titled(text) == [
        ("접수", date(2031, 8, 15), date(2031, 8, 26)),
        ("심사", date(2031, 9, 1), date(2031, 9, 23)),
    ]


def test_a_faqs_question_is_its_label() -> None:
    text = "커뮤니티 > FAQ\n접수기간이 어떻게 되나요?\n- 2031.7.28(월) ~ 8.21.(목) 18:00까지입니다.\n"
    assert _titled(text) == [("접수", date(2031, 7, 28), date(2031, 8, 21))]


def test_a_notes_half_year_inside_the_field_above_restates_it() -> None:
    text = (
        "1. 공모기간 : 2031. 3. 10(월) ∼ 2031. 4. 4(금)\n2. 사업기간 : 2031년 6월 5일 ~ 11월\n"
        "※ 지방선거와 관련하여 공직선거법에 따라 하반기에 사업 시행\n"
    )
    assert [d for _, _, d in _titled(text)] == [date(2031, 4, 4), date(2031, 11, 30)]


def test_a_titled_notices_field_keeps_its_subject() -> None:
    text = "2031년 예시 공모전 개최 안내\nㅇ 접수기간 : 2031. 8. 15.(금) ~ 8. 26.(화)\n"
    [(title, _, _)] = _titled(text)
    assert "예시 공모전" in title


# News with no dateline


_NEWS = (
    "예시부는 22일부터 28일까지 예시부, 다른부를 세종시로 이전하기 위한 전자공청회를 실시한다고 21일 밝혔다.\n"
    "전자공청회와 함께 오는 28일 오전 10시~12시 정부청사 별관 국제회의장에서 공청회도 열린다.\n"
    "관련기사\n- 예시부·다른부, 세종시 이전 확정2031.02.21\n- 다른 날의 기사2035.04.17\n"
)


def test_the_leads_day_stamped_in_the_related_list_dates_the_news() -> None:
    parsed = parse_plan(_NEWS)
    assert parsed.doc_date == date(2031, 2, 21)
    assert [(m.starts, m.due) for m in parsed.milestones] == [
        (date(2031, 2, 22), date(2031, 2, 28)),
        (date(2031, 2, 28), date(2031, 2, 28)),
    ]


def test_a_related_stamp_of_another_day_does_not_date_the_news() -> None:
    assert parse_plan(_NEWS.replace("2031.02.21", "2031.02.20")).doc_date is None


def test_two_names_before_one_particle_are_one_object() -> None:
    [first, _] = _titled(_NEWS)
    assert first[0] == "예시부, 다른부 세종시로 이전하기 위한 전자공청회 실시"


def test_what_is_held_names_the_step_not_its_hours_and_venue() -> None:
    [_, second] = _titled(_NEWS)
    assert second[0] == "공청회"


def test_the_release_day_before_the_reporting_verb_is_no_part_of_the_title() -> None:
    text = "제목 줄입니다\n예시부는 22일부터 28일까지 전자공청회를 실시한다고 21일 밝혔다.\n"
    assert [t for t, _, _ in _titled(text, date(2031, 2, 21))] == ["전자공청회 실시"]


# Ends that are conditions


def test_a_month_projects_ended_in_before_a_dated_start_is_no_step() -> None:
    text = "예시 후속연구지원 접수 안내\n3) 지원내용: ’31년 10월 종료 (연구개시: ’31.11.1.)\n"
    assert [(t, d) for t, _, d in _titled(text)] == [("연구개시", date(2031, 11, 1))]


def test_a_fields_own_end_month_stays() -> None:
    text = "예시 사업 안내\n3) 사업기간: ’31년 10월 종료\n"
    assert [d for _, _, d in _titled(text)] == [date(2031, 10, 31)]


def test_a_two_digit_year_with_no_year_to_go_by_is_of_this_century() -> None:
    assert resolve_two_digit_year(31, None) == 2031
    assert resolve_two_digit_year(98, None) == 1998
    assert resolve_two_digit_year(98, 2004) == 1998


# Targets


def test_a_sum_to_invest_by_a_year_is_a_target_with_its_deadline() -> None:
    text = "예시부 2031년 업무계획\n❷ 예시기술 R&D 투자 10% 이상 확대(’35년까지 25조원 투자)\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(None, date(2035, 12, 31))]


def test_a_years_budget_alone_is_still_no_milestone() -> None:
    text = "예시부 2031년 업무계획\n- 예시기술 지원(’32년 25조원)\n"
    assert _titled(text) == []


# Deadlines counted from an event


_BRIEFING = (
    "date 2031-03-05\n예시공항 부지공사 현장설명회\n"
    "예시부는 입찰 통과 업체를 대상으로 오는 9일 오후 2시 공단에서 현장설명회를 개최한다고 알렸다.\n"
    "입찰안내서에 따르면 부지공사 기본설계는 현장설명회 개최일로부터 6개월(180일) 이내에 완료해야 한다.\n"
)


def test_days_counted_from_a_dated_event_give_the_deadline() -> None:
    assert ("부지공사 기본설계 완료", None, date(2031, 9, 5)) in _titled(_BRIEFING)


def test_days_counted_from_an_undated_event_are_left_out() -> None:
    titled = _titled(_BRIEFING.replace("오는 9일 오후 2시 ", ""))
    assert all(due != date(2031, 9, 5) for _, _, due in titled)


# Instructions reported


_MEETING = (
    "예시군 12월 현안점검회의 개최\n2031.12.15 17:45\n"
    "올해 추진한 업무는 이달 안에 마무리하고, 부서별로 내년 사업추진을 계획해 1월 사업 시행을 위한 "
    "사전 준비를 철저히 할 것을 당부했다.\n"
)


def test_an_instruction_reported_in_the_past_states_steps_ahead() -> None:
    assert [(s, d) for _, s, d in _titled(_MEETING)] == [
        (date(2031, 12, 1), date(2031, 12, 31)),
        (date(2032, 1, 1), date(2032, 1, 31)),
    ]


def test_a_date_before_what_a_preparation_is_for_dates_that_step() -> None:
    assert _titled(_MEETING)[1][0] == "사업 시행"


def test_a_report_of_what_was_done_stays_past() -> None:
    done = _MEETING.replace("할 것을 당부했다", "했다")
    assert all(title != "사업 시행" for title, _, _ in _titled(done))


# Periods of one field


def test_a_second_period_of_a_field_shares_its_title() -> None:
    text = (
        "예시고 기간제교원 채용 공고\n"
        "나. 임용기간: 2031.3.1.~2031.7.21. / 2031.8.18.~2031.12.31.(방학기간 제외, 총 10개월)\n"
        "(단, 근무기간은 학사일정에 따라 변경될 수 있음)\n"
    )
    [first, second] = _titled(text)
    assert first[0] == second[0] and "변경" not in second[0]


def test_a_date_with_its_own_label_after_the_slash_keeps_it() -> None:
    text = "예시 공사 안내\n나. 일정: 2031.3.2. 주민 설명회 / 2031.4.1. 공사 착공\n"
    [(first, _, _), (second, _, _)] = _titled(text)
    assert first == "주민 설명회" and "공사 착공" in second


# Table rows


def test_a_role_word_glued_to_a_noun_does_not_make_a_row_metadata() -> None:
    text = (
        "월별 | 구분 | 내용 |\n"
        "5~7월 | 적격성 검토 | · 사업 적격성검토 (위원회) · 제안내용 논의 (제안자-담당자) · 법령 검토 "
        "(사업담당부서, 예산법무과) |\n"
    )
    assert [(s, d) for _, s, d in _titled(text, date(2031, 1, 2))] == [(date(2031, 5, 1), date(2031, 7, 31))]


def test_a_contact_field_still_is_metadata() -> None:
    assert is_meta("- 담당부서 : 예산법무과 (2031. 3. 2.)")


def test_a_year_less_day_a_tilde_opens_in_parentheses_is_a_deadline() -> None:
    (hit,) = find_time_exprs(normalise("제안신청서 총괄 등록(~3. 31.)"), 2031, 2031)
    assert (hit.kind, hit.starts, hit.due) == ("deadline", None, date(2031, 3, 31))
    assert find_time_exprs(normalise("제3. 1.조 (~3.1)"), 2031, 2031) == []


_SCHEDULE = (
    "월별 | 구분 | 내용 |\n"
    "10월 | 사업선정 의결 | · 최종사업 의결 (위원회) |\n"
    "| 예산안 편성 | · 2032년 예산안 편성(예산과) |\n"
    "| 위원회구성 | |\n"
    "12월 | 예산안 심의 | · 예산안 심의 및 의결(시의회) |\n"
)


def test_a_row_under_a_merged_month_cell_is_in_that_month() -> None:
    titled = _titled(_SCHEDULE, date(2031, 1, 2))
    assert ("예산안 편성 2032년 예산안 편성(예산과)", date(2031, 10, 1), date(2031, 10, 31)) in titled


def test_a_row_with_no_step_under_a_month_adds_nothing() -> None:
    assert len(_titled(_SCHEDULE, date(2031, 1, 2))) == 3


# Titles


def test_examples_in_parentheses_at_a_titles_end_are_an_aside() -> None:
    text = "추진흐름도\n- 제안접수\n- 사업검토(추진가능성 등)\n- 7월~8월\n"
    assert [t for t, _, _ in _titled(text, date(2031, 1, 2))] == ["사업검토"]


def test_a_row_label_naming_a_budgets_year_titles_the_date_below_it() -> None:
    text = (
        "2032년도 예산편성을 위한 주민참여예산 제안사업 공모\n부적격 사업 기준\n"
        "※ 단, 기존 사업에 대한 개선을 위한 제안은 가능\n주민참여예산(안) 의회 제출\n11월 중\n"
        "2032년 예산 반영\n12월 중\n"
    )
    assert [t for t, _, _ in _titled(text)][-1] == "2032년 예산 반영"


def test_a_budgets_year_stays_in_the_title_it_names() -> None:
    text = "예시군, 2032년 주요업무계획 보고\n보완을 거쳐 12월 2032년 본 예산 반영과 함께 최종 확정될 예정이다.\n"
    titles = [t for t, _, _ in _titled(text, date(2031, 11, 20))]
    assert any(t.startswith("2032년 본 예산 반영") for t in titles)


def test_a_rows_first_step_stating_its_own_period_is_dated_by_it() -> None:
    text = (
        "월별 | 구분 | 내용 |\n"
        "3~4월 | 역량강화 | · 주민참여예산 운영 관련 교육 (1 ~ 4월) · 청소년 예산학교 (4 ~ 7월) "
        "· 예산학교 교육과정 신청(1 ~ 4월) |\n"
    )
    assert [(s, d) for _, s, d in _titled(text, date(2031, 1, 2))] == [
        (date(2031, 1, 1), date(2031, 4, 30)),
        (date(2031, 4, 1), date(2031, 7, 31)),
        (date(2031, 1, 1), date(2031, 4, 30)),
    ]


def test_a_finished_sentence_before_a_blank_does_not_hang_on() -> None:
    text = "1. 제정취지\n\n가. 의견제출 : 아래와 같이 제출합니다.\n\n             2031년 3월 22일까지 제출\n"
    assert [len(node.spans) for node in logical_lines(text)] == [1, 1, 1]


def test_a_bare_period_is_of_what_the_text_says_is_held_above_it() -> None:
    text = (
        "자료관리담당자\n예시구 주민 여러분의 의견을 듣고자 합니다.\n"
        "온라인투표 결과에 위원회 평가 결과를 합산하여 사업을 선정합니다.\n"
        "* 기 간 : 2031. 9. 7.(일) ~ 9. 26.(금)\n* 대 상 : 주민 누구나\n"
    )
    assert _titled(text) == [("온라인투표", date(2031, 9, 7), date(2031, 9, 26))]


# Excerpts


def test_a_sentence_the_excerpt_cuts_off_goes_on_the_paragraphs_past() -> None:
    text = (
        "예시부 업무계획\n2031.01.10 예시부\n"
        "  그간 예시부는 과제를 수립(’30.2)하고, 실행방안을 발표(’30.8)하였다. 시급한 인력 확보를 위해 "
        "’31년 정원을 확대하고 시범사업을\n"
    )
    assert _titled(text) == []


def test_a_finished_sentence_after_the_past_stays() -> None:
    text = (
        "예시부 업무계획\n2031.01.10 예시부\n"
        "  그간 예시부는 실행방안을 발표(’30.8)하였다. 올해는 ’31년 6월까지 정원 확대를 추진한다.\n"
    )
    assert [d for _, _, d in _titled(text)] == [date(2031, 6, 30)]


def test_a_fields_planned_mark_is_no_part_of_its_title() -> None:
    text = "▶ 심사기간 : 2031. 9. 1.(월) ~ 9. 23.(화)\n▶ 결과발표 : 2031. 9. 23(화) 예정\n"
    assert [t for t, _, _ in _titled(text)] == ["심사", "결과발표"]


def test_the_period_a_call_is_advertised_is_no_step() -> None:
    text = (
        "2031 예시시 마을공동체 공모사업 추진 일정표\n일 정 | 내 용 | 비 고\n"
        "31.12.22.() ~‘32.1.19.() | 마을공동체 공모사업 홍보 | 홈페이지, 지역신문 등에 홍보\n"
        "32.1.10.()~1.22.() | 사업계획서 접수 | 방문 또는 이메일 접수\n"
    )
    assert [d for _, _, d in _titled(text, date(2032, 1, 5))] == [date(2032, 1, 22)]


# A reporter's list of articles


_LIST = (
    "[한국방송/예시기자] 예시부는 차세대 시스템 출범을 2031년 10월 5일에서 2031 년 10월 12일로 1주일 "
    "연기한다고 밝혔다.\n예시부는 시스템 사업을 추진 중이다.\n"
    "[울산/예시기자] 울산시는 부모들을 위해 오는 12월 31일까지 지원 비율을 확대한다고 밝혔다.\n"
)


def test_another_articles_year_does_not_place_an_articles_days() -> None:
    assert [d for _, _, d in _titled(_LIST)] == [date(2031, 10, 12)]


def test_a_moved_step_is_what_moves_to_the_new_date() -> None:
    assert _titled(_LIST)[0][0] == "차세대 시스템 출범"


def test_a_periods_count_of_rounds_of_a_kind_is_no_step() -> None:
    text = (
        "예시청 혁신제품 지정 확대\n"
        "▣ ’31년 하반기에는 공급자제안형 3회, 수요자제안형 2회가 시행되며, 특히 협력해 기획한 "
        "수요자제안형 과제 공모가 시행됩니다.(9월 예정)\n"
    )
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 9, 1), date(2031, 9, 30))]


def test_what_is_held_keeps_its_name_not_its_venue() -> None:
    text = "제목 줄입니다\n오는 3월 28일 군청 대회의실에서 제1회 예시위원회가 열린다.\n"
    assert [t for t, _, _ in _titled(text, date(2031, 3, 2))] == ["제1회 예시위원회"]


def test_the_announcing_body_and_the_light_verb_are_no_part_of_a_step() -> None:
    text = "01.26\n2031\n예시구 2월 20일부터 서류접수\n예시구는 오는 2월 20일부터 27일까지 서류접수를 진행한다고 26일 밝혔다.\n"
    assert _titled(text) == [("서류접수", date(2031, 2, 20), date(2031, 2, 27))]


def test_a_polite_plan_ending_is_no_part_of_a_title() -> None:
    assert clean_title("현장에 적용할 계획입니다.", prose=True) == "현장에 적용"


def test_a_procedure_completed_before_the_step_is_no_part_of_it() -> None:
    text = "제목 줄입니다\n향후 2년 간 기술 개발과 현장 실증, 성능 검증을 마쳐 2033년부터 현장에 적용할 계획입니다.\n"
    assert [t for t, _, _ in _titled(text, date(2031, 4, 21))] == ["현장에 적용"]


def test_the_end_of_a_funded_programmes_support_is_its_deadline() -> None:
    text = (
        "이 사업에는 전국 147개 단체가 지원했으며 최종 12개 단체가 선정됐다. 이들은 올해부터 오는 2033년까지 "
        "3년간 매년 2억 원씩 총 6억 원의 국비를 지원받는다.\n"
    )
    assert _titled(text) == [("국비 지원", None, date(2033, 12, 31))]


def test_a_years_sum_alone_is_still_a_budget_line() -> None:
    assert _titled("예시 사업 안내\n- 2033년 국비 6억 원\n") == []


def test_a_programmes_funds_are_titled_by_the_programme_the_text_named() -> None:
    text = (
        "예시시장 육성사업은 지역의 특색을 발굴해 시장의 경쟁력을 강화하는 사업이다. 올해 45곳이 최종 "
        "선정됐다. 이에 따라 2032년부터 2033년까지 2년간 최대 10억 원의 사업비를 지원받게 된다.\n"
    )
    assert _titled(text) == [("예시시장 육성사업 지원", date(2032, 1, 1), date(2033, 12, 31))]
