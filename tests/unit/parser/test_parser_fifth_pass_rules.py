"""Rules found on the fifth held-out set of issue #12 (kinds of line, not those documents): a long
numbered sentence is no heading, a run-on notice paragraph with contact words is no metadata line,
a news stamp after a byline, a plan reported with `오는 …일`, signatures of councils and districts
(also inside a run-on notice), a board's `작성일 | …` cell, and `…자 시행` as an as-of date."""

from datetime import date

from services.ingest.parser import parse_plan


def _dues(text: str, doc_date: date | None = None) -> list[date | None]:
    return [m.due for m in parse_plan(text, doc_date=doc_date).milestones]


def test_a_long_numbered_sentence_with_a_date_is_not_a_heading() -> None:
    text = (
        "1. 마을 정원 조례안에 대하여 아래와 같이 의견을 조회하오니 게시판에 공고하여 주시기 바랍니다.\n"
        "2. 아울러, 조례안에 대하여 의견이 있는 경우 2023. 9. 4.(월)까지 의견서를 제출하여 주시기 바라며, "
        "기한 내 미제출 시 의견 없음으로 처리합니다.\n"
    )
    assert _dues(text) == [date(2023, 9, 4)]


def test_a_run_on_notice_with_contact_words_keeps_its_deadline() -> None:
    filler = "이 조례안에 대하여 의견이 있는 개인 또는 단체는 " + "다음 사항을 적어 " * 12
    text = (
        "마을 정원 조례안 입법예고\n"
        f"{filler}2023년 9월 14일까지 의견서를 마을구청장(전화 : 02-000-0000, e-mail : desk@example.com)"
        "에게 제출하여 주시기 바랍니다. 가. 의견 나. 성명\n"
    )
    assert _dues(text) == [date(2023, 9, 14)]


def test_a_news_stamp_after_the_byline_dates_the_text() -> None:
    text = (
        "마을 안내서 발간\n홍길동 기자 | 기사입력 2023/03/02 [10:00]\n"
        "구는 오는 9일 마을 안내서를 발간한다고 2일 밝혔다.\n"
    )
    assert _dues(text) == [date(2023, 3, 9)]


def test_a_council_chairs_signature_is_no_milestone() -> None:
    text = (
        "마을 정원 조례안 입법예고\n다음과 같이 입법예고 합니다.\n2023년 3월 2일 서울특별시 마을구의회의장\n"
        "의견이 있는 개인은 2023년 3월 9일까지 의견서를 제출하여 주시기 바랍니다.\n"
    )
    assert _dues(text) == [date(2023, 3, 9)]


def test_a_signature_inside_a_run_on_notice_is_no_milestone() -> None:
    text = (
        "마을 정원 조례 일부개정(안) 공고\n"
        "마을구 공고 제2023-1호 다음과 같이 입법예고합니다. 2023년 3월2일 서울특별시 마을구청장 "
        "마을 정원 조례 일부개정조례안 입법예고 1. 개정이유 … 의견이 있는 개인은 2023년 3월 23일까지 "
        "의견서를 제출하여 주시기 바랍니다.\n"
    )
    assert _dues(text) == [date(2023, 3, 23)]


def test_a_boards_written_on_cell_is_no_milestone() -> None:
    text = "마을 정원 조례안\n작성자 | 마을구의회 | 작성일 | 2023-02-02 | 조회수 | 10 |\n접수 기한 : 2023. 2. 9.까지\n"
    assert _dues(text) == [date(2023, 2, 9)]


def test_an_effective_as_of_date_is_history() -> None:
    text = (
        "마을 조례 개정 공고\n작성일 | 2023-05-04 |\n"
        "개정이유 「마을법」이 '23. 1. 13.자 시행으로 요건이 완화되어 조례에 반영하고자 함.\n"
    )
    assert _dues(text) == []


def test_a_request_sentences_own_verb_titles_its_deadline() -> None:
    text = (
        "마을 정원 조례안 입법예고\n"
        "의견이 있는 개인은 2023년 3월 9일까지 의견서를 작성하여 마을구청장(주소 : 마을로 1)에게 "
        "제출하여 주시기 바랍니다.\n"
    )
    [item] = parse_plan(text).milestones
    assert item.due == date(2023, 3, 9) and item.title.endswith("작성·제출")


def test_this_years_topic_is_no_deadline_and_a_span_end_is_no_bare_day() -> None:
    text = (
        "새해 업무보고\n구 업무보고가 오는 18일부터 30일까지 실시된다.\n"
        "구에 따르면 올해 업무보고는 오는 18일에서 30일 사이 구청에서 열릴 예정이다.\n기사입력: 2018/01/09 [17:01]\n"
    )
    items = parse_plan(text).milestones
    assert [(m.starts, m.due) for m in items] == [(date(2018, 1, 18), date(2018, 1, 30))]
    assert "오는" not in items[0].title and not items[0].title.startswith("오 ")


def test_the_figure_a_chain_of_periods_reached_is_no_milestone() -> None:
    text = "마을 주요 업무 추진 계획\n□ 주거 지원\nㅇ 마을 주거급여 확대 및 쉼터 건립('26)\n* 주거급여 ('22) 13만 → ('24) 15만\n"
    assert _dues(text) == [date(2026, 12, 31)]


def test_a_review_of_the_past_dates_no_milestones_before_the_document() -> None:
    text = (
        "2025년 마을 주요 업무 추진 계획\n2025.01.13 마을청\nI . 전반기 성과 및 평가\n"
        "ㅇ (교통) 마을버스 개통(’24.3)으로 교통편의 제고\nII . 2025년 추진 계획\nㅇ 마을 정원 조성(’25.6)\n"
    )
    assert _dues(text) == [date(2025, 6, 30)]


def test_a_summing_up_clause_takes_the_sentences_lead_noun() -> None:
    text = "ㅇ KTX 사업 최초로 가노선 구간을 ‘24.3월 개통하고, 나노선 구간을 ‘25.6월 개통하는 등 ‘28년까지 순차 개통을 완료한다.\n"
    titles = {m.due: m.title for m in parse_plan(text).milestones}
    assert titles[date(2028, 12, 31)].startswith("KTX 사업") and "나노선" not in titles[date(2028, 12, 31)]


def test_rounds_in_a_bracketed_list_take_the_topic_and_meetings_the_committee() -> None:
    text = (
        "2025년 7월 마을정원위원회 심의 일정 안내\n등록일: 2025. 6. 2.\n"
        "- 심의 개최일 : [3차] 2025. 7. 9.(수)  /  [4차] 2025. 7. 23.(수)\n"
        "  ※ 심의 신청은 [ [3차] 2025. 6. 25.(수)  /  [4차] 2025. 7. 9.(수)] 18:00까지\n"
    )
    titles = sorted((m.due, m.title) for m in parse_plan(text).milestones)
    assert (date(2025, 6, 25), "3차 심의 신청") in titles and (date(2025, 7, 9), "4차 심의 신청") in titles
    assert (date(2025, 7, 23), "4차 마을정원위원회 심의 개최일") in titles


def test_a_reported_plans_verb_titles_its_day() -> None:
    text = (
        "마을 안내서 발간\n홍길동 기자 | 기사입력 2023/05/04 [17:58]\n"
        "구는 오는 10일 마을 안내서 '마을의 1년, 열 가지 이야기'를 발간한다고 3일 밝혔다.\n"
    )
    [item] = parse_plan(text).milestones
    assert item.due == date(2023, 5, 10) and item.title.endswith("발간") and "오는" not in item.title
