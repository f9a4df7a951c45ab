"""Rules found on the first held-out set of issue #12 (kinds of line, not these documents)."""

from datetime import date

from services.ingest.parser import parse_plan


def _items(text: str, doc_date: date | None = None) -> list[tuple[date | None, date | None, str]]:
    plan = parse_plan(text, doc_date=doc_date)
    return [(m.starts, m.due, m.title) for m in plan.milestones]


def test_a_notice_opening_sentence_names_the_programme_year_not_a_deadline() -> None:
    text = (
        "2025년 주차장 정비 지원사업 공고\n"
        "2025년 주차장 정비 지원사업을 아래와 같이 공고합니다.\n"
        "○ 사업기간: 2025. 5. ~ 12.\n"
    )
    found = _items(text, date(2025, 5, 12))
    assert all(due != date(2025, 12, 31) or starts != date(2025, 1, 1) for starts, due, _ in found)
    assert (date(2025, 5, 1), date(2025, 12, 31)) in [(s, d) for s, d, _ in found]


def test_a_year_in_a_sentence_that_reports_the_past_is_not_a_deadline() -> None:
    text = "보도자료\n2020-08-12\n▢ 2020년에 시범학교 4교가 선정되었다.\n▢ 향후 2023년까지 총 10교를 선정할 계획이다.\n"
    found = _items(text)
    assert [d for _, d, _ in found] == [date(2023, 12, 31)]


def test_this_year_as_the_topic_against_other_years_is_not_a_deadline() -> None:
    text = (
        "보도자료\n2020-08-12\n"
        "○ 예년에는 대규모 설명회를 개최하였으나, 올해는 온라인 설명회로 대체하기로 하였다.\n"
    )
    assert _items(text) == []


def test_this_year_with_a_future_verb_is_still_a_deadline() -> None:
    found = _items("보도자료\n2026-01-28\n○ 반도체 개발 사업도 올해 본격 착수한다.\n")
    assert [d for _, d, _ in found] == [date(2026, 12, 31)]


def test_a_leading_adverb_is_not_part_of_the_title() -> None:
    found = _items("보도자료\n2020-08-12\n○ 향후 2023년까지 총 10교 선정\n")
    assert [t for _, _, t in found] == ["총 10교 선정"]


def test_a_note_after_the_date_is_not_the_title() -> None:
    text = (
        "2025년 청년통장 모집\n등록일: 2025. 5. 26.\n"
        "○ 선정자 발표 : 2025. 11. 4.(화) 예정 ※ 발표일정은 사정에 따라 변동될 수 있음\n"
    )
    titles = [t for _, _, t in _items(text)]
    assert len(titles) == 1 and titles[0].startswith("선정자 발표") and "변동" not in titles[0]


def test_a_generic_period_label_with_a_note_takes_the_notice_subject() -> None:
    text = (
        "2025년 희망두배청년통장 모집\n등록일: 2025. 5. 26.\n"
        "○ 신청기간 : 2025. 6. 9.(월) ~ 6. 20.(금) 18:00 ※ 신청기간 외 접수 불가\n"
    )
    assert _items(text) == [(date(2025, 6, 9), date(2025, 6, 20), "희망두배청년통장 모집 신청")]


def test_a_window_a_record_must_fall_in_is_a_condition() -> None:
    text = (
        "2025년 청년통장 모집\n등록일: 2025. 5. 26.\n"
        "③ 근로 증빙 서류: 2024년 6월 ~ 2025년 5월 내 3개월 이상 근로 확인 가능 서류\n"
    )
    assert _items(text) == []


def test_a_months_issue_of_a_newsletter_is_not_a_date() -> None:
    text = "구민기자 모집\n등록일: 2025. 5. 12.\n○ 합격발표: 6. 25.(수) 종로사랑 7월호 명단 게재\n"
    assert [(s, d) for s, d, _ in _items(text)] == [(date(2025, 6, 25), date(2025, 6, 25))]


def test_a_year_compared_against_is_a_baseline() -> None:
    text = "가족실태조사 결과\n○ 생활방식에 대한 수용도는 2015년에 비해 전반적으로 높아졌습니다.\n"
    assert _items(text) == []


def test_a_dated_act_that_is_the_basis_of_a_plan_is_not_a_milestone() -> None:
    text = (
        "보행안전 실행계획 수립\n"
        "○ 실행계획은 '22년 8월 '제1차 기본계획('22.~'26.)' 수립에 따라 추진되는 정책과제를 "
        "체계적으로 추진하기 위한 최초의 실행계획이다.\n"
    )
    assert [(s, d) for s, d, _ in _items(text) if d == date(2022, 8, 31)] == []


def test_each_subject_of_a_parenthesised_list_gets_its_own_item() -> None:
    text = "보도자료\n2024-01-24\nㅇ B·C노선도 즉시 착공하고 적기 개통(B노선 '30년, C노선 '28년)을 위해 공정을 관리한다.\n"
    found = {(d, t) for _, d, t in _items(text)}
    assert (date(2030, 12, 31), "B노선 적기 개통") in found
    assert (date(2028, 12, 31), "C노선 적기 개통") in found


def test_each_round_of_a_labelled_line_is_titled_by_its_round() -> None:
    text = (
        "동물등록 자진신고 안내\n등록일: 2025. 4. 28.\n"
        "○ 자진신고 기간 : (1차) 5. 1. ~ 6. 30. (2차) 9. 1. ~ 10. 31.\n"
        "- 심의 개최일 : [11차] 2025. 6. 11.(수)  /  [12차] 2025. 6. 25.(수)\n"
    )
    assert _items(text) == [
        (date(2025, 5, 1), date(2025, 6, 30), "1차 자진신고 기간"),
        (date(2025, 9, 1), date(2025, 10, 31), "2차 자진신고 기간"),
        (date(2025, 6, 11), date(2025, 6, 11), "11차 심의 개최일"),
        (date(2025, 6, 25), date(2025, 6, 25), "12차 심의 개최일"),
    ]


def test_a_title_starts_in_the_sentence_of_its_date() -> None:
    text = (
        "보도자료\n2020-08-12\n"
        "▢ 진학안내자료도 개발하여 배포한다. PDF로 제작된 진학안내자료는 8. 19.(수)까지 중학교에 배포될 예정이다.\n"
    )
    titles = [t for _, d, t in _items(text) if d == date(2020, 8, 19)]
    assert len(titles) == 1 and not titles[0].startswith("배포한다")


def test_the_dot_of_a_removed_date_is_not_left_in_the_title() -> None:
    text = "구민기자 모집\n등록일: 2025. 5. 12.\n○ 합격발표: 6. 25.(수) 종로사랑 7월호 명단 게재\n"
    assert [t for _, _, t in _items(text)] == ["합격발표: 종로사랑 7월호 명단 게재"]
