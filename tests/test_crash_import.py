"""Crash safety of `main.py import`: killed with SIGKILL (importer, forkserver and
workers at once) after some batches were stored, then run again → every story stored
exactly once, each with its seen key and its search entry."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.ingest import bulk
from storage import articles, search, seen
from storage.backends import open_database
from tests.backends import database_env

MAIN = Path(__file__).resolve().parents[1] / "main.py"
STORIES = 1500  # enough that the kill lands mid-run, on the pool (≥ bulk.POOL_MIN)


def backfill(path: Path) -> None:
    lines = [
        json.dumps(
            {
                "title": f"Переговори, раунд {n}",
                "text": f"Делегації обговорили гарантії безпеки, раунд {n}. "
                f"Наступна зустріч відбудеться за {n % 30 + 1} днів у місті номер {n}.",
            },
            ensure_ascii=False,
        )
        for n in range(STORIES)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_import(source: Path, database: Path) -> subprocess.Popen[str]:
    env = {**os.environ, **database_env(database), "LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, str(MAIN), "import", str(source), "--no-progress", "--workers", "2"],
        cwd=MAIN.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes the pool too
    )


async def counts(database: Path) -> tuple[int, int, int]:
    db = await open_database(database)
    try:
        titles = await db.fetchval("SELECT COUNT(DISTINCT title) FROM articles")
        return await articles.count(db), await seen.count(db), int(titles)
    finally:
        await db.close()


async def test_kill_9_mid_import_then_rerun(tmp_path: Path) -> None:
    source, database = tmp_path / "backfill.jsonl", tmp_path / "import.db"
    backfill(source)
    await counts(database)  # migrated before the importer and this test poll it
    process = start_import(source, database)
    try:
        deadline = time.monotonic() + 240
        stored = 0
        while stored < 2 * bulk.BATCH:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import stored nothing in time"
            await asyncio.sleep(0.05)
            stored = (await counts(database))[0]
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    at_kill, keys, titles = await counts(database)
    assert 0 < at_kill < STORIES, "the kill must land mid-run"
    assert keys == titles == at_kill  # whole batches only: each story with its key, once

    env = {**os.environ, **database_env(database), "LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    again = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(MAIN), "import", str(source), "--no-progress"],
        cwd=MAIN.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        f"import: {STORIES - at_kill} stored, {at_kill} already there, 0 failed (backfill.jsonl)"
    )
    assert await counts(database) == (STORIES, STORIES, STORIES)
    db = await open_database(database)
    try:
        assert await search.unindexed(db) == []  # every story searchable
    finally:
        await db.close()
