"""Several processes on one database: who a process is, the send budget they share, and
jobs that run in one of them.

Every bot and worker process has a holder id (host, pid and a random part, so two
instances in one test process differ). Jobs (feed polls, digests) run only in the
process that holds the job's lease (storage.leases); the holder renews it on every
tick and while a run lasts, and when it dies the lease runs out and the next process to
tick takes the job over. On SQLite (one process per file) the same code runs, with
one process taking every lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.pacing import group_schedule
from storage import leases
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

SEND_SCHEDULE = "global"  # the send budget every worker and every reply takes permits of
FREE_SCHEDULE = "free"  # with paid broadcasts: the free 30/s, which replies alone use
__all__ = ["FREE_SCHEDULE", "SEND_SCHEDULE", "group_schedule"]  # group rows: bot.pacing


def new_holder(role: str) -> str:
    return f"{role}@{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def permit_taker(
    db: Database, holder: str, name: str = SEND_SCHEDULE
) -> Callable[[int, int, int, float], Awaitable[int]]:
    """bot.pacing.SharedPermits' take: permits of the database's budget `name`."""

    async def take(occupied: int, wanted: int, limit: int, lease_s: float) -> int:
        return await leases.take_permits(
            db,
            name,
            holder,
            occupied=occupied,
            wanted=wanted,
            limit=limit,
            now=time.time(),
            lease_s=lease_s,
        )

    return take


def schedule_booker(db: Database) -> Callable[[str, float, float], Awaitable[float]]:
    """bot.replies.ReplySlots' reserve: one slot on a named schedule, not before a time."""

    async def reserve(name: str, interval_s: float, not_before: float) -> float:
        return await leases.reserve_slots(db, name, count=1, interval_s=interval_s, now=not_before)

    return reserve


def groups_booker(db: Database) -> Callable[[dict[str, float], float], Awaitable[dict[str, float]]]:
    """bot.pacing.GroupSlots' reserve: one slot on each of several schedules at once."""

    async def reserve(wanted: dict[str, float], interval_s: float) -> dict[str, float]:
        return await leases.reserve_each(db, wanted, interval_s=interval_s)

    return reserve


class JobLease:
    """Run a job only while this process holds its lease.

    The lease lasts one check interval plus `grace_s`: the holder keeps it from tick to
    tick, and another process takes the job once the holder missed a tick by grace_s."""

    def __init__(
        self, db: Database, name: str, holder: str, *, check_s: float, grace_s: float
    ) -> None:
        self.db = db
        self.name = name
        self.holder = holder
        self.lease_s = check_s + grace_s
        self.renew_every_s = max(0.5, grace_s / 3)
        self.runs = 0

    async def run(self, job: Callable[[], Awaitable[T]]) -> T | None:
        """The job's result when this process held the lease and ran it, else None."""
        if not await self._take():
            return None
        renewing = asyncio.create_task(self._keep())
        try:
            self.runs += 1
            return await job()
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def release(self) -> None:
        """A clean stop hands the job on at once instead of after the lease."""
        with contextlib.suppress(Exception):
            await leases.release(self.db, self.name, self.holder)

    async def _take(self) -> bool:
        return await leases.take(
            self.db, self.name, self.holder, now=time.time(), lease_s=self.lease_s
        )

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every_s)
            try:
                if not await self._take():
                    log.warning("job %s: lease lost during a run", self.name)
                    return
            except Exception as error:  # the run goes on; the next tick decides
                log.warning("job %s: lease not renewed: %s", self.name, type(error).__name__)
