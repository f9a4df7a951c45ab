"""`mtrack directory draft`: departments, managers, officers and phones from a plan's contact table;
addresses left for a person to fill (the draft does not load until they are)."""

import pytest
import yaml
from pydantic import ValidationError

from mtrack.cli import main
from shared.directory import Directory
from tests.conftest import EXAMPLES


def test_press_release_contact_table_becomes_a_draft(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    plan = EXAMPLES / "2026-01-28_industrial_rnd_innovation_press_release.txt"
    assert main(["directory", "draft", str(plan)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 조직 명부 초안")
    doc = yaml.safe_load(out)
    by_name = {d["name"]: d for d in doc["departments"]}
    assert list(by_name) == [
        "산업기술정책과",
        "산업기술시장과",
        "산업규제혁신과",
        "지역경제총괄과",
        "산업인공지능정책과",
    ]
    policy = by_name["산업기술정책과"]
    assert policy["manager"] == {"name": "고상미", "email": "", "phone": "044-203-4510"}
    assert [(o["name"], o["phone"]) for o in policy["officers"]] == [
        ("한해원", "044-203-4515"),
        ("조문규", "044-203-4513"),
    ]
    assert policy["aliases"] == ["산업기술정책관 산업기술정책과"]
    assert all(not o["email"] for d in doc["departments"] for o in d["officers"])
    with pytest.raises(ValidationError):  # not usable until a person fills in the addresses
        Directory.model_validate(doc)


def test_plan_closing_block_and_output_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "draft.yaml"
    assert (
        main(
            [
                "directory",
                "draft",
                str(EXAMPLES / "2025_industrial_tech_innovation_plan.txt"),
                "-o",
                str(target),
            ]
        )
        == 0
    )
    (dept,) = yaml.safe_load(target.read_text(encoding="utf-8"))["departments"]
    assert dept["name"] == "산업기술정책과" and dept["manager"]["name"] == "정권"
    assert dept["officers"] == [{"name": "조영길", "email": "", "phone": "044-203-4515"}]
    assert "example.com" not in target.read_text(encoding="utf-8")  # the document's address is not copied


def test_unreadable_plan_is_a_clear_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["directory", "draft", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
