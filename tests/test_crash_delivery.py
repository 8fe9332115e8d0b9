"""Crash safety with a real process: `kill -9` mid-broadcast, start again → every
subscriber has the story; only messages in flight at the kill may arrive twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.delivery import IN_FLIGHT
from bot.harness import ADMIN_ID, SANDBOX_TOKEN
from bot.sandbox import Sandbox
from storage import chats, outbox
from storage.backends import open_database
from tests.backends import database_env
from tests.e2e import STORY, stories

MAIN = Path(__file__).resolve().parents[1] / "main.py"
READERS = list(range(7000, 7120))
TOPIC = "us-russia-security"


@contextmanager
def bot_process(sandbox: Sandbox, database: Path, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": sandbox.token,
        "BOT_API_BASE_URL": sandbox.base_url,
        **database_env(database),
        "ADMIN_IDS": str(ADMIN_ID),
        "SEND_RATE": "20",
        "LOG_LEVEL": "WARNING",
        "PTB_TIMEDELTA": "true",
        "PUSH_TEXT_IMMEDIATE": "true",  # the text push publishes at once
    }
    process = subprocess.Popen([sys.executable, str(MAIN), "run"], cwd=cwd, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def polls(sandbox: Sandbox) -> int:
    return int(sandbox.stats()["methods"].get("getUpdates", 0))


async def test_kill_9_mid_broadcast_then_restart(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    db = await open_database(database)
    await chats.register_many(db, READERS, topic=TOPIC)
    await db.close()

    def received() -> dict[int, int]:
        return {reader: len(stories(sb, reader)) for reader in READERS}

    async with Sandbox(SANDBOX_TOKEN) as sb:
        for reader in READERS:
            sb.register_chat(reader, type="private")
        with bot_process(sb, database, tmp_path) as first:
            await sb.wait_until(lambda: polls(sb) > 0, timeout=30)  # the bot is up
            sb.inject_message(ADMIN_ID, f"/push {STORY}")
            await sb.wait_until(lambda: sum(received().values()) >= 25, timeout=30)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        before = sum(received().values())
        assert before < len(READERS), "the kill should land mid-broadcast"

        with bot_process(sb, database, tmp_path) as second:
            await sb.wait_until(lambda: min(received().values()) >= 1, timeout=40)
            db = await open_database(database)
            try:
                # The restarted bot marks what it sent: poll until the outbox is empty.
                for _ in range(200):
                    if await outbox.next_due_at(db) is None:
                        break
                    await asyncio.sleep(0.05)
                assert await outbox.next_due_at(db) is None
                counts = await outbox.status_counts(db, 1)
            finally:
                await db.close()
            second.send_signal(signal.SIGTERM)

    final = received()
    lost = [reader for reader, n in final.items() if n == 0]
    duplicates = sum(n - 1 for n in final.values() if n > 1)
    assert lost == []
    assert duplicates <= IN_FLIGHT
    assert counts == {"sent": len(READERS)}
