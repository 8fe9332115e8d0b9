"""An update the bot cannot store (database read-only, disk full) is not confirmed to
Telegram and not lost: polling backs off, logs one line, and handles it once the
database takes writes again (issue 12 follow-up)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.harness import LocalBot
from bot.updates import JournalQueue
from storage import updates as journal_rows
from tests.stored import sqlite_of

READER = 2002


@pytest.mark.sqlite_only("the fault is injected with PRAGMA query_only")
async def test_an_update_that_cannot_be_stored_is_kept_by_telegram_until_it_can(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.updates")
    async with LocalBot(tmp_path / "bot.db") as local:
        sb = local.sandbox
        db = local.services.db
        assert local.app is not None
        queue = local.app.update_queue
        assert isinstance(queue, JournalQueue)
        await sqlite_of(db).conn.execute("PRAGMA query_only = ON")  # every write now fails
        sb.inject_message(READER, "/help")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while queue.store_failures < 3:  # several retries, so it really backs off
            assert loop.time() < deadline, "the store was not retried"
            await asyncio.sleep(0.05)
        assert sb.messages(READER) == []  # not handled unstored
        assert [u["message"]["text"] for u in sb.pending_updates()] == ["/help"]  # unconfirmed
        assert await journal_rows.unhandled(db) == []
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1  # one line for the outage, not one per retry
        assert "readonly" in errors[0].getMessage()
        assert sb.token not in caplog.text

        await sqlite_of(db).conn.execute("PRAGMA query_only = OFF")  # the disk has room again
        await sb.wait_for_messages(READER, 1, timeout=40)
        await local.settle()
        assert len(sb.messages(READER)) == 1  # answered once
        assert sb.pending_updates() == []  # and confirmed only now
        assert await journal_rows.unhandled(db) == []
