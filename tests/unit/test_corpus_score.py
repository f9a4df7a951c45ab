"""The corpus scorer's title rule (bench/corpus_score.py): what counts as naming the same thing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from corpus_score import same_title


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("운정~서울역 구간 개통", "운정~서울역 구간을 개통"),  # every word of the label
        ("청년 행정체험연수 신청 접수", "신청 접수"),  # contained, a third of the label
        ("국가장학금 2차 신청", "2학기 국가장학금 2차 신청"),  # the label inside a longer title
        ("마을소액사업 공모 접수", "마을소액사업 공모 접수 기간"),
    ],
)
def test_names_the_same_thing(label: str, title: str) -> None:
    assert same_title(label, title)


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("공모전 접수", "접수"),  # two letters name no call
        ("마을공동체 지원사업 선정 발표", "발표"),
        ("정부 이전계획 변경(안) 공청회", "공청회"),  # a quarter of the label
        ("서울꿈새김판 문안 공모 결과발표", "결과발표"),
        ("과제 선정 결과 발표", "연구장비 도입"),
    ],
)
def test_a_generic_or_other_title_is_not_the_label(label: str, title: str) -> None:
    assert not same_title(label, title)
