"""A poison update — one whose handling takes the process down every time — is replayed
at most MAX_ATTEMPTS times after restarts, then marked failed, logged once and answered
with an apology, and the bot goes on (issue 12 follow-up). Real processes over the
sandbox; the crash is an os._exit in a handler of tests/fixtures/poison_bot.py."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.harness import ADMIN_ID
from bot.sandbox import Sandbox
from storage import updates as journal_rows
from storage.backends import open_database
from tests.backends import database_env
from tests.fixtures.poison_bot import EXIT_CRASHED

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "fixtures" / "poison_bot.py"
READER = 2401
HANG_GUARD_S = 90  # not a speed target: a hang fails instead of blocking CI


async def _start(sb: Sandbox, database: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": sb.token,
        "BOT_API_BASE_URL": sb.base_url,
        "ADMIN_IDS": str(ADMIN_ID),
        **database_env(database),
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(RUNNER),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _row(database: Path) -> tuple[int, float | None, float | None]:
    db = await open_database(database, migrate=False)  # the bot is down: read its journal
    try:
        row = await db.fetchone("SELECT attempts, handled_at, failed_at FROM updates")
    finally:
        await db.close()
    assert row is not None
    return int(row[0]), row[1], row[2]


async def test_an_update_that_kills_the_bot_is_replayed_three_times_then_dropped(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    stderr = b""
    async with Sandbox("123456:poison-test-token") as sb:
        bot = await _start(sb, database)
        sb.inject_message(READER, "/crash", language_code="en")
        out = await asyncio.wait_for(bot.communicate(), HANG_GUARD_S)
        assert bot.returncode == EXIT_CRASHED  # handled live: it took the bot down
        stderr += out[1]
        assert (await _row(database))[0] == 0

        for replay in range(1, journal_rows.MAX_ATTEMPTS + 1):
            bot = await _start(sb, database)
            out = await asyncio.wait_for(bot.communicate(), HANG_GUARD_S)
            assert bot.returncode == EXIT_CRASHED, replay  # the replay took it down again
            stderr += out[1]
            assert await _row(database) == (replay, None, None)

        bot = await _start(sb, database)  # start-up proceeds without it
        try:
            apology = await sb.wait_for_messages(READER, 1, timeout=HANG_GUARD_S)
            assert "could not handle your message" in apology[0].plain
            sb.inject_message(READER, "/help", language_code="en")
            answers = await sb.wait_for_messages(READER, 2, timeout=HANG_GUARD_S)
            assert "/search" in answers[1].plain
            assert bot.returncode is None  # still running
        finally:
            bot.send_signal(signal.SIGTERM)
            stderr += (await asyncio.wait_for(bot.communicate(), HANG_GUARD_S))[1]
    attempts, handled_at, failed_at = await _row(database)
    assert attempts == journal_rows.MAX_ATTEMPTS and handled_at and failed_at
    assert len(sb.messages(READER)) == 2  # one apology, one /help: dropped for good
    log = stderr.decode()
    assert log.count("marked failed") == 1, log
    assert "/crash" not in log and sb.token.split(":")[1] not in log


async def test_replays_are_counted_and_a_failed_update_is_done_with(tmp_path: Path) -> None:
    from storage.backends import open_database

    db = await open_database(tmp_path / "j.db")
    try:
        assert await journal_rows.store(db, 9, "{}", now=1.0)
        assert await journal_rows.count_attempt(db, 9) == 1
        assert await journal_rows.count_attempt(db, 9) == 2
        assert await journal_rows.unhandled(db) == [(9, "{}", 2)]
        await journal_rows.mark_failed(db, 9, now=2.0)
        assert await journal_rows.unhandled(db) == []
        assert await journal_rows.handled(db, 9)  # a redelivery is skipped too
        assert not await journal_rows.store(db, 9, "{}", now=3.0)
    finally:
        await db.close()
