"""Regression tests for titles (subjects, run-ons, quoted names), summary/body conflicts, plan keys."""

from datetime import date
from pathlib import Path

import pytest

from services.ingest.parser import parse_plan
from services.ingest.parser.merge import milestone_id
from services.ingest.parser.subjects import needs_subject, subject_of, with_subject

ROOT = Path(__file__).resolve().parents[3]
PLAN = (ROOT / "examples/plans/2025_industrial_tech_innovation_plan.txt").read_text(encoding="utf-8")


def _titles(text: str) -> dict[str, object]:
    plan = parse_plan(text, doc_date=date(2025, 5, 26), plan_key="k")
    return {m.title: m for m in plan.milestones}


def test_subjectless_steps_borrow_the_bullets_subject() -> None:
    text = """ㅇ 초격차 프로젝트, AI+R&DI 전략 등을 반영하여 산업혁신기반구축
로드맵 수립(’26~’27)
* (수요조사) ‘25. 1월~2월 → (기획단 운영) ’25. 2월~4월 → (로드맵 마련) ‘25. 4월 중
"""
    found = _titles(text)
    assert found["산업혁신기반구축 로드맵 수요조사"].kind == "range"  # type: ignore[attr-defined]
    assert "산업혁신기반구축 로드맵 기획단 운영" in found
    assert found["산업혁신기반구축 로드맵 마련"].due == date(2025, 4, 30)  # type: ignore[attr-defined]


def test_quoted_name_is_the_subject_of_a_bare_schedule() -> None:
    text = """ㅇ 산학연 전문가로 구성된 「AI 융합 산업기술혁신 포럼」 발족(’25.上)
* (구성) AI 관련 산‧학‧연 전문가 50명 내외 / (운영) 반기별(‘25년 2회) 개최
"""
    found = _titles(text)
    assert "「AI 융합 산업기술혁신 포럼」 반기별 개최" in found


def test_count_only_title_borrows_the_heading_subject() -> None:
    text = """□ 미래 산업의 판도를 바꿀 알키미스트 프로젝트 지속 추진
ㅇ ’25년 신규테마 3개 포함, 13개 테마*에 대해 총 281억원 투자
"""
    assert "알키미스트 프로젝트 신규테마 3개 포함" in _titles(text)


def test_tagged_list_items_read_as_tag_with_name_and_place() -> None:
    text = "* (지역순회 간담회) 수소 (강원, 6월), 바이오헬스(수도권, 11월), 미래자동차(울산, 12월)\n"
    found = _titles(text)
    assert found["지역순회 간담회(바이오헬스, 수도권)"].due == date(2025, 11, 30)  # type: ignore[attr-defined]
    assert "지역순회 간담회(수소, 강원)" in found and "지역순회 간담회(미래자동차, 울산)" in found


def test_run_on_title_ends_at_the_dated_clause() -> None:
    text = """ㅇ 「AI + R&DI 추진전략」을 발표하고(10.17일 산업디지털전환위원회) AI를
연구설계·실험 수행에 지원하는 600개 프로젝트를 추진
ㅇ 신재생에너지 및 수요관리 핵심기술 개발과 함께 무탄소에너지(CFE,
Carbon Free Energy) 글로벌 작업반 출범(’25. 10월)
"""
    found = _titles(text)
    assert "「AI + R&DI 추진전략」 발표" in found
    assert "무탄소에너지(CFE, Carbon Free Energy) 글로벌 작업반 출범" in found


def test_pdf_run_together_words_kept_but_title_is_the_deliverable() -> None:
    text = "ㅇ 산업발전주역을위한‘산업기술인의 날’ 및산업기술혁신 주간 지정\n(산업기술혁신 촉진법 개정, '25.上)\n"
    found = _titles(text)
    assert found["「산업기술인의 날」 및 산업기술혁신 주간 지정"].due == date(2025, 6, 30)  # type: ignore[attr-defined]


def test_table_row_action_is_titled_by_its_left_cell() -> None:
    text = """< 2024년 현장 규제‧애로 해소 법령‧규정 개정 >
① MSDS(물질안전보건자료) 제출 기한 연장 Ÿ 한시적 규제유예 과제 선정, 5년 유예(’24.3.27)
② 화장품 추출물 성분 표시기준 변경에 따른 기존
포장재 유예기간 연장
Ÿ 한시적 규제유예 과제 선정, 2년 유예(’24.3.27)
"""
    plan = parse_plan(text, doc_date=date(2024, 5, 1), plan_key="k")
    titles = [m.title for m in plan.milestones]
    assert len(set(titles)) == len(titles) == 2
    assert titles[0].startswith("MSDS(물질안전보건자료) 제출 기한 연장")
    assert titles[1].startswith("화장품 추출물 성분 표시기준 변경에 따른 기존 포장재 유예기간 연장")


def test_means_phrase_in_front_of_a_dated_deliverable_is_dropped() -> None:
    assert "6개 초격차 프로젝트 착수" in _titles("□ ’25년 신규사업 등을 통해 6개 초격차 프로젝트 착수\n")


@pytest.mark.parametrize(
    ("title", "needed"),
    [
        ("수요조사", True),
        ("기획단 운영", True),
        ("로드맵 마련", True),
        ("반기별 개최", True),
        ("신규테마 3개 포함", True),
        ("330개로 지원 및 AI 융복합 교육프로그램 개발 확대", True),
        ("XR실증센터", False),
        ("「AI 융합 산업기술혁신 포럼」 발족", False),
        ("글로벌우수기업연구소육성사업(GATC) 예타 완료", False),
    ],
)
def test_needs_subject(title: str, needed: bool) -> None:
    assert needs_subject(title) is needed


@pytest.mark.parametrize(
    ("heading", "subject"),
    [
        ("미래 산업의 판도를 바꿀 알키미스트 프로젝트 지속 추진", "알키미스트 프로젝트"),
        ("산업계 수요 기반 공학인재 양성을 위한 공학교육혁신센터 지원 확대", "공학교육혁신센터"),
        ("산학연 전문가로 구성된 「AI 융합 산업기술혁신 포럼」 발족", "「AI 융합 산업기술혁신 포럼」"),
        ("현장 수요를 반영한 개선안 발굴 및 제도 개선", ""),
        ("(전략투자) 45개 프로젝트 본격화, 알키미스트 확대", ""),
    ],
)
def test_subject_of(heading: str, subject: str) -> None:
    assert subject_of(heading) == subject


def test_with_subject_widens_a_named_head_noun() -> None:
    assert with_subject("39개 프로젝트 착수", "11개 분야 45개 초격차 프로젝트") == "39개 초격차 프로젝트 착수"
    assert with_subject("로드맵 마련", "산업혁신기반구축 로드맵") == "산업혁신기반구축 로드맵 마련"
    assert with_subject("수요조사", "산업혁신기반구축 로드맵") == "산업혁신기반구축 로드맵 수요조사"


SUMMARY_AND_BODY = """3. 주요내용
2025년 시행계획
ㅇ 산업난제 발굴을 위해 산업별 협의회 및 기술위원회 운영('25.6월~)
ㅇ 산업발전주역을위한‘산업기술인의 날’ 및산업기술혁신 주간 지정
(산업기술혁신 촉진법 개정, '25.上)
Ⅳ. 2025년 시행 계획
□ 산업난제 전문가 위원회 구성·운영 및 프로그램형 사업기획
ㅇ 업종 협・단체, 출연연 참여 산업별 산업난제 협의회 개최(’25.5월~)
□ 산업발전의 주역을 위한 ‘산업기술인의 날’ 지정 추진
ㅇ 산업기술혁신촉진법 개정(’25.下)을 통해 산업기술혁신 주간*, 산업
기술인의 날 지정 추진
"""


def test_summary_restated_with_another_date_yields_one_body_milestone() -> None:
    plan = parse_plan(SUMMARY_AND_BODY, doc_date=date(2025, 5, 26), plan_key="k")
    assert [(m.line, m.kind, m.starts, m.due) for m in plan.milestones] == [
        (8, "ongoing", date(2025, 5, 1), None),
        (10, "deadline", date(2025, 7, 1), date(2025, 12, 31)),
    ]
    assert all(m.part == "plan" and m.section[0].startswith("Ⅳ") for m in plan.milestones)
    body_only = parse_plan(SUMMARY_AND_BODY.split("Ⅳ.")[0] + "Ⅳ." + SUMMARY_AND_BODY.split("Ⅳ.")[1])
    assert len(body_only.milestones) == 2


def test_summary_item_with_same_date_elsewhere_is_not_swallowed() -> None:
    plan = parse_plan(PLAN)
    assert any(m.line == 27 and m.due == date(2024, 3, 31) for m in plan.milestones)
    assert not any(m.line in (49, 123) for m in plan.milestones)
    assert next(m for m in plan.milestones if m.line == 674).starts == date(2025, 5, 1)
    assert next(m for m in plan.milestones if m.line == 1120).due == date(2025, 12, 31)


def test_few_duplicate_titles_in_the_sample() -> None:
    titles = [m.title for m in parse_plan(PLAN).milestones]
    assert len(titles) - len(set(titles)) <= 1


def test_titles_are_short_and_clean() -> None:
    for m in parse_plan(PLAN).milestones:
        assert len(m.title) <= 60, m.title
        assert not m.title.startswith(("*", "ㅇ", "-", "□", "①", "(")), m.title
        assert "억원" not in m.title.replace("억원 이상", ""), m.title
        assert "'2" not in m.title and "’2" not in m.title, m.title


def test_ids_ignore_punctuation_changes_in_titles() -> None:
    assert milestone_id("k", "「산연 공동연구실」 30개소 구축") == milestone_id(
        "k", "산연 공동연구실 30개소 구축"
    )


def test_plan_key_is_stable_for_a_revised_version_with_the_same_title() -> None:
    revised = (
        PLAN.replace("제출 연월일 2025. 5. 26.", "제출 연월일 2025. 7. 14.")
        .replace("2025. 5. 30.", "2025. 7. 18.")
        .replace("예타 완료(’25.1분기)", "예타 완료(’25.2분기)")
        .replace(
            "ㅇ 늘봄연계 주니어공학기술교실 프로그램 확대",
            "ㅇ 늘봄연계 주니어공학기술교실 프로그램 확대('25.9월)",
        )
    )
    original, later = parse_plan(PLAN), parse_plan(revised)
    assert later.doc_date == date(2025, 7, 14)
    assert later.title == original.title and later.plan_key == original.plan_key
    before = {(m.title, m.line): m.id for m in original.milestones}
    after = {(m.title, m.line): m.id for m in later.milestones}
    assert all(after[key] == ident for key, ident in before.items() if key in after)
    assert len(set(before) & set(after)) >= len(before) - 2


def test_second_deliverable_borrows_the_first_ones_subject() -> None:
    text = """□ AI 반도체 경쟁력 강화
ㅇ 차세대 AI 반도체 설계 플랫폼 구축 착수('25.7월) 및 예타 신청('25.하반기)
ㅇ 양자 클러스터 지정 공모('25.9월), 3개소 지정('25.12월)
ㅇ 연구인력 채용 지원사업 공고('25.1월) 및 접수('25.2월)
"""
    found = _titles(text)
    assert found["차세대 AI 반도체 설계 플랫폼 예타 신청"].due == date(2025, 12, 31)  # type: ignore[attr-defined]
    assert "차세대 AI 반도체 설계 플랫폼 구축 착수" in found
    assert found["양자 클러스터 3개소 지정"].target.value == 3  # type: ignore[attr-defined]
    assert "연구인력 채용 지원사업 접수" in found
    assert len(found) == 6


def test_schedule_tag_is_not_a_subject() -> None:
    text = """□ 딥테크 스타트업 집중 육성
ㅇ (추진일정) '25.3월 공고 → '25.5월 선정평가 → '25.6월 협약
"""
    assert set(_titles(text)) == {"딥테크 스타트업 공고", "딥테크 스타트업 선정평가", "딥테크 스타트업 협약"}


def test_schedule_table_rows_stay_apart_and_name_their_owner() -> None:
    text = """< 주요 추진일정 >
추진과제\t일정\t담당
양자 종합계획 수립\t'25.2월\t양자기술과
디지털 신질서 기본법 제정\t'25.하반기\t디지털신질서팀
AI 기본계획 발표    '25.1분기    인공지능정책과

□ 문의 : 과학기술정보통신부 연구개발정책과 (044-202-4500)
"""
    plan = parse_plan(text, doc_date=date(2025, 2, 1), plan_key="k")
    rows = {m.title: (m.due, m.owner) for m in plan.milestones}
    assert rows == {
        "양자 종합계획 수립": (date(2025, 2, 28), "양자기술과"),
        "디지털 신질서 기본법 제정": (date(2025, 12, 31), "디지털신질서팀"),
        "AI 기본계획 발표": (date(2025, 3, 31), "인공지능정책과"),
    }


def test_default_owner_is_the_department_on_the_contact_line() -> None:
    text = """ㅇ 6G 표준화 대응 전략 수립('25. 4월)
ㅇ 인공지능정책과 협업 과제 발굴('25.5월)
□ 문의 : 과학기술정보통신부 연구개발정책과 (044-202-4500)
"""
    plan = parse_plan(text, doc_date=date(2025, 2, 1), plan_key="k")
    assert [m.owner for m in plan.milestones] == ["연구개발정책과", "연구개발정책과"]


def test_korean_letter_headings_close_the_bullets_above() -> None:
    text = """1. 미래 모빌리티
가. 도심항공교통(UAM) 상용화 기반 마련
○ 버티포트 설계 가이드라인 마련(’25년 중)
나. 자율주행 기술 고도화
① 레벨4 자율주행 셔틀 시범운행지구 확대 : ’25년 20개 → ’26년 30개
"""
    plan = parse_plan(text, doc_date=date(2025, 1, 20), plan_key="k")
    last = plan.milestones[-1]
    assert last.title == "레벨4 자율주행 셔틀 시범운행지구 확대"
    assert (last.due, last.target.value if last.target else None) == (date(2026, 12, 31), 30)
    assert last.section == ("1. 미래 모빌리티", "나. 자율주행 기술 고도화")


def test_quoted_plan_sentence_is_titled_without_its_attribution() -> None:
    text = '관계자는 "내년 상반기까지 상용화 제도를 완비할 계획"이라고 밝혔다.\n'
    (only,) = parse_plan(text, doc_date=date(2025, 1, 20), plan_key="k").milestones
    assert (only.title, only.due) == ("상용화 제도 완비", date(2026, 6, 30))


def test_schedule_written_date_first_with_the_step_in_parentheses() -> None:
    text = """▢ 국가 바이오 빅데이터 구축
◦ ’25.3월(공고) → ’25.5월(선정) → ’25.6월(협약)
◦ ~’25.6월 : 바이오 빅데이터 기본계획 수립
◦ 팬데믹 대비 치료제 비축 확대 : ’24년 10만명분 → ’25년 20만명분
"""
    found = _titles(text)
    assert set(found) == {
        "국가 바이오 빅데이터 공고",
        "국가 바이오 빅데이터 선정",
        "국가 바이오 빅데이터 협약",
        "바이오 빅데이터 기본계획 수립",
        "팬데믹 대비 치료제 비축 확대",
    }
    assert found["국가 바이오 빅데이터 선정"].due == date(2025, 5, 31)  # type: ignore[attr-defined]


def test_history_and_baselines_are_context_not_milestones() -> None:
    text = """□ 수소 기술개발
○ ’19년부터 추진 중인 수소 R&D 로드맵 개정(’25.下)
○ 2023년 대비 특허 출원 20% 확대(’25년)
"""
    plan = parse_plan(text, doc_date=date(2025, 3, 1), plan_key="k")
    assert [(m.title, m.expr) for m in plan.milestones] == [
        ("수소 R&D 로드맵 개정", "’25.下"),
        ("수소 기술개발 특허 출원 20% 확대", "’25년"),
    ]


def test_table_with_one_cell_per_line() -> None:
    text = """< 주요 과제별 추진일정 >
추진과제
추진일정
담당부서
해양 디지털 트윈 플랫폼 구축
'25.6월
해양정책과
스마트 양식 실증단지 조성
'25.下
양식산업과
"""
    plan = parse_plan(text, doc_date=date(2025, 2, 1), plan_key="k")
    assert [(m.title, m.due, m.owner) for m in plan.milestones] == [
        ("해양 디지털 트윈 플랫폼 구축", date(2025, 6, 30), "해양정책과"),
        ("스마트 양식 실증단지 조성", date(2025, 12, 31), "양식산업과"),
    ]
