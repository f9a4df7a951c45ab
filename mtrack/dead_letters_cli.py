"""`mtrack dead-letters list|replay`: what the consumers and relays set aside, and sending one back."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "dead-letters", help="list dead letters and quarantined outbox rows, or replay one after a fix"
    )
    actions = parser.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="newest first")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--limit", type=int, default=100, help="how many, newest first (default: 100)")
    listing.set_defaults(func=_list)
    again = actions.add_parser(
        "replay", help="publish a dead letter's original value to its topic again (once), or release "
        "a quarantined outbox row (outbox:ID) to the relay"
    )  # fmt: skip
    again.add_argument("id", help="an id from `mtrack dead-letters list`")
    again.set_defaults(func=_replay)


def _list(args: argparse.Namespace) -> int:
    entries = asyncio.run(_entries(args.limit))
    if args.json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False))
        return 0
    if not entries:
        print("no dead letters")
        return 0
    from mtrack.table import render

    rows = [
        [
            e["id"],
            (e["at"] or "")[:19],
            e["consumer"],
            e["stage"],
            f"{e['topic']}" + (f"[{e['partition']}]@{e['offset']}" if e["offset"] is not None else ""),
            f"{e['value_length']:,}B",
            "replayed" if e["replayed_at"] else "",
            e["reason"] or "",
        ]
        for e in entries
    ]
    headers = ["id", "at", "consumer", "stage", "record", "size", "", "reason"]
    print(render(headers, rows, [14, 20, 14, 8, 48, 12, 9, 80]))
    return 0


async def _entries(limit: int) -> list[dict[str, Any]]:
    from shared.db import make_engine, make_sessionmaker
    from shared.dead_letters import list_entries
    from shared.settings import DatabaseSettings

    engine = make_engine(DatabaseSettings().database_url, pool_size=1)  # type: ignore[call-arg]
    try:
        return await list_entries(make_sessionmaker(engine), limit=limit)
    finally:
        await engine.dispose()


def _replay(args: argparse.Namespace) -> int:
    try:
        outcome = asyncio.run(_replay_one(args.id))
    except (LookupError, ValueError) as err:
        print(f"mtrack dead-letters replay: {err}", file=sys.stderr)
        return 2
    print(("replayed " if outcome.published else "not replayed ") + f"{outcome.id}: {outcome.detail}")
    return 0


async def _replay_one(entry_id: str) -> Any:
    from aiokafka import AIOKafkaProducer

    from shared.db import make_engine, make_sessionmaker
    from shared.dead_letters import replay
    from shared.settings import DatabaseSettings, KafkaSettings

    if not entry_id.removeprefix("outbox:").isdigit():
        raise ValueError(f"{entry_id!r} is not an id from `mtrack dead-letters list` (N or outbox:N)")
    engine = make_engine(DatabaseSettings().database_url, pool_size=1)  # type: ignore[call-arg]
    producer = AIOKafkaProducer(
        bootstrap_servers=KafkaSettings().kafka_bootstrap_servers,  # type: ignore[call-arg]
        acks="all",
        enable_idempotence=False,
        max_request_size=16 * 1024 * 1024,  # the original value, whatever its size; the broker decides
    )
    await producer.start()
    try:
        return await replay(make_sessionmaker(engine), producer, entry_id)
    finally:
        await producer.stop()
        await engine.dispose()
