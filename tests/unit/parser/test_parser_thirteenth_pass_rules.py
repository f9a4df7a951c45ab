"""Rules of the thirteenth pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: a table row whose name counts its parts is titled by that name and the
date's column header, even when the header row names a year in another column."""

from datetime import date

from services.ingest.parser import parse_plan


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Table rows


def test_a_table_row_is_titled_by_its_name_and_the_dates_column_header() -> None:
    text = (
        "2031년도 예시프로젝트 시행계획 공고\n1. 사업개요\n"
        "사업명 | 총 지원규모 (억원) | ‘31년 예산 (억원) | 사업기간 (총 기간) | 사업 공고일\n"
        "예시기술 2개 서브 사업단 | 449 | 90 | ‘31-‘35 (5년) | ‘31.2\n"
    )
    assert _titled(text) == [
        ("예시기술 2개 서브 사업단 사업기간", date(2031, 1, 1), date(2035, 12, 31)),
        ("예시기술 2개 서브 사업단 사업 공고", date(2031, 2, 1), date(2031, 2, 28)),
    ]


# History and targets in the past tense


def test_a_target_set_in_the_past_tense_is_still_ahead() -> None:
    text = "예시구, 신청사 기공식\n예시구는 2031년 12월 신청사 준공을 목표로 내걸었다.\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2031, 12, 1), date(2031, 12, 31))]


def test_steps_gone_through_are_history() -> None:
    text = (
        "예시테크노밸리 착공\n"
        "2027년 입지 선정, 2029년 공동 사업시행 협약 체결, 2031년 산업단지계획 승인 등의 절차를 거쳤다.\n"
        "그러나 2028년 착공 이후 외장 디자인의 핵심인 파사드의 공법상 문제점과 대안 공법 등 논란으로 공사가 늦어졌다.\n"
        "2025년 도는 '예시 10개년 발전계획'을 수립했고, 테크노밸리를 조성하겠다는 계획을 세운 바 있다.\n"
    )
    assert _titled(text) == []


def test_a_start_year_of_work_under_way_is_history() -> None:
    text = "'예시 저수지 신설사업'은 2029년부터 총사업비 400억 원을 들여 2036년 준공을 목표로 추진 중이며, 공사가 진행 중이다.\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2036, 1, 1), date(2036, 12, 31))]


# Completion targets


def test_a_completion_target_is_the_thing_named_after_the_date_and_its_completion() -> None:
    text = "예시구, 신청사 기공식\n예시구는 2031년 12월 신청사 준공을 목표로 내걸었다.\n"
    assert _titled(text) == [("신청사 준공", date(2031, 12, 1), date(2031, 12, 31))]


def test_a_completion_target_is_the_sentences_topic_and_its_completion() -> None:
    text = "'예시 저수지 신설사업'은 2029년부터 총사업비 400억 원을 들여 2036년 준공을 목표로 추진 중이며, 공사가 진행 중이다.\n"
    assert _titled(text) == [("예시 저수지 신설사업 준공", date(2036, 1, 1), date(2036, 12, 31))]


def test_a_completion_target_is_the_works_the_line_speaks_of() -> None:
    text = (
        "논란으로 지체됐던 예시오페라하우스 공사가 다음 달 재개된다. 예시시는 재설계를 마치고 2036년 12월 "
        "준공을 목표로 공사를 재개한다고 밝혔다.\n"
    )
    assert _titled(text) == [("예시오페라하우스 준공", date(2036, 12, 1), date(2036, 12, 31))]


def test_a_completion_target_is_the_topic_of_the_paragraph_before() -> None:
    text = (
        "예시테크노밸리는 예시도와 예시시가 공동으로 85만㎡ 규모로 사업비 8천500억 원을 투입하는 도시개발사업이다.\n"
        "이후 입지 선정 발표로 사업을 본격 추진했으며, 2036년 준공을 목표로 하고 있다. 고용 창출 효과가 기대된다.\n"
    )
    assert _titled(text) == [("예시테크노밸리 준공", date(2036, 1, 1), date(2036, 12, 31))]


# Datelines and the year of a call


def test_a_yonhap_send_time_dates_the_article() -> None:
    text = (
        "예시부, 신규사업 추진\n송고시간2031-02-12 12:00\n"
        "예시부는 이를 위해 13일부터 3월 15일까지 8개 과제를 공고한다고 12일 밝혔다.\n"
    )
    plan = parse_plan(text)
    assert plan.doc_date == date(2031, 2, 12)
    assert [(m.starts, m.due) for m in plan.milestones] == [(date(2031, 2, 13), date(2031, 3, 15))]


def test_a_years_plans_later_call_places_this_year() -> None:
    text = (
        "예시진흥원 오는 11월 사업 공고\n"
        "예시진흥원은 오는 11월 13일부터 '2032년도 예시단지지원(R&D) 지원계획' 2차 공고를 추진한다.\n"
        "진흥원 측은 올해 연말 안으로 과제와 수행기관 지정 및 협약체결을 마무리할 방침이다.\n"
    )
    assert [d for _, _, d in _titled(text)][-1] == date(2032, 12, 31)


# Starts closed by a note or by the next stage


def test_a_starts_closing_note_gives_its_end() -> None:
    text = (
        "예시진흥원은 오는 11월 13일부터(18일 마감) '2032년도 예시단지지원 지원계획' 2차 공고를 추진한다.\n"
    )
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2032, 11, 13), date(2032, 11, 18))]


def test_a_stage_opening_before_the_next_stage_closes_the_day_before_it() -> None:
    text = "사업 지원 기간은 2년으로 2032년 12월부터 1차년, 2033년 1월~12월 2차년으로 구별된다.\n"
    assert [(s, d) for _, s, d in _titled(text)] == [
        (date(2032, 12, 1), date(2032, 12, 31)),
        (date(2033, 1, 1), date(2033, 12, 31)),
    ]


# A year carried within a line


def test_a_lines_dated_period_places_the_year_less_months_after_it() -> None:
    text = (
        "제9대 예시구 청소년의회는 2034년 1월부터 12월까지 운영된다. 의회는 1월 중 개원하며, 청소년 의원들은 "
        "2월부터 12월까지 정례회 등의 의정 활동을 펼친다.\n"
    )
    assert [(s, d) for _, s, d in _titled(text)] == [
        (date(2034, 1, 1), date(2034, 12, 31)),
        (date(2034, 1, 1), date(2034, 1, 31)),
        (date(2034, 2, 1), date(2034, 12, 31)),
    ]


def test_a_line_naming_two_years_carries_neither() -> None:
    text = (
        "예시사업은 2034년 1월부터 2035년 12월까지 추진된다. 설명회는 3월 중 열릴 예정이며 참여를 바란다.\n"
    )
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2034, 1, 1), date(2035, 12, 31))]


def test_a_year_before_an_edition_names_the_edition() -> None:
    text = "예시구가 2034년 제9대 예시구 청소년의회 의원 30명을 모집한다고 밝혔다. 모집 대상은 관내 청소년이다.\n"
    assert _titled(text) == []


# A sentence listing rounds


def test_each_date_of_a_list_of_rounds_is_that_rounds_step_of_the_topic() -> None:
    text = (
        "예시군, 올해 지방공무원 신규 채용\ndate 2034-02-12 신규 행정수요 반영\n"
        "시험은 연간 계획에 따라 총 3회 시행된다. 원서 접수는 제1회 오는 23~26일, 제2회 3월 23~27일이며 "
        "필기시험은 제1회 3월 14일, 제2회 6월 20일에 각각 진행된다.\n"
    )
    assert _titled(text) == [
        ("제1회 원서 접수", date(2034, 2, 23), date(2034, 2, 26)),
        ("제2회 원서 접수", date(2034, 3, 23), date(2034, 3, 27)),
        ("제1회 필기시험", date(2034, 3, 14), date(2034, 3, 14)),
        ("제2회 필기시험", date(2034, 6, 20), date(2034, 6, 20)),
    ]


# Repeats and frames


def test_a_step_restated_with_the_same_dates_inside_a_longer_title_is_one_step() -> None:
    text = (
        "예시부, 신규사업 추진\n송고시간2034-02-12 12:00\n"
        "[연구과제 선정 절차]\n공 고 (’34.2월) | ⇨ | 과제 선정 (’34.5월) |\n"
        "예시부는 사전제안서를 접수하고 최종 연구계획서를 접수한 뒤 5월 중 연구과제를 선정할 계획이다.\n"
    )
    assert [(s, d) for _, s, d in _titled(text) if s == date(2034, 5, 1)] == [
        (date(2034, 5, 1), date(2034, 5, 31))
    ]


def test_a_lead_restating_the_headline_with_a_bare_this_year_is_the_articles_frame() -> None:
    text = (
        "예시군, 올해 지방공무원 역대 최대 100명 신규 채용\ndate 2034-02-12 신규 행정수요 반영\n"
        "예시군이 올해 지방공무원을 역대 최대 규모인 신규 100명 채용한다.\n"
        "원서 접수는 3월 23~27일이며 필기시험은 6월 20일에 진행된다.\n"
    )
    assert all(s != date(2034, 1, 1) for _, s, _ in _titled(text))


# A call announced


def test_a_period_whose_sentence_announces_a_call_is_the_headlines_named_call() -> None:
    text = (
        "예시 R&D 성과, 사회문제 해결에 활용\n송고시간2034-02-12 12:00\n예시부 '공공조달 연계형 예시연구 실증' 과제 공고\n"
        "예시부는 이를 위해 13일부터 3월 15일까지 환경, 교통, 질병 등 주요 분야의 연구개발을 지원하는 8개 과제를 공고한다.\n"
    )
    assert _titled(text) == [
        ("공공조달 연계형 예시연구 실증 과제 공고", date(2034, 2, 13), date(2034, 3, 15))
    ]


def test_a_call_named_in_its_own_sentence_keeps_its_round() -> None:
    text = "예시진흥원은 오는 11월 13일부터(18일 마감) '2032년도 예시단지지원(R&D) 지원계획' 2차 공고를 추진한다.\n"
    assert _titled(text) == [
        ("2032년도 예시단지지원(R&D) 지원계획 2차 공고", date(2032, 11, 13), date(2032, 11, 18))
    ]


# Stage chains and events held


def test_each_stage_of_a_chain_row_is_titled_by_its_own_cell() -> None:
    text = (
        "예시부, 신규사업 추진\n송고시간2034-02-12 12:00\n[연구과제 선정 절차]\n"
        "매칭데이 개최 (’34.3월 말) | ⇨ | 연구계획서 접수 (’34.4월) | ⇨ | 과제 선정 (’34.5월) |\n"
    )
    assert [t for t, _, _ in _titled(text)] == ["매칭데이 개최", "연구계획서 접수", "과제 선정"]


def test_an_event_held_at_a_venue_is_titled_by_the_event() -> None:
    text = (
        "예시부, 신규사업 추진\n송고시간2034-02-12 12:00\n"
        "13일 오후 서울 예시구 예시재단 청사에서 사업의 취지와 향후 추진방향을 알리는 설명회를 열 예정이다.\n"
    )
    assert _titled(text) == [
        ("사업의 취지와 향후 추진방향 알리는 설명회", date(2034, 2, 13), date(2034, 2, 13))
    ]


def test_a_policy_to_finish_is_no_part_of_the_title() -> None:
    text = "진흥원은 오는 11월까지 과제 선정을 마무리할 방침이다. 참여기관은 지역 제한 없이 참여할 수 있다.\n"
    assert [t for t, _, _ in _titled(text, date(2034, 3, 1))] == ["진흥원 과제 선정 마무리"]


# A chain's coarse stage restating the text's period


def test_a_month_range_with_a_stray_dot_before_its_end_is_a_range() -> None:
    text = "2034년 예시사업 추진일정\n○ 사업 공고 (’34.2월~.3월)\n"
    assert [(s, d) for _, s, d in _titled(text)] == [(date(2034, 2, 1), date(2034, 3, 31))]


def test_a_chains_coarse_stage_holding_the_texts_period_of_its_step_is_a_restatement() -> None:
    text = (
        "예시 R&D 성과 활용\n송고시간2034-02-12 12:00\n예시부 '예시연구 실증' 과제 공고\n"
        "예시부는 이를 위해 13일부터 3월 15일까지 주요 분야의 연구개발을 지원하는 8개 과제를 공고한다.\n"
        "[연구과제 선정 절차]\n공 고 (’34.2월~.3월) | ⇨ | 과제 선정 (’34.5월) |\n"
    )
    assert _titled(text) == [
        ("예시연구 실증 과제 공고", date(2034, 2, 13), date(2034, 3, 15)),
        ("과제 선정", date(2034, 5, 1), date(2034, 5, 31)),
    ]


def test_a_completion_target_is_the_topic_of_a_sentence_before_on_its_line() -> None:
    text = (
        "예시시, 복합문화센터 착공\n예시시는 13일 복합문화센터 착공식을 열었다고 밝혔다. 복합문화센터는 지하 2층~지상 "
        "5층 규모로 지어진다. 시는 2036년 상반기 개관을 목표로 공사를 진행하고 있다.\n"
    )
    assert _titled(text, date(2034, 3, 1)) == [("복합문화센터 개관", date(2036, 1, 1), date(2036, 6, 30))]


def test_a_completion_targets_topic_may_be_several_words() -> None:
    text = "예시군 하수처리장 증설사업은 2031년부터 추진해 왔으며, 2037년 완공을 목표로 하고 있다. 군은 사업비 확보에 나섰다.\n"
    assert _titled(text, date(2034, 3, 1)) == [
        ("예시군 하수처리장 증설사업 완공", date(2037, 1, 1), date(2037, 12, 31))
    ]


def test_a_column_of_call_times_names_the_call() -> None:
    text = (
        "2035년도 예시 시행계획\n1. 사업개요\n과제명 | 지원규모(억원) | ’35년 예산(억원) | 연구기간 (총 기간) | 공고 시기\n"
        "차세대 배터리 3개 과제 | 120 | 30 | ’35-’38 (4년) | ’35.4\n"
    )
    assert _titled(text) == [
        ("차세대 배터리 3개 과제 연구기간", date(2035, 1, 1), date(2038, 12, 31)),
        ("차세대 배터리 3개 과제 공고", date(2035, 4, 1), date(2035, 4, 30)),
    ]


def test_rounds_may_be_numbered_without_je() -> None:
    text = (
        "예시시, 청년 인턴 모집\ndate 2034-02-12 예시\n모집은 연 2회 진행된다. 신청 접수는 1차 오는 23~26일, "
        "2차 6월 2~5일이며 면접은 1차 3월 14일, 2차 6월 20일에 각각 진행된다.\n"
    )
    assert [t for t, _, _ in _titled(text)] == ["1차 신청 접수", "2차 신청 접수", "1차 면접", "2차 면접"]


def test_a_missed_target_is_history() -> None:
    text = (
        "예시시, 신청사 공사 지연\n예시시는 2031년 12월 신청사 준공을 목표로 했으나 설계 변경과 자재 수급 문제 등 "
        "여러 사정으로 공사가 크게 늦어졌다. 시는 대책을 마련하고 있다.\n"
    )
    assert _titled(text) == []
