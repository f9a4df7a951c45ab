"""`mtrack parse FILE`: the milestones of a plan document in any format ingest accepts, or with
`--text` the text extracted from it, numbered as the `line` of each milestone counts."""

from __future__ import annotations

import argparse
import json
import os
import sys


def run(args: argparse.Namespace) -> int:
    from services.ingest.documents import DocumentError, read_document_as

    content_type = f"application/octet-stream; charset={args.charset}" if args.charset else None
    try:
        kind, text = read_document_as(args.file.read_bytes(), content_type)
    except (OSError, DocumentError) as err:
        print(f"mtrack parse: {args.file}: {err}", file=sys.stderr)
        return 2
    try:
        return _numbered(args, kind, text) if args.text else _milestones(args, text)
    except BrokenPipeError:  # `mtrack parse --text FILE | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _numbered(args: argparse.Namespace, kind: str, text: str) -> int:
    lines = text.splitlines()
    width = len(str(len(lines)))
    for number, line in enumerate(lines, start=1):
        print(f"{number:>{width}}  {line}")
    print(f"mtrack parse: {args.file}: {kind}, {len(lines)} lines", file=sys.stderr)
    return 0


def _milestones(args: argparse.Namespace, text: str) -> int:
    from services.ingest.owner_rules import load_owner_rules
    from services.ingest.parser import parse_plan

    plan = load_owner_rules(args.owner_rules).apply(
        parse_plan(text, doc_date=args.doc_date, plan_key=args.plan_key)
    )
    items = [m.to_json() for m in plan.milestones]
    if args.format == "json":
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        from mtrack.table import milestone_table

        print(milestone_table(items))
    return 0
