import json

import pytest

from services.ingest.imports import ImportRejected, read_rows

CSV = """id,title,due,starts,owner,section,target_value,target_unit,status
rnd-1,리빙랩 확대,2025-12-31,,산업기술정책과,전략 3 > 융합신산업,10,개,
rnd-2,제도정비 과제 발굴,2025-09-30,2025-01-01,산업규제혁신과,,,,in_progress
"""


def test_csv_rows_become_milestones() -> None:
    first, second = read_rows(CSV, "text/csv")
    assert first.subject() == "rnd-1" and first.target and first.target.value == 10
    assert first.section == ["전략 3", "융합신산업"] and first.inferred_kind() == "deadline"
    assert second.inferred_kind() == "range" and second.status == "in_progress"


def test_json_rows_become_milestones() -> None:
    rows = read_rows(
        json.dumps(
            [{"title": "AI 팩토리 구축", "due": "2030-12-31", "owner": "산업인공지능정책과"}],
            ensure_ascii=False,
        ),
        "application/json",
    )
    assert rows[0].title == "AI 팩토리 구축" and rows[0].subject().startswith("api-")


def test_every_bad_row_is_named_and_nothing_passes() -> None:
    owner = "산업기술정책과"
    text = f"title,due,starts,owner\n좋은 행,2025-01-31,,{owner}\n,2025-01-31,,{owner}\n기한 없음,,,{owner}\n뒤집힘,2025-01-01,2025-05-01,{owner}\n"
    with pytest.raises(ImportRejected) as caught:
        read_rows(text, "text/csv")
    assert str(caught.value) == "3 of 4 rows are invalid; nothing was imported"
    assert [r.row for r in caught.value.rows] == [3, 4, 5]
    assert "title" in caught.value.rows[0].errors[0]
    assert "needs `due`, `starts`" in caught.value.rows[1].errors[0]
    assert "after due" in caught.value.rows[2].errors[0]


@pytest.mark.parametrize(
    ("text", "media", "reason"),
    [
        ("due\n2025-01-01\n", "text/csv", "needs a `title` column"),
        ("title,colour\nx,red\n", "text/csv", "unknown CSV columns: colour"),
        ("title\n", "text/csv", "no rows"),
        ('{"title": "x"}', "application/json", "must be an array"),
        ("[{", "application/json", "not valid JSON"),
    ],
)
def test_bad_imports_say_why(text: str, media: str, reason: str) -> None:
    with pytest.raises(ImportRejected, match=reason):
        read_rows(text, media)
