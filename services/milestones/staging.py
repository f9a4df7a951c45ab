"""Batches staged one behind another: batch N+1 is applied (up to its commit) while batch N commits, so
the service's Python and PostgreSQL work overlap (the consumer loop drives it: `shared.kafka`).

Two batches open at once must not see each other wrong:
- they take their event ids and row locks in arrival order (`claims`, held from a batch's start until
  it has locked its rows), so a later batch may wait in PostgreSQL for an earlier one, never the reverse;
- a milestone both touch is locked by the earlier one, or was created by it and is not yet visible to
  the later one (no row to lock, so PostgreSQL alone would not make it wait). The later batch starts
  from the earlier one's rows as that will commit them (`Carry.rows`), and once it has committed locks
  the real rows and compares (`differing`); if any differ (the sweep got to one first), its rules run
  again on the real rows before anything is written."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.milestones.domain import Milestone
from services.milestones.store import WRITABLE_VALUES

if TYPE_CHECKING:
    from services.milestones.handlers import BatchOutcome


def _future() -> asyncio.Future[bool]:
    return asyncio.get_running_loop().create_future()


@dataclass
class Carry:
    """What a batch staged behind this one needs from it."""

    subjects: frozenset[str]
    rows: dict[str, Milestone] = field(default_factory=dict)  # its milestones as it will commit them
    computed: asyncio.Future[bool] = field(default_factory=_future)  # rows set (False: it failed)
    ended: asyncio.Future[bool] = field(default_factory=_future)  # True once committed; False: not

    def done(self, rows: dict[str, Milestone]) -> None:
        self.rows = rows  # the caller's own dict, built for this
        if not self.computed.done():
            self.computed.set_result(True)

    def end(self, committed: bool) -> None:
        for future in (self.computed, self.ended):
            if not future.done():
                future.set_result(committed)


class AheadFailed(Exception):
    """The batch staged ahead of this one did not commit: this one is given up and applied again."""


class StagingLine:
    def __init__(self) -> None:
        self.claims = asyncio.Lock()
        self.last: Carry | None = None  # the batch staged last

    def join(self, subjects: frozenset[str]) -> tuple[Carry | None, Carry]:
        """(the batch staged ahead, if still open; this batch's carry). Call holding `claims`."""
        ahead = self.last if self.last is not None and not self.last.ended.done() else None
        self.last = mine = Carry(subjects)
        return ahead, mine


def differing(guess: Mapping[str, Milestone], real: Mapping[str, Milestone], ids: list[str]) -> list[str]:
    """The milestones among `ids` whose stored row is not the one guessed (present or not, or any
    written column: `updated_at` and `created_at` are the store's own)."""
    out = []
    for i in ids:
        g, r = guess.get(i), real.get(i)
        if g is None or r is None:
            if (g is None) != (r is None):
                out.append(i)
        elif WRITABLE_VALUES(g.__dict__) != WRITABLE_VALUES(r.__dict__):
            out.append(i)
    return out


class StagedBatch:
    """A batch applied inside its own open transaction: `commit` makes it durable, `abort` undoes it."""

    def __init__(self, outcome: BatchOutcome, exits: AsyncExitStack, carry: Carry | None = None) -> None:
        self.outcome = outcome
        self.carry = carry
        self._exits = exits

    async def commit(self) -> BatchOutcome:
        try:
            await self._exits.aclose()
        except BaseException:
            self._end(False)
            raise
        self._end(True)
        return self.outcome

    async def abort(self) -> None:
        err = _Aborted()
        try:
            await self._exits.__aexit__(type(err), err, None)  # the transaction rolls back
        finally:
            self._end(False)

    def _end(self, committed: bool) -> None:
        if self.carry is not None:
            self.carry.end(committed)


class _Aborted(Exception):
    """A staged batch given up (the batch ahead of it failed): its transaction rolls back."""
