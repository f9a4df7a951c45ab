"""The `mtrack` command: run the stack, serve one service, migrate, parse a plan, run a job once."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import date
from pathlib import Path

SERVICES = ("ingest", "milestones", "notifier")


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    args = _parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValidationError as err:
        print(f"mtrack {args.func.__name__.strip('_')}: bad or missing settings:", file=sys.stderr)
        for problem in err.errors():
            name = ".".join(str(p) for p in problem["loc"])
            print(f"  {name}: {problem['msg']}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtrack", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="the whole stack on embedded defaults (or the configured servers)")
    run.add_argument("--state-dir", type=Path, default=Path(".mtrack"))
    run.add_argument("--ports", default="8001,8002,8003", help="ingest,milestones,notifier")
    run.add_argument("--now", help="pin the service clock, e.g. 2025-04-01 (default: the real date)")
    run.add_argument("--plans", type=Path, default=Path("examples/plans"), help="folder of plans to ingest")
    run.set_defaults(func=_run)

    serve = sub.add_parser("serve", help="one service, configured from the environment only")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")) or None)
    serve.set_defaults(func=_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema to head (Alembic)")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=_migrate)

    parse = sub.add_parser("parse", help="print the milestones found in a plan document; publishes nothing")
    parse.add_argument("file", type=Path)
    parse.add_argument("--doc-date", type=date.fromisoformat)
    parse.add_argument("--plan-key")
    parse.add_argument("--format", choices=("json", "table"), default="json")
    parse.add_argument("--owner-rules", type=Path, help="JSON owner overrides (by_id, by_keyword)")
    parse.set_defaults(func=_parse)

    jobs = sub.add_parser("jobs", help="list the scheduled jobs, or run one once")
    jobs.add_argument("action", choices=("list", "run"))
    jobs.add_argument("name", nargs="?")
    jobs.add_argument("--now", help="pin the clock for this run")
    jobs.set_defaults(func=_jobs)

    from mtrack import dead_letters_cli

    dead_letters_cli.add_parser(sub)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mtrack import services
    from mtrack.run import die_with_parent

    die_with_parent()
    default_port = 8001 + SERVICES.index(args.service)
    app = services.build(args.service)
    uvicorn.run(app, host=args.host, port=args.port or default_port, log_config=None, access_log=False)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from mtrack.migrate import upgrade
    from shared.settings import DatabaseSettings

    upgrade(DatabaseSettings().database_url, args.revision)  # type: ignore[call-arg]
    print(f"database schema at {args.revision}")
    return 0


def _parse(args: argparse.Namespace) -> int:
    from services.ingest.documents import DocumentError, read_document
    from services.ingest.owner_rules import load_owner_rules
    from services.ingest.parser import parse_plan

    try:
        text = read_document(args.file.read_bytes(), "text/plain")
    except (OSError, DocumentError) as err:
        print(f"mtrack parse: {args.file}: {err}", file=sys.stderr)
        return 2
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


def _jobs(args: argparse.Namespace) -> int:
    from mtrack import services

    if args.action == "list":
        for name, seconds in services.job_schedule().items():
            print(f"{name}\tevery {seconds:g}s")
        return 0
    if not args.name:
        print("mtrack jobs run: name a job (see `mtrack jobs list`)", file=sys.stderr)
        return 2
    result = asyncio.run(services.run_job_once(args.name, now=args.now))
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _run(args: argparse.Namespace) -> int:
    from mtrack.run import run_stack

    ports = [int(p) for p in args.ports.split(",")]
    if len(ports) != 3:
        print("mtrack run: --ports takes three ports: ingest,milestones,notifier", file=sys.stderr)
        return 2
    return run_stack(
        state_dir=args.state_dir,
        ports=dict(zip(SERVICES, ports, strict=True)),
        now=args.now,
        plans=args.plans,
    )


if __name__ == "__main__":
    sys.exit(main())
