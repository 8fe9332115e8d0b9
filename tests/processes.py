"""What the bot's processes hold, as the reply-rate and budget tests build them: the
reply bot with its limiter, and one database as two processes see it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telegram.ext import ExtBot

from bot.replies import LocalSlots, ReplyLimiter, ReplySlots
from bot.sandbox import Sandbox
from bot.sender_http import AiohttpRequest
from storage.backends import open_database
from storage.db import Database


async def reply_bot(
    sb: Sandbox, *, local: LocalSlots | None = None, shared: ReplySlots | None = None
) -> ExtBot[Any]:
    """A bot process's reply bot: the application's ExtBot with its ReplyLimiter, taking
    slots from the in-process pacer (local) or the shared schedule (shared)."""
    limiter = ReplyLimiter(max_retries=3)
    limiter.local, limiter.shared = local, shared
    bot: ExtBot[Any] = ExtBot(
        sb.token,
        base_url=sb.base_url,
        request=AiohttpRequest(read_timeout=10),
        rate_limiter=limiter,
    )
    await bot.initialize()
    return bot


@contextlib.asynccontextmanager
async def two_databases(tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    """One database as two processes see it: two pools on PostgreSQL; on SQLite (one
    writer per file) one connection marked shared."""
    first = await open_database(tmp_path / "bot.db")
    if first.shared:
        second = await open_database(tmp_path / "bot.db")
    else:
        first.shared = True
        second = first
    try:
        yield first, second
    finally:
        if second is not first:
            await second.close()
        await first.close()


@contextlib.asynccontextmanager
async def one_process_database(tmp_path: Path) -> AsyncIterator[Database]:
    """The database as the one process holding it sees it (SQLite's case; the same on a
    PostgreSQL database): nothing is booked in it for other processes."""
    db = await open_database(tmp_path / "bot.db")
    db.shared = False
    try:
        yield db
    finally:
        await db.close()


def assert_within_limits(sb: Sandbox) -> None:
    """Nothing was refused or throttled for going over Telegram's limits."""
    stats = sb.stats()
    assert stats["rate_limited"] == 0 and stats["too_many_requests"] == 0, stats
