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
