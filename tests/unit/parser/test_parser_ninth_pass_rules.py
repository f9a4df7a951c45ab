"""Rules of the ninth pass of issue #12, each for a family of misses or wrong items seen across the
held-out sets (not for one document), on made-up lines: news and board stamps (`송고 … | 수정 …`,
`관리자 DATE 조회수`), photo captions, `…부터 오는 …까지`, a work plan's year and `연말까지`, years that
are never milestones (an event prepared for, a baseline, the first year of an era, a year whose title
is a verb alone, a word's history), a headline that ends in a verb."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.dates import find_time_exprs
from services.ingest.parser.lines import is_meta


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None]]:
    return [(m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


# Stamps and captions


def test_a_news_sent_and_edited_stamp_is_metadata_and_the_sent_time_dates_the_text() -> None:
    assert is_meta("송고 2030.06.21 12:00 | 수정 2030.06.19 17:05")
    text = (
        "예시부, 아이디어 공모\n송고 2030.06.21 12:00 | 수정 2030.06.19 17:05\n오는 24일까지 응모하면 된다.\n"
    )
    result = parse_plan(text)
    assert result.doc_date == date(2030, 6, 21)
    assert [(m.starts, m.due) for m in result.milestones] == [(date(2030, 6, 24), date(2030, 6, 24))]


def test_a_board_row_of_author_date_and_views_is_metadata_and_the_posting_date() -> None:
    assert is_meta("관리자 2030-01-31 1391")
    text = "2030년 마을 지원사업 공모\n관리자 2030-01-31 1391\n- 접수기간 : 2030. 2. 1. ~ 2. 15.\n"
    result = parse_plan(text)
    assert result.doc_date == date(2030, 1, 31)
    assert [(m.starts, m.due) for m in result.milestones] == [(date(2030, 2, 1), date(2030, 2, 15))]


def test_a_photo_captions_date_is_not_the_documents_date() -> None:
    caption = "[서울=뉴시스] 예시부가 10일 현판식을 열었다. (사진=예시부 제공) 2027.07.10. photo@example.com *재판매 및 DB 금지"
    assert is_meta(caption)
    text = f"내달 15일까지 공모전 개최\n{caption}\n예시부는 12월16일부터 1월15일까지 공모전을 개최한다고 밝혔다.\n"
    result = parse_plan(text)
    assert result.doc_date is None
    assert result.milestones == ()  # no date places the year-less days: left out, never guessed


# Dates


def test_oneun_before_the_end_of_a_range_is_no_part_of_it() -> None:
    text = "예시군, 농업 사업 신청받는다\n승인 2030.01.31 15:55\n예시군은 31일부터 오는 3월 2일까지 사업 신청을 받는다.\n"
    assert _items(text) == [(date(2030, 1, 31), date(2030, 3, 2))]
    found = find_time_exprs("1일부터 오는 3월 2일까지", 2030, 2030)
    assert [(e.starts, e.due) for e in found] == [(date(2030, 3, 1), date(2030, 3, 2))]


def test_a_work_plans_year_dates_its_bare_months_and_yeonmal() -> None:
    text = (
        "- 환경정책의 전환 -\n예시부는 2030년 업무계획을 발표했다.\n"
        "- 지표를 활용하여 7월까지 평가체계를 확립한다.\n"
        "- 2040년 발전 목표와 지표를 연말까지 개발한다.\n"
    )
    assert _items(text) == [(None, date(2030, 7, 31)), (None, date(2030, 12, 31))]


def test_yeonmal_is_december_but_not_in_yeonmal_jeongsan() -> None:
    found = find_time_exprs("서류는 연말까지 제출", 2030, 2030)
    assert [(e.starts, e.due, e.grain) for e in found] == [(None, date(2030, 12, 31), "month")]
    assert find_time_exprs("연말정산 서류 제출", 2030, 2030) == []


# Years that are never milestones


def test_the_year_of_an_event_prepared_for_and_a_baseline_are_no_items() -> None:
    text = "2030년 업무보고\n등록일자 2030-03-24\n□ ’31년 경유승용차 시판에 대비, 가격체계 조정 추진\n□ 2029년 대비 2배 확대\n"
    assert _items(text) == []


def test_a_year_named_as_the_first_of_an_era_is_no_item() -> None:
    text = "예시부 업무계획\n예시부가 2030년을 정책 전환의 원년으로 삼아, 과제를 추진한다.\n"
    assert _items(text) == []


def test_a_year_whose_title_is_a_verb_alone_is_no_item() -> None:
    text = "예시군, 사업 신청\n승인 2029.01.31 15:55\n신청된 사업은 심의회를 거쳐 선정하여 2030년에 시행하게 된다.\n"
    assert _items(text) == []


def test_a_sentence_explaining_a_word_dates_history() -> None:
    text = "예시부, 공모전 개최\n문샷은 1969년 달 탐사선을 발사한 아폴로 프로젝트에서 나온 표현이다.\n"
    assert _items(text) == []


def test_a_headline_ending_in_a_verb_names_its_year_and_a_plan_report_heading_too() -> None:
    text = "예시군, 2030년 농림사업 신청받는다\n승인 2029.01.31 15:55\n예시군은 3월 2일까지 신청을 받는다.\n"
    assert _items(text) == [(None, date(2029, 3, 2))]
    text = "예시부 업무계획\n◆ 2030년 예시부 업무계획 보고\n1. 해운산업 경쟁력 확보\n"
    assert _items(text) == []


# Lines and stage chains


def test_a_news_credit_opens_a_paragraph_and_continues_no_line() -> None:
    text = (
        "예시군, 농업 사업 신청받는다\n승인 2030.01.31 15:55\n"
        "농업분야 38개, 식량분야 6개, 유통·원예·식품분야 53개 등 총 125개 사업이 대상인 사업 신청 소식\n"
        "(예시=예시일보) 예시군은 오는 3월 2일까지 농업 사업 신청을 받는다.\n"
    )
    titled = _titled(text)
    assert len(titled) == 1
    assert titled[0][2] == date(2030, 3, 2)
    assert "125개" not in titled[0][0]


def test_a_lettered_field_whose_value_is_a_stage_chain_is_an_item_line() -> None:
    text = (
        "1. 예시과-554(2030.1.18.)호와 관련입니다.\n"
        "가. 신청대상 : 경영개선을 희망하는 농업경영체\n"
        "나. 추진일정 : 공고․접수(’30.1월)→기본교육(’30.2~3월)→대상자확정(’30.3.16.)\n"
    )
    assert _titled(text) == [
        ("공고․접수", date(2030, 1, 1), date(2030, 1, 31)),
        ("기본교육", date(2030, 2, 1), date(2030, 3, 31)),
        ("대상자확정", date(2030, 3, 16), date(2030, 3, 16)),
    ]


# Titles


def test_a_news_script_read_one_phrase_a_line_joins_a_date_phrase_to_its_verb() -> None:
    text = (
        "예시시, 청사 건립 용역 착수\n작성일2030.03.06 댓글0건\n예시시는\n1억원을 들여\n용역에\n착수했다고 밝혔습니다.\n"
        "예시시는\n10월 말까지\n연구용역을 완료할 예정입니다.\n"
        "오는 11월 중앙정부로부터\n국비지원을 받기 위한\n행정절차를 진행할\n계획입니다.\n"
    )
    titled = _titled(text)
    assert [(s, d) for _, s, d in titled] == [
        (None, date(2030, 10, 31)),
        (date(2030, 11, 1), date(2030, 11, 30)),
    ]
    assert "연구용역" in titled[0][0] and "행정절차" in titled[1][0]


def test_a_site_menu_of_dates_one_a_line_is_not_joined() -> None:
    text = "이렇게 달라집니다.\n2030년부터\n2030년\n상반기부터\n예시청\n"
    assert _items(text) == []


def test_a_procedure_gone_through_and_the_site_a_result_is_posted_on_are_no_part_of_the_step() -> None:
    text = (
        "예시구, 2030년 동아리 지원사업 모집\n"
        "구는 서류 심사와 심의위원회를 거쳐 3월 중 선정 결과를 예시학습관 홈페이지에 발표할 예정이다.\n"
    )
    assert _titled(text) == [("선정 결과 발표", date(2030, 3, 1), date(2030, 3, 31))]


def test_a_quoted_name_before_the_date_titles_what_is_held_then() -> None:
    text = (
        "예시부, 아이디어 공모\n송고 2030.06.21 12:00\n"
        "예시부는 국민의 상상력과 창의성을 정보통신기술에 접목해 미래 유망 기술을 발굴하는 제5회 "
        "'예시 창의 아이디어 공모전'을 오는 22일부터 7월 20일까지 개최한다고 밝혔다.\n"
    )
    assert _titled(text) == [("예시 창의 아이디어 공모전 개최", date(2030, 6, 22), date(2030, 7, 20))]


def test_applicants_as_the_topic_apply_to_what_the_notice_is_about() -> None:
    text = (
        "예시구, 2030년 평생학습 동아리 지원사업 모집\n"
        "신청을 원하는 동아리는 2월 13일부터 15일까지 구비 서류를 학습관에 방문하여 제출하면 된다.\n"
    )
    assert _titled(text) == [("평생학습 동아리 지원사업 모집 신청", date(2030, 2, 13), date(2030, 2, 15))]


def test_a_notice_that_opens_by_naming_what_it_does_titles_its_period_fields() -> None:
    text = (
        "2031학년도 통학구역 조정을 위한 사전 의견 수렴을 다음과 같이 실시하고자 합니다.\n"
        "가. 조사내용: 통학구역 조정에 대한 요구사항\n"
        "나. 조사기간: 2030. 5. 1.(수)~5. 20.(월)\n"
    )
    titled = _titled(text)
    assert [(s, d) for _, s, d in titled] == [(date(2030, 5, 1), date(2030, 5, 20))]
    assert "사전 의견 수렴" in titled[0][0]


def test_again_this_year_has_no_date_of_its_own() -> None:
    text = "2030 마을 공모사업 추진 일정표\n지구빵집 2030. 1. 24. 14:23\n작년에는 신청하지 않았으며 올해 다시 지원서류를 낸다.\n"
    assert _items(text) == []


def test_the_meeting_a_release_reports_as_presided_that_day_is_no_item() -> None:
    text = (
        "보도자료\n보도시점 2030. 11. 16.(토) 08:00\n"
        "□ 부총리는 11.16.(토) 08시 정부청사에서 제18차 「경제관계장관회의」를 주재하여, 현안을 논의하였다.\n"
    )
    assert _items(text) == []


def test_applicants_as_the_topic_before_oneun() -> None:
    text = (
        "예시군, 신규 마을공동체 사업 참여 단체 모집\n2030-01-04\n"
        "참여를 희망하는 단체는 오는 21일까지 담당부서에 접수하면 됩니다.\n"
    )
    assert _titled(text) == [
        ("신규 마을공동체 사업 참여 단체 모집 참여", date(2030, 1, 21), date(2030, 1, 21))
    ]


def test_a_bare_day_range_after_a_day_of_a_named_month_is_of_that_month() -> None:
    found = find_time_exprs("오는 3월 4일 합격자를 발표하고 이어 6~13일 견본 접수를 한다.", 2030, 2030, 1)
    assert [(e.starts, e.due) for e in found] == [
        (date(2030, 3, 4), date(2030, 3, 4)),
        (date(2030, 3, 6), date(2030, 3, 13)),
    ]
    assert len(find_time_exprs("9월 2일 신청 후 1~3일 이내에 확인한다.", 2030, 2030)) == 1  # a span, not days
    assert (
        len(find_time_exprs("9월 2일 신청한다. 이어 6~13일 교육이 있다.", 2030, 2030)) == 1
    )  # another sentence


def test_the_copula_a_removed_date_leaves_is_no_part_of_the_title() -> None:
    text = "예시구 문화상품 공모\n예시구는 문화상품을 공모로 선정한다고 26일 밝혔다.\n1차 서류 접수는 다음달 20~27일이다.\n"
    assert _titled(text, doc_date=date(2030, 1, 26)) == [
        ("1차 서류 접수", date(2030, 2, 20), date(2030, 2, 27))
    ]


def test_a_sentence_about_what_the_year_is_dates_no_step() -> None:
    text = "예시군, 2030년 주요업무계획 보고\n2030년은 민선9기 2차년도로 중요한 시기임에 따라 군은 실행계획을 수립하고 점검한다.\n"
    assert _items(text) == []
