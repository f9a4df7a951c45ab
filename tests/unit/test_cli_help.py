"""Newcomer polish: `mtrack --version`, and every option and argument of every subcommand has help text."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from mtrack.cli import _parser, main


def _walk(parser: argparse.ArgumentParser, path: str = "mtrack") -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _walk(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            found.append((path, action))
    return found


def test_every_option_has_help_text() -> None:
    actions = _walk(_parser())
    assert len(actions) > 10
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.dest}" for path, a in actions if not (a.help or "").strip()
    ]
    assert missing == [], f"options without help: {missing}"


def test_every_subcommand_has_help_text() -> None:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            described = {choice.dest for choice in action._choices_actions}
            assert described == set(action.choices), (
                f"subcommands without help: {set(action.choices) - described}"
            )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"mtrack {version('mtrack')}"
