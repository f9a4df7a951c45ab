"""Rules of the fourteenth pass of issue #12, each for a family of wrong items or misses (not for one
document), on made-up lines: parts of years (`2031년 초`, `2032년 말`), the part of a month said after
another date (`같은 달 말`), and one construction target stated twice."""

from datetime import date

from services.ingest.parser import parse_plan


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def _dates(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None]]:
    return [(s, d) for _, s, d in _titled(text, doc_date)]


# Parts of years and months


def test_the_beginning_of_a_year_is_its_first_quarter() -> None:
    text = "예시구, 복지관 증축\n예시구는 복지관 증축 공사를 2031년 초 착공할 계획이라고 밝혔다.\n"
    assert _dates(text, date(2030, 5, 2)) == [(date(2031, 1, 1), date(2031, 3, 31))]


def test_the_end_of_a_year_is_due_at_its_end_and_the_word_is_no_part_of_the_title() -> None:
    text = "예시시, 도서관 신축\n예시시는 2032년 말까지 도서관을 새로 짓는다고 밝혔다.\n"
    ((title, _, due),) = _titled(text, date(2030, 5, 2))
    assert due == date(2032, 12, 31)
    assert "말" not in title.split()


def test_about_a_month_is_that_month_and_the_word_is_no_part_of_the_title() -> None:
    text = "예시시 신청사 착공\n신청사 공사가 시작된다. 완공은 2033년 12월께 가능할 전망이다.\n"
    ((title, starts, due),) = _titled(text)
    assert (starts, due) == (date(2033, 12, 1), date(2033, 12, 31))
    assert "께" not in title


def test_the_end_of_the_same_month_follows_the_month_named_before() -> None:
    text = "예시시 청사\n입찰을 거쳐 내년 3월 초 시공사를 선정한 뒤 같은 달 말 착공할 예정이다.\n"
    assert _dates(text, date(2030, 10, 14)) == [
        (date(2031, 3, 1), date(2031, 3, 10)),
        (date(2031, 3, 1), date(2031, 3, 31)),
    ]


# One target stated twice


def test_a_target_restated_with_the_thing_it_is_about_is_one_item() -> None:
    text = (
        "date 2030-03-11 예시구 소식\n2031년 말 준공 목표\n"
        "예시구는 기공식을 열었다. 예시구는 2031년 12월 신청사 준공을 목표로 내걸었다.\n"
    )
    assert _titled(text) == [("신청사 준공", date(2031, 12, 1), date(2031, 12, 31))]


def test_a_year_holding_a_finer_mention_of_the_same_act_restates_it() -> None:
    text = (
        "예시시 신청사\n예시시 신청사가 오는 2031년 착공돼 2036년 완공된다.\n"
        "신청사는 오는 2031년 상반기 설계가 완료되면 그해 5월 착공해 2036년 상반기 완공을 목표로 하고 있다.\n"
    )
    assert (date(2031, 1, 1), date(2031, 12, 31)) not in _dates(text)
    assert (date(2031, 5, 1), date(2031, 5, 31)) in _dates(text)


def test_two_things_opened_in_one_year_are_two_targets() -> None:
    text = (
        "date 2030-01-25 예시부 교통 대책\n"
        "ㅇ 예시선 최초로 A노선 가나~다라 구간을 ‘30.3월 개통하고, 마바~사아 구간을 연내 개통한다.\n"
    )
    assert len(_titled(text)) == 2


# Spans of days, quoted events, undotted years


def test_a_span_of_days_ending_on_a_day_starts_the_days_before() -> None:
    text = "date 2030-03-11 예시부\n예시부는 오는 13일까지 사흘간 예시홀에서 '2030년도 예시사업 설명회'를 연다고 11일 밝혔다.\n"
    assert _titled(text) == [("2030년도 예시사업 설명회", date(2030, 3, 11), date(2030, 3, 13))]


def test_a_year_left_without_its_dot_still_dates_the_day_after_it() -> None:
    text = "| 구 분 | 일 정 |\n| 서류 접수 | 2030. 2. 6.(수) ~ 2030 2. 26.(화) |\n"
    assert _dates(text) == [(date(2030, 2, 6), date(2030, 2, 26))]


def test_a_headline_year_of_a_target_does_not_date_an_undated_news_item() -> None:
    text = (
        "예시시, 신청사 2032년 착공·2036년 완공 목표\n"
        "예시시는 신청사 건립 방침을 확정했다고 2일 밝혔다.\n"
        "관리계획 변경 절차는 내년 3월 초 완료될 예정이며 이후 내년 4월 시의회 동의를 거친다.\n"
    )
    assert _titled(text) == []


# Dates beside the steps


def test_a_newspapers_print_line_is_no_milestone() -> None:
    text = "예시시 청사 증축\n예시시는 2032년 초 착공할 계획이라고 18일 밝혔다.\nreporter@example.com\n2030-08-19 12면\n"
    assert _dates(text) == [(date(2032, 1, 1), date(2032, 3, 31))]


def test_the_size_of_a_years_budget_is_no_milestone() -> None:
    text = (
        "date 2030-01-19 예시부\n"
        "올해 정부연구개발 예산은 총 35조 원으로, 미래 성장동력 분야에 쓰입니다.\n"
        "첫날인 19일 본부가 올해 정부연구개발 예산의 주요 특징을 설명했습니다.\n"
    )
    assert _titled(text) == []


def test_a_footnotes_history_of_a_body_is_no_milestone() -> None:
    text = (
        "예시부 공고 제2031-5호\n"
        "ㅇ 예시지원단* 구성기관과 컨소시엄을 구성\n"
        "* 39개 기관으로 구성된 기업지원 협의체로, ’30년부터 예시사업의 대상기관으로 확대\n"
    )
    assert _titled(text) == []


def test_a_table_row_cut_at_its_tilde_and_a_notices_posting_row_are_left_out() -> None:
    text = (
        "| 구 분 | 일 정 | 비 고 |\n"
        "| 모집공고 | 2030. 2. 6.(수) ~ 2030. 2. 26.(화) | |\n"
        "| 면접전형 | 2030. 3. 14.(목) | |\n"
        "| 결격사유 조회 | 2030. 3. 26.(화) ~\n"
    )
    assert _dates(text) == [(date(2030, 3, 14), date(2030, 3, 14))]


def test_a_step_on_one_of_two_near_days_is_one_item_spanning_both() -> None:
    text = (
        "| 구 분 | 일 정 | 비 고 |\n"
        "| 필기시험 | 2030. 3. 9.(토) 또는 2030. 3. 10.(일) | |\n"
        "| 면접전형 | 2030. 3. 14.(목) | |\n"
    )
    titled = _titled(text)
    assert [(s, d) for _, s, d in titled] == [
        (date(2030, 3, 9), date(2030, 3, 10)),
        (date(2030, 3, 14), date(2030, 3, 14)),
    ]
    assert titled[0][0].startswith("필기시험")


def test_a_field_under_a_heading_that_lists_kinds_of_field_is_titled_by_its_label() -> None:
    text = (
        "예시부 공고 제2031-5호\n나. 지원규모 및 기간\n"
        "ㅇ 지원규모 : 과제별 정부지원연구개발비는 제안요청서 참조\n"
        "ㅇ 지원기간 : 2031. 8 ~ 2034. 12 (41개월 이내)\n"
    )
    assert _titled(text) == [("지원기간", date(2031, 8, 1), date(2034, 12, 31))]


# Completion targets


def test_a_target_in_a_quoted_saying_with_the_works_named_after_it_is_its_own_item() -> None:
    text = (
        "예시시 신청사 내년 첫삽\n입력 | 2030-10-14 03:00:00\n"
        "예시시는 13일 “2033년 말 준공을 목표로 내년 2월 신청사 건립 공사를 시작한다”고 밝혔다.\n"
    )
    titled = _titled(text)
    assert ("신청사 준공", date(2033, 1, 1), date(2033, 12, 31)) in titled
    assert any(due == date(2031, 2, 28) for _, _, due in titled)


def test_a_completion_told_as_the_sentences_topic_is_titled_by_the_works() -> None:
    text = (
        "경제\n예시시 신청사 착공\n"
        "예시시 신청사 건축공사가 곧 시작된다. 완공은 2033년 12월께 가능할 전망이다.\n"
    )
    assert _titled(text) == [("예시시 신청사 완공", date(2033, 12, 1), date(2033, 12, 31))]


def test_built_by_a_date_is_a_completion_titled_by_the_works_the_paragraph_names() -> None:
    text = (
        "예시시 별관 증축\n"
        "예시시가 예시별관에 2033년 말까지 청사 1개 동을 새로 짓는다. 예시시는 지상 7층 규모의 예시청사 "
        "증축 공사를 내년 설계를 거쳐 2032년 초 착공할 계획이라고 18일 밝혔다.\n"
        "2030-08-19 12면\n"
    )
    titled = _titled(text)
    assert ("예시청사 증축 준공", None, date(2033, 12, 31)) in titled
    assert [(s, d) for _, s, d in titled] == [
        (None, date(2033, 12, 31)),
        (date(2031, 1, 1), date(2031, 12, 31)),
        (date(2032, 1, 1), date(2032, 3, 31)),
    ]


# Clauses of `A는 … 이며 B는 …`


def test_each_topic_of_a_copula_sentence_titles_its_own_date() -> None:
    text = "date 2030-02-12 예시시\n원서 접수는 오는 23~26일이며 필기시험은 3월 14일 치러진다.\n"
    assert _titled(text) == [
        ("원서 접수", date(2030, 2, 23), date(2030, 2, 26)),
        ("필기시험", date(2030, 3, 14), date(2030, 3, 14)),
    ]


def test_the_text_after_a_copula_goes_to_the_next_clause() -> None:
    text = "date 2030-02-12 예시시\n서류 접수는 2월 20일까지이며 면접은 3월 5일에 진행한다.\n"
    assert _titled(text) == [
        ("서류 접수", None, date(2030, 2, 20)),
        ("면접", date(2030, 3, 5), date(2030, 3, 5)),
    ]


def test_the_copula_of_a_date_taken_out_is_no_part_of_the_title() -> None:
    text = (
        "예시시 상수도\n예시 블록시스템 사업 기간은 2031년부터 2034년까지이며, 설비로는 유량계 등이 있다.\n"
    )
    ((title, _, _),) = _titled(text)
    assert not title.endswith("이며")


def test_an_act_titled_alone_is_the_act_of_the_works_its_sentence_names() -> None:
    text = "예시시 청사\n예시시는 예시청사 증축 공사를 내년 설계를 거쳐 2032년 초 착공할 계획이라고 18일 밝혔다.\n"
    assert ("예시청사 증축 착공", date(2032, 1, 1), date(2032, 3, 31)) in _titled(text, date(2030, 8, 19))


def test_an_act_kept_for_a_restatement_takes_the_thing_its_works_name() -> None:
    text = (
        "예시시 신청사 첫삽\n입력 | 2030-10-14 03:00:00\n"
        "예시시는 13일 “2033년 말 준공을 목표로 내년 2월 신청사 건립 공사를 시작한다”고 밝혔다.\n"
        "입찰을 거쳐 내년 2월 초 시공사를 선정한 뒤 같은 달 말 착공할 예정이다.\n"
    )
    assert ("신청사 착공", date(2031, 2, 1), date(2031, 2, 28)) in _titled(text)
