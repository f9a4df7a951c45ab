"""Titled recall and precision of the parser on the development corpus (tests/corpus: documents of
other ministries, agencies and local governments, labelled by hand; sources in its SOURCES.md) and
on the two sample plans (their reviewed golden files), per document and in total.

A label is found when a milestone has the same due date (and start, when the label has one) and a
title that names the same thing: one title contains the other (the contained one of at least
MIN_CONTAINED letters and a third of the other's: `접수`, `발표` or `공청회` alone do not name
`공모전 접수`, `… 선정 발표` or `정부 이전계획 변경(안) 공청회`, though their dates agree), or their
character bigrams overlap (Dice >= 0.5) after spaces and punctuation are removed, or every word of the label (two letters or
more) occurs in the milestone's title. The last rule is containment that allows the parser's title to
keep the particles and word order of the source (`운정~서울역 구간을 개통` for the label
`운정~서울역 구간 개통`); it is not lax, since no word of the label may be missing and the dates
must still be equal. Each milestone matches at most one label;
a milestone that matches none is a wrong item (it would be an e-mail to an officer)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.ingest.documents import read_document  # noqa: E402
from services.ingest.parser import ParsedMilestone, parse_plan  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
GOLDEN = ROOT / "tests" / "unit" / "parser" / "golden"
SAMPLES = ROOT / "examples" / "plans"
DOCUMENT_SUFFIXES = (".txt", ".hwp", ".hwpx", ".pdf", ".docx")
_NOT_LETTERS = re.compile(r"[^0-9A-Za-z가-힣]")
MIN_DICE = 0.5
MIN_CONTAINED = 3  # letters; and at least a third of the containing title's (see the docstring)


@dataclass(frozen=True)
class Label:
    title: str
    starts: date | None
    due: date | None


def _date(text: str) -> date | None:
    text = text.strip()
    return None if text in ("", "None") else date.fromisoformat(text)


def read_labels(path: Path) -> list[Label]:
    """`line | expr | kind | starts | due | title | owner`, the other-style golden format."""
    labels = []
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        cells = [cell.strip() for cell in row.split(" | ")]
        labels.append(Label(title=cells[5], starts=_date(cells[3]), due=_date(cells[4])))
    return labels


def _bigrams(text: str) -> set[str]:
    letters = _NOT_LETTERS.sub("", text)
    return {letters[i : i + 2] for i in range(len(letters) - 1)} or {letters}


def _label_words(text: str) -> list[str]:
    return [w for w in (_NOT_LETTERS.sub("", part) for part in text.split()) if len(w) >= 2]


def same_title(a: str, b: str) -> bool:
    """`a`: the label's title, `b`: the milestone's."""
    x, y = _NOT_LETTERS.sub("", a), _NOT_LETTERS.sub("", b)
    short, longer = sorted((x, y), key=len)
    if short in longer and len(short) >= MIN_CONTAINED and 3 * len(short) >= len(longer):
        return True
    words = _label_words(a)
    if words and all(w in y for w in words):
        return True
    ga, gb = _bigrams(a), _bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) >= MIN_DICE


def matches(label: Label, item: ParsedMilestone) -> bool:
    if item.due != label.due or (label.starts is not None and item.starts != label.starts):
        return False
    return same_title(label.title, item.title)


def score(labels: list[Label], items: tuple[ParsedMilestone, ...]) -> tuple[int, int, int]:
    """(labels found, labels, milestones emitted): greedy one-to-one matching in document order."""
    used: set[int] = set()
    found = 0
    for label in labels:
        for index, item in enumerate(items):
            if index not in used and matches(label, item):
                used.add(index)
                found += 1
                break
    return found, len(labels), len(items)


def corpus_documents() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in DOCUMENT_SUFFIXES)


def held_out_sets() -> list[tuple[str, list[str]]]:
    """The sets of tests/corpus/HELD_OUT, in order: runs of names separated by comment lines, each named
    by the last comment line before it that says `held-out set` (up to a parenthesis or colon). Their
    documents were not looked at while the parser was tuned (each set until its first run)."""
    path = CORPUS / "HELD_OUT"
    rows = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    sets: list[tuple[str, list[str]]] = []
    name, after_comment = "held-out set", True
    for row in (r.strip() for r in rows):
        if not row:
            continue
        if row.startswith("#"):
            if "held-out set" in row.lower():
                name = re.split(r"[(:,]", row.lstrip("# "), maxsplit=1)[0].strip()
            after_comment = True
            continue
        if after_comment:
            sets.append((name, []))
            after_comment = False
        sets[-1][1].append(row)
    return sets


def held_out() -> set[str]:
    """Every name listed in tests/corpus/HELD_OUT."""
    return {name for _, names in held_out_sets() for name in names}


def _row(name: str, found: int, labels: int, emitted: int) -> dict[str, object]:
    return {
        "document": name,
        "labels": labels,
        "emitted": emitted,
        "found": found,
        "recall": round(found / labels, 3) if labels else None,
        "precision": round(found / emitted, 3) if emitted else None,
    }


def run() -> dict[str, object]:
    rows = []
    sets = held_out_sets()
    set_of = {name: index for index, (_, names) in enumerate(sets) for name in names}
    tuning = [0, 0, 0]
    per_set = [[0, 0, 0] for _ in sets]
    for path in corpus_documents():
        text = read_document(path.read_bytes(), None)
        result = score(read_labels(path.with_suffix(".expected")), parse_plan(text).milestones)
        rows.append(_row(path.name, *result))
        index = set_of.get(path.name)
        part = tuning if index is None else per_set[index]
        part[:] = [t + r for t, r in zip(part, result, strict=True)]
    samples = []
    for golden in sorted(GOLDEN.glob("*.json")):
        data = json.loads(golden.read_text(encoding="utf-8"))
        labels = [
            Label(m["title"], _date(m["starts"] or ""), _date(m["due"] or "")) for m in data["milestones"]
        ]
        text = (SAMPLES / golden.with_suffix(".txt").name).read_text(encoding="utf-8")
        samples.append(_row(golden.stem, *score(labels, parse_plan(text).milestones)))
    held = [sum(column) for column in zip(*per_set, strict=True)] if sets else [0, 0, 0]
    both = [a + b for a, b in zip(tuning, held, strict=True)]
    return {
        "benchmark": "corpus_score",
        "documents": len(rows),
        "corpus": rows,
        "tuning": _row("corpus tuning part", *tuning),
        "held_out_sets": [
            _row(f"{title} ({len(names)} docs)", *part)
            for (title, names), part in zip(sets, per_set, strict=True)
        ],
        "held_out": _row(f"corpus held-out part ({len(set_of)} docs)", *held),
        "total": _row("corpus total", *both),
        "samples": samples,
    }


def main() -> None:
    result = run()
    rows = [
        *result["corpus"],  # type: ignore[misc]
        result["tuning"],
        *result["held_out_sets"],
        result["held_out"],
        result["total"],
        *result["samples"],
    ]
    for row in rows:
        print(
            f"{row['document'][:44]:<44} labels {row['labels']:>3}  emitted {row['emitted']:>3}  "
            f"recall {row['recall'] if row['recall'] is not None else '-':>5}  "
            f"precision {row['precision'] if row['precision'] is not None else '-':>5}"
        )
    summary = {
        key: result[key] for key in ("benchmark", "tuning", "held_out_sets", "held_out", "total", "samples")
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
