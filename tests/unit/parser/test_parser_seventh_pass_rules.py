"""Rules of the seventh pass of issue #12, each for a family of misses seen across the held-out sets
(not for one document), on made-up lines: the terms section of a call (`1. 공모 개요`) is not the
background of a plan; a `YYYY년도` before a name, and a name field's year, name what a thing is of;
a call named by its year places its year-less days; a budget is prepared in the year before it."""

from datetime import date

from services.ingest.parser import parse_plan
from services.ingest.parser.extract import notice_subject


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None]]:
    return [(m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def _titled(text: str, doc_date: date | None = None) -> list[tuple[str, date | None, date | None]]:
    return [(m.title, m.starts, m.due) for m in parse_plan(text, doc_date=doc_date).milestones]


def test_the_overview_of_a_call_holds_its_schedule() -> None:
    text = "2024년 청년 사진 공모전\n작성일 2024-03-02\n1. 공모 개요\n○ (공모기간) 2024. 3. 4.(월) ~ 3. 29.(금)\n"
    assert _items(text) == [(date(2024, 3, 4), date(2024, 3, 29))]


def test_the_overview_of_a_plan_stays_background() -> None:
    text = (
        "2025년 도시재생 시행계획\nⅠ. 추진 개요\n□ 2019년 착수한 사업을 정비\n"
        "Ⅱ. 추진 계획\n□ 주민 설명회 개최('25.3월)\n"
    )
    assert _items(text, doc_date=date(2025, 1, 10)) == [(date(2025, 3, 1), date(2025, 3, 31))]


def test_a_year_before_a_name_is_not_a_deadline() -> None:
    text = (
        "작성일 2023-02-01\n○ 공모개요\n"
        "- 2023년도 「마을 정책 아이디어 공모전」을 개최하오니 많은 참여 바랍니다.\n"
        "- 민선 8기 2024년도 역점사업으로 도서관 건립을 추진한다.\n"
        "- 시는 2024년도까지 도서관을 건립한다.\n"
    )
    assert _items(text) == [(None, date(2024, 12, 31))]


def test_a_name_fields_year_is_not_a_deadline() -> None:
    text = "작성일 2021-04-15\n○ (공모명) 2021년 보육 혁신 아이디어 공모전\n○ (공모기간) 2021. 4. 13.(화) ~ 4. 27.(화)\n"
    assert _items(text) == [(date(2021, 4, 13), date(2021, 4, 27))]


def test_a_notice_subject_drops_bullet_tag_year_and_closing_note() -> None:
    assert notice_subject("[공모전] 2021년 보육 혁신 아이디어 공모전(~4.27)") == "보육 혁신 아이디어 공모전"
    assert notice_subject("- 2023년도 마을 정책 아이디어 공모전") == "마을 정책 아이디어 공모전"


def test_a_call_named_by_its_year_places_its_year_less_days() -> None:
    text = (
        "- 2023년도 마을 정책 아이디어 공모전\n○ 기간 및 일정\n- 공모기간 : 4. 3.(월) ~ 5. 4.(목) 18:00까지\n"
    )
    found = _titled(text)
    assert [(s, d) for _, s, d in found] == [(date(2023, 4, 3), date(2023, 5, 4))]
    assert found[0][0].startswith("마을 정책 아이디어 공모전")


def test_an_undated_call_for_a_budget_runs_the_year_before() -> None:
    text = (
        "2026년도 예산편성을 위한 주민참여예산 제안사업 공모\n"
        "추진 일정\n주민제안사업 접수\n3. 17.(월)~6. 30.(월)\n주민참여예산(안) 의회 제출\n11월 중\n"
    )
    assert _items(text) == [(date(2025, 3, 17), date(2025, 6, 30)), (date(2025, 11, 1), date(2025, 11, 30))]


def test_a_sentence_preparing_next_years_budget_dates_its_months_the_year_before() -> None:
    text = "군, 2024년 주요업무계획 보고\n군은 보고회 결과를 보완해 10월 중 의회 업무보고 후 12월 2024년 본 예산에 반영할 예정이다.\n"
    assert [d for _, d in _items(text)] == [date(2023, 10, 31), date(2023, 12, 31)]


def test_a_budget_being_spent_keeps_its_year() -> None:
    text = "군, 2024년 주요업무계획 보고\n군은 3월 중 도서관 공사를 시작하고 10월 중 준공할 예정이다.\n"
    assert [d for _, d in _items(text)] == [date(2024, 3, 31), date(2024, 10, 31)]


def test_a_meeting_reported_as_held_in_the_terse_style_is_past() -> None:
    text = "제3차 물가 점검회의 개최\n2024.05.02. 물가정책과\n□ 차관은 ’24.5.2.(목) 07:30 청사에서 회의를 주재하였음\n□ 다음 회의는 5. 16.(목)에 열 예정임\n"
    assert _items(text) == [(date(2024, 5, 16), date(2024, 5, 16))]


def test_a_releases_desk_and_date_after_its_heading_is_its_dateline() -> None:
    text = "2024년 제5차 산업정책회의 개최 결과 및 향후 계획\n산업정책과 2024.06.03.\n□ 후속 과제를 2024. 7. 31.까지 마련할 계획이다.\n"
    assert _items(text) == [(None, date(2024, 7, 31))]


def test_a_related_article_list_is_not_the_document() -> None:
    text = (
        "시는 오는 28일 공청회를 연다고 21일 밝혔다.\n관련기사\n"
        "- 다른 도시의 새 소식2025.04.17\n- 또 다른 소식 모음2025.04.17\n"
    )
    plan = parse_plan(text)
    assert plan.doc_date is None and plan.milestones == ()


def test_a_date_a_change_moves_away_from_is_a_baseline() -> None:
    text = (
        "작성일 2020-09-20\n부는 새 시스템 개통을 2020년 10월 5일에서 2020년 10월 12일로 1주일 연기한다고 밝혔다.\n"
        "당초 10월 5일 개통을 앞두고 시범운영을 진행한 바 있다.\n"
    )
    assert _items(text) == [(date(2020, 10, 12), date(2020, 10, 12))]


def test_the_head_of_a_body_is_not_part_of_a_title() -> None:
    text = "작성일 2020-09-20\n행정안전부(장관 진영)는 새 시스템을 2020년 10월 12일 개통한다.\n"
    (title,) = [m.title for m in parse_plan(text).milestones]
    assert "장관" not in title and "진영" not in title


def test_a_notices_own_posting_period_is_not_a_milestone() -> None:
    text = "이모티콘 공모전 안내\n▶ 공고기간 : 2022. 6. 27.(월) ~ 8. 26.(금)\n▶ 접수기간 : 2022. 8. 15.(월) ~ 8. 26.(금)\n"
    assert _items(text) == [(date(2022, 8, 15), date(2022, 8, 26))]


def test_a_period_of_this_project_names_the_project_quoted_before() -> None:
    text = (
        "군이 공모 신청한 ‘강변 체류형 거점조성사업’은 캠핑장을 조성하는 사업이다.\n"
        "이 사업은 2026년부터 2028년까지 3년 동안 진행된다.\n"
    )
    (item,) = parse_plan(text).milestones
    assert (item.starts, item.due) == (date(2026, 1, 1), date(2028, 12, 31))
    assert item.title.startswith("강변 체류형 거점조성사업")


def test_a_bare_time_label_takes_the_step_from_its_heading() -> None:
    text = (
        "2021년 보육 혁신 아이디어 공모전 안내\n작성일 2021-04-15\n"
        "4. 결과발표\n○ (일시) 2021. 5. 21. (금) 예정\n"
    )
    (item,) = parse_plan(text).milestones
    assert item.due == date(2021, 5, 21)
    assert item.title == "보육 혁신 아이디어 공모전 결과발표"


def test_a_date_alone_after_its_field_label_is_titled_by_the_label() -> None:
    text = (
        "2024년도 소재기술개발사업 신규과제 공고\n"
        "공고일 : 2024.02.01 | 접수마감일 : 2024.03.04\n"
        "연구지원팀 접수마감일 : 2024.02.26\n"
        "과학기술정보통신부 공고 제2024-101호\n"
    )
    titles = {m.due: m.title for m in parse_plan(text).milestones}
    assert "접수마감일" in titles[date(2024, 3, 4)] and "공고일" not in titles[date(2024, 3, 4)]
    assert titles[date(2024, 2, 26)].endswith("연구지원팀 접수마감일")


def test_a_date_cell_of_a_printed_table_row_is_titled_by_the_row_and_its_column() -> None:
    text = (
        "2011년도 바이오기술개발사업 신규과제 공고\n작성일 2011-06-28\n"
        "분야 | 당해년도 연구기간 | 연구비\n"
        "근육감소제어원천기술 | 2011. 9 ~ 2012. 8 | 10억내외\n"
        "신약타겟검증연구 | 2011. 10 ~ 2012. 9 | 6억내외\n"
    )
    titles = {m.starts: m.title for m in parse_plan(text).milestones}
    assert titles[date(2011, 9, 1)] == "근육감소제어원천기술 당해년도 연구기간"
    assert titles[date(2011, 10, 1)] == "신약타겟검증연구 당해년도 연구기간"


def test_a_period_of_years_in_a_table_cell_is_a_programme_period() -> None:
    text = (
        "2011년도 바이오기술개발사업 신규과제 공고\n작성일 2011-06-28\n"
        "분야 | 총 사업기간 | 연구비\n"
        "근육감소제어원천기술 | 2011 ~ 2015(5년) | 10억내외\n"
        "구분 | 2023 | 2024\n"
        "예산 | 120 | 135\n"
    )
    (item,) = parse_plan(text).milestones
    assert (item.kind, item.starts, item.due) == ("program", date(2011, 1, 1), date(2015, 12, 31))
    assert item.title == "근육감소제어원천기술 총 사업기간"


def test_a_period_inside_a_quoted_plan_name_is_not_a_programme() -> None:
    text = "구는 ‘2024~2028 청년정책 기본계획’에 따라 청년 정책을 추진한다.\n이 사업은 2026년부터 2028년까지 진행된다.\n"
    assert _items(text) == [(date(2026, 1, 1), date(2028, 12, 31))]


def test_a_listing_stamp_dates_the_item_and_is_not_its_text() -> None:
    text = (
        "01.26\n2026\n구, 2월 20일부터 서류접수\n"
        "구는 오는 2월 20일부터 27일까지 서류접수를 진행한다고 26일 밝혔다.\n"
        "최종 결과는 오는 3월 25일 누리집에 게시한다.\n"
    )
    plan = parse_plan(text)
    assert plan.doc_date == date(2026, 1, 26)
    assert [(m.starts, m.due) for m in plan.milestones] == [
        (date(2026, 2, 20), date(2026, 2, 27)),
        (date(2026, 3, 25), date(2026, 3, 25)),
    ]


def test_a_text_opening_on_a_sentence_has_no_title_year() -> None:
    text = "최종 12개 단체가 선정됐다. 이들은 올해부터 오는 2027년까지 3년간 지원받는다.\n구는 청년 정책을 추진한다.\n"
    assert [m.expr for m in parse_plan(text).milestones if m.expr.startswith("올해")] == []
