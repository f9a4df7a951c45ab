"""Behaviour of parse_plan on focused snippets: structure, titles, targets, owners, ids, bad input."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from services.ingest.parser import Target, parse_plan

ROOT = Path(__file__).resolve().parents[3]
PLAN = (ROOT / "examples/plans/2025_industrial_tech_innovation_plan.txt").read_text(encoding="utf-8")
PRESS = (ROOT / "examples/plans/2026-01-28_industrial_rnd_innovation_press_release.txt").read_text(
    encoding="utf-8"
)

BODY = """Ⅳ. 2025년 시행 계획
4 (역량강화) 혁신생태계 역동성 제고
➊ 기업주도 생태계 강화
□ 세계 최고 기업육성 R&D 프로그램 신규 추진
ㅇ 글로벌우수기업연구소육성사업(GATC) 예타 완료('25.1분기) 및 산업
현장의 「기업연구자 지원방안」 마련('25.下)
ㅇ 알키미스트+ 사업 본격 추진('25년 50억원)
ㅇ 범부처 성과연계형 융합과제 발굴(~'25년 10개 목표)
* 제도정비 과제 발굴 현장 간담회('25.1~9월), 전문가 심포지엄 개최(~'25.3월)
"""


def _by_title(plan_text: str, **kwargs: object) -> dict[str, object]:
    plan = parse_plan(plan_text, **kwargs)  # type: ignore[arg-type]
    return {m.title: m for m in plan.milestones}


def test_two_deliverables_in_one_wrapped_bullet() -> None:
    found = _by_title(BODY, doc_date=date(2025, 5, 26))
    gatc = found["글로벌우수기업연구소육성사업(GATC) 예타 완료"]
    support = found["산업 현장의 「기업연구자 지원방안」 마련"]
    assert (gatc.kind, gatc.due, gatc.line) == ("deadline", date(2025, 3, 31), 5)
    assert (support.due, support.line) == (date(2025, 12, 31), 6)
    assert gatc.section == (
        "Ⅳ. 2025년 시행 계획",
        "4 (역량강화) 혁신생태계 역동성 제고",
        "➊ 기업주도 생태계 강화",
        "세계 최고 기업육성 R&D 프로그램 신규 추진",
    )
    assert gatc.part == "plan"


def test_budget_year_is_not_a_milestone_but_count_target_is() -> None:
    found = _by_title(BODY, doc_date=date(2025, 5, 26))
    assert not any("알키미스트" in title for title in found)
    target = found["범부처 성과연계형 융합과제 발굴"]
    assert target.target == Target(10, "개") and target.starts is None


def test_note_under_bullet_keeps_bullet_in_section() -> None:
    found = _by_title(BODY, doc_date=date(2025, 5, 26))
    talk = found["제도정비 과제 발굴 현장 간담회"]
    assert talk.kind == "range" and talk.section[-1] == "범부처 성과연계형 융합과제 발굴(~'25년 10개 목표)"
    assert found["전문가 심포지엄 개최"].due == date(2025, 3, 31)


def test_summary_item_repeated_in_body_is_emitted_once_from_the_body() -> None:
    plan = parse_plan(PLAN)
    gatc = [m for m in plan.milestones if "GATC" in m.title and m.due == date(2025, 3, 31)]
    assert len(gatc) == 1 and gatc[0].line == 1028 and gatc[0].section[0] == "Ⅳ. 2025년 시행 계획"


def test_parts_and_background_sections() -> None:
    plan = parse_plan(PLAN)
    parts = {m.part for m in plan.milestones}
    assert parts == {"results", "plan"}
    assert all(m.due is None or m.due.year >= 2024 for m in plan.milestones)
    assert not any(m.kind == "program" and m.starts == date(1991, 1, 1) for m in plan.milestones)
    assert not any("%" in m.expr for m in plan.milestones)


def test_doc_date_title_and_key_are_found() -> None:
    plan = parse_plan(PLAN)
    assert plan.doc_date == date(2025, 5, 26)
    assert plan.title.startswith("제8차 산업기술혁신계획")
    press = parse_plan(PRESS)
    assert press.doc_date == date(2026, 1, 28)
    for key in (plan.plan_key, press.plan_key):
        assert key and len(key) <= 48 and all(c.isascii() and (c.isalnum() or c == "-") for c in key)
        assert key == key.lower()


def test_ids_are_unique_and_stable_when_only_dates_move() -> None:
    plan = parse_plan(PLAN)
    ids = [m.id for m in plan.milestones]
    assert len(ids) == len(set(ids))
    moved = parse_plan(PLAN.replace("예타 완료(’25.1분기)", "예타 완료(’25.2분기)"))
    before = {m.title: m.id for m in plan.milestones}
    after = {m.title: m.id for m in moved.milestones}
    title = "글로벌우수기업연구소육성사업(GATC) 예타 완료"
    assert before[title] == after[title]
    assert next(m.due for m in moved.milestones if m.id == before[title]) == date(2025, 6, 30)


def test_press_release_prose_milestones_and_owners() -> None:
    found = _by_title(PRESS)
    factory = found["AI 팩토리 500개 구축"]
    assert (factory.kind, factory.starts, factory.due) == ("deadline", None, date(2030, 12, 31))
    assert factory.target == Target(500, "개") and factory.owner == "산업인공지능정책과"
    lab = found["「산연 공동연구실」 30개소 구축"]
    assert lab.owner == "지역경제총괄과" and lab.target == Target(30, "개소")
    chip = found["「K-온디바이스 AI 반도체 개발」 본격 착수"]
    assert chip.due == date(2026, 12, 31) and chip.expr == "올해"
    assert found["「산업도약 기술 프로젝트」 대형과제로 본격 추진"].owner == "산업기술정책과"


def test_press_release_history_is_skipped() -> None:
    plan = parse_plan(PRESS)
    assert all(m.due is None or m.due > date(2026, 1, 28) for m in plan.milestones)
    assert not any("간담회" in m.title for m in plan.milestones)


def test_plan_owner_comes_from_contact_block() -> None:
    plan = parse_plan(PLAN)
    assert {m.owner for m in plan.milestones} == {"산업기술정책과"}


def test_owner_never_a_person_or_phone() -> None:
    for plan in (parse_plan(PLAN), parse_plan(PRESS)):
        for m in plan.milestones:
            assert m.owner is None or (m.owner.endswith("과") and not any(c.isdigit() for c in m.owner))


def test_relative_years_use_given_doc_date() -> None:
    text = "ㅇ 신규 플랫폼 구축 올해 착수하고 내년 본격 운영"
    plan = parse_plan(text, doc_date=date(2027, 3, 1), plan_key="k")
    assert [(m.expr, m.due) for m in plan.milestones] == [
        ("올해", date(2027, 12, 31)),
        ("내년", date(2028, 12, 31)),
    ]
    assert all(m.id.startswith("k-") for m in plan.milestones)


def test_empty_binary_and_undated_inputs_are_clean() -> None:
    for text in ("", "\x00\x01\xff" * 1000, "ㅇ 날짜가 없는 문장\n□ 또 없음", "\ufffd" * 50, "'" * 10_000):
        plan = parse_plan(text)
        assert plan.milestones == () and plan.plan_key


_COUNT_CALLS = """
import sys
from services.ingest.parser import is_native, parse_plan
assert not is_native()
text = sys.stdin.read()
calls = 0
def count(frame, event, arg):
    global calls
    calls += event in ("call", "c_call")
sys.setprofile(count)
plan = parse_plan(text)
sys.setprofile(None)
print(calls, len(plan.milestones))
"""


def _calls(text: str) -> tuple[int, int]:
    """Function calls (Python and C) one parse makes in the pure-Python parser: a measure of work
    that a loaded machine cannot change (the compiled parser gives the same output; its speed is
    `make bench`'s)."""
    env = {**os.environ, "MTRACK_PURE_PARSER": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_CALLS], input=text, capture_output=True, text=True, env=env, check=True
    )
    calls, milestones = done.stdout.split()
    return int(calls), int(milestones)


@pytest.mark.parametrize(
    ("unit", "small"),
    [
        (PLAN, 1),  # a real plan, repeated
        ("('25.3월, '25~'29, 10억원) 가나 ", 1_000),  # one huge line with dense dates (was quadratic)
        ("ㅇ 과제 추진('25.3월) 및 " + "(" * 20 + "가" + ")" * 20 + " ", 300),  # nested parentheses
        ("정부는 2025년 6월까지 제도를 마련할 계획이다. ", 1_000),  # one long run of prose
    ],
    ids=["plan", "dense-dates-line", "parens", "prose-line"],
)
def test_work_grows_linearly_with_input(unit: str, small: int) -> None:
    calls_small, found_small = _calls(unit * small)
    calls_big, found_big = _calls(unit * small * 4)
    assert found_small and found_big
    assert calls_big <= 4.6 * calls_small  # linear, with slack for per-document constants


def test_one_huge_line_with_dense_dates_gives_its_milestone() -> None:
    plan = parse_plan("('25.3월, '25~'29, 10억원) 가나 " * 5_000)
    assert [m.expr for m in plan.milestones] == ["'25.3월"]


RELATIVE_PRESS = """보도자료
보도시점 2026. 3. 20.(금) 12:00
□ 과학기술정보통신부는 지난 3월 2일부터 13일까지 현장 의견을 수렴했다.
□ 과기정통부는 다음 달 10~14일 설명회를 열고, 오는 6월 말까지 세부 지침을 확정할 계획이다.
□ 또한 내년 상반기까지 관련 법령 개정을 완료할 계획이다.
"""


def test_press_release_prose_is_placed_by_its_dateline() -> None:
    plan = parse_plan(RELATIVE_PRESS)
    found = {(m.kind, m.starts, m.due) for m in plan.milestones}
    assert ("range", date(2026, 4, 10), date(2026, 4, 14)) in found
    assert ("deadline", None, date(2026, 6, 30)) in found
    assert ("deadline", None, date(2027, 6, 30)) in found
    assert all((m.due or date.max) > date(2026, 3, 20) for m in plan.milestones)  # 지난 3월: past


def test_relative_months_without_a_document_date_are_left_out() -> None:
    plan = parse_plan("ㅇ 다음 달 10~14일 설명회 개최\nㅇ 내달 세부 지침 확정")
    assert plan.milestones == ()


OTHER_STYLES = """2026년 해양수산 R&D 시행계획
2025. 12.
□ 스마트항만 구축
ㅇ 이행계획('26년)
 - 실증 착수 3월
 - 시스템 구축 5월~
 - 성능 검증 ~9월
□ 수소선박 개발 (추진일정)
 - 기본설계 완료 : '26.3월
□ 향후 계획
 - 결과 평가\t26.1Q
 - 시범사업 공모\t26.3
ㅇ 해양 데이터 플랫폼 운영('26부터)
ㅇ 항만 AI 관제 고도화('26.3월부터)
ㅇ 해양 안전 기본계획 수립('27년까지)
ㅇ 연안 관리 사업('26-'28) 추진
ㅇ 자율운항 선박 '26 시범 → '27 확산
"""


@pytest.mark.parametrize(
    ("title", "kind", "starts", "due"),
    [
        ("스마트항만 실증 착수", "deadline", date(2026, 3, 1), date(2026, 3, 31)),  # heading year, not 2025
        ("스마트항만 시스템 구축", "ongoing", date(2026, 5, 1), None),
        ("성능 검증", "deadline", None, date(2026, 9, 30)),
        ("수소선박 기본설계 완료", "deadline", date(2026, 3, 1), date(2026, 3, 31)),  # no `(추진일정)` in it
        ("결과 평가", "deadline", date(2026, 1, 1), date(2026, 3, 31)),  # 26.1Q: no apostrophe
        ("시범사업 공모", "deadline", date(2026, 3, 1), date(2026, 3, 31)),
        ("해양 데이터 플랫폼 운영", "ongoing", date(2026, 1, 1), None),
        ("항만 AI 관제 고도화", "ongoing", date(2026, 3, 1), None),
        ("해양 안전 기본계획 수립", "deadline", None, date(2027, 12, 31)),
        ("연안 관리 사업 추진", "program", date(2026, 1, 1), date(2028, 12, 31)),
    ],
)
def test_other_official_styles(title: str, kind: str, starts: date | None, due: date | None) -> None:
    found = {m.title: (m.kind, m.starts, m.due) for m in parse_plan(OTHER_STYLES).milestones}
    assert found[title] == (kind, starts, due)


def test_schedule_heading_year_is_not_a_milestone_and_stage_chains_are_stages() -> None:
    plan = parse_plan(OTHER_STYLES)
    assert not [m for m in plan.milestones if m.title.startswith("이행계획")]
    stages = sorted((m.due for m in plan.milestones if m.line == 17), key=str)
    assert stages == [date(2026, 12, 31), date(2027, 12, 31)]  # `'26 시범 → '27 확산`: not a baseline


BOARD_NOTICE = """2025년 6월 교육생 모집 안내
등록일: 2025. 5. 26.
○ 2025년 교육생 모집 개요
○ 행사 일시 : 2025. 6. 12.(목) 15:00 ~ 18:00
○ 접수기간 : 6. 2. ~ 6. 9.
○ 결과발표 : 6. 20.(금)
○ 평가기간: 2024.10.1.~2025.1.30.
○ 지난 설명회 : 5. 12.(월)
"""


def test_a_board_notice_gives_its_steps_and_not_its_title_date_or_history() -> None:
    plan = parse_plan(BOARD_NOTICE)
    found = [(m.kind, m.starts, m.due) for m in plan.milestones]
    assert found == [
        ("deadline", date(2025, 6, 12), date(2025, 6, 12)),  # the hours of one day, not `from 6.12`
        ("range", date(2025, 6, 2), date(2025, 6, 9)),  # no year: the posting date's
        ("deadline", date(2025, 6, 20), date(2025, 6, 20)),
    ]  # not: the title's June, the programme's year, the posting date, periods ended before it
    assert plan.doc_date == date(2025, 5, 26)


def test_days_with_no_year_are_left_out_when_nothing_dates_the_document() -> None:
    assert parse_plan("모집 안내\n○ 접수기간 : 6. 2. ~ 6. 9.\n").milestones == ()


def test_a_period_stated_twice_is_one_milestone() -> None:
    text = (
        "장학생 모집 안내\n"
        "□ 신청은 2024년 8월 14일(수)부터 9월 11일(수)까지 받는다.\n"
        "○ 신청기간: 2024. 8. 14.(수) ~ 9. 11.(수)\n"
        "○ 서류 제출: 2024. 9. 11.(수)까지\n"
    )
    plan = parse_plan(text)
    assert [(m.kind, m.starts, m.due) for m in plan.milestones] == [
        ("range", date(2024, 8, 14), date(2024, 9, 11))
    ]


def test_distinct_steps_on_one_day_stay_apart() -> None:
    text = "심의 일정 안내\n- 심의 개최일 : [11차] 2025. 6. 11.(수) / [12차] 2025. 6. 25.(수)\n"
    text += "※ 심의 신청은 [11차] 2025. 5. 28.(수) / [12차] 2025. 6. 11.(수) 18:00까지\n"
    dues = sorted(m.due for m in parse_plan(text).milestones if m.due)
    assert dues == [date(2025, 5, 28), date(2025, 6, 11), date(2025, 6, 11), date(2025, 6, 25)]


@pytest.mark.parametrize(
    "line",
    [
        "□ 2024년 3분기 해외직접투자는 전년 동기 대비 10.2% 증가한 150억 달러를 기록했다.",
        "○ '24년 말 기준 가입자 120만명",
        "○ 2023년 12월 말 현재 등록 업체는 3,200개소이다.",
        "○ 2022. 12. 31. 이전 설치하여 운영 중인 시설",
        "○ 출생년월일이 1990. 1. 1. ~ 2007. 12. 31.인 자",
        "○ 제조일: 2025.3.11. / 소비기한: 2027.3.10.",
        "○ 기준기간: 2024.06.01. ~ 2025.5.31.",
        "○ 2025. 5. 27.(화) 14시 부로 오존 주의보가 발령되었습니다.",
        "○ 2024.10.1.~2025.1.30. 평가를 실시하였습니다.",
    ],
)
def test_facts_about_a_date_are_not_milestones(line: str) -> None:
    assert parse_plan(f"공지 안내\n{line}\n").milestones == ()


def test_a_past_clause_drops_its_date_only() -> None:
    text = "공지 안내\n○ '24.3월 계획을 수립하였으며, '25.6월까지 시스템을 구축할 예정이다.\n"
    assert [m.due for m in parse_plan(text).milestones] == [date(2025, 6, 30)]


def test_a_decision_told_in_the_past_tense_is_a_milestone() -> None:
    text = "보도자료\n보도시점 2025. 1. 10.(금)\n정부는 2026년 3월까지 관련 법령을 개정하기로 했다.\n"
    assert [m.due for m in parse_plan(text).milestones] == [date(2026, 3, 31)]


SIGNED_NOTICE = """서울특별시 공고 제2025-1호
교육생 모집 공고
2025년 5월 26일
서울특별시장
1. 접수기간: 2025. 6. 2.(월) ~ 6. 9.(월)
2. 설명회: 2025. 3. 4.(화) 개최
3. 결과발표 : 2025. 6. 20.(금)
"""


def test_a_signed_notice_is_dated_by_its_signature_and_its_numbered_items_are_read() -> None:
    plan = parse_plan(SIGNED_NOTICE)
    assert plan.doc_date == date(2025, 5, 26)
    assert [(m.starts, m.due, m.title) for m in plan.milestones] == [
        (date(2025, 6, 2), date(2025, 6, 9), "교육생 모집 접수"),
        (date(2025, 6, 20), date(2025, 6, 20), "결과발표"),
    ]  # the March briefing was before the notice's date


def test_a_results_announcement_day_is_not_the_document_date() -> None:
    labelled = "청년 인턴 모집 공고\n발표일: 2025. 2. 3.\n○ 합격자 발표일: 2025. 3. 10.(월)\n"
    assert parse_plan(labelled).doc_date == date(2025, 2, 3)
    signed = "청년 인턴 모집 공고\n○ 합격자 발표일: 2025. 3. 10.(월)\n○ 접수: 2. 10. ~ 2. 14.\n2025. 2. 3.\n종로구청장\n"
    assert parse_plan(signed).doc_date == date(2025, 2, 3)
