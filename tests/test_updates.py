"""Updates: a slow admin command does not hold other readers (issue 12, failure 5), a
bounded number of fetches run at once, and an update taken from Telegram survives a
kill -9 before it was handled (failure 11)."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Update

from bot.harness import ADMIN_ID, LocalBot
from bot.ingest.fetch import fetch
from bot.ingest.guard import IPAddress, http_client
from bot.sandbox import Sandbox
from storage import updates as journal_rows
from storage.backends import open_database
from tests.e2e import STORY
from tests.fixtures.site.server import Site, article_page
from tests.main_command import start_main

READER = 2001
HANG_GUARD_S = 90  # not a speed target: a hang fails instead of blocking CI


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    server.add(
        "/page.html",
        article_page(
            "Переговори тривають",
            ["Делегації обговорили гарантії безпеки і домовилися зустрітися знову."] * 3,
            "https://news.example/1",
        ),
    )
    yield server
    server.stop()


async def test_slow_push_does_not_hold_a_readers_help(tmp_path: Path, site: Site) -> None:
    async with LocalBot(tmp_path / "bot.db", allow_private_urls=True) as local:
        sb = local.sandbox
        sb.inject_message(ADMIN_ID, f"/push {site.url('/slow.html')}")  # answers after 3 s
        await asyncio.sleep(0.3)  # the bot has taken the push and is fetching
        sb.inject_message(READER, "/help")
        await sb.wait_for_messages(READER, 1, timeout=10)
        assert sb.messages(ADMIN_ID) == []  # the reader was answered first
        await sb.wait_for_messages(ADMIN_ID, 1, timeout=15)


async def test_one_chats_updates_keep_their_order(tmp_path: Path) -> None:
    async with LocalBot(tmp_path / "bot.db") as local:
        sb = local.sandbox
        for number in range(1, 9):  # no such stories: each gets its own "no story №n"
            sb.inject_message(READER, f"/article {number}", language_code="en")
        received = await sb.wait_for_messages(READER, 8, timeout=15)
        assert [m.text for m in received] == [f"There is no story №{n}." for n in range(1, 9)]


class Body(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"<p>x</p>"


async def test_fetches_at_once_are_bounded() -> None:
    running = 0
    peak = 0

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return httpx.Response(200, headers={"content-type": "text/html"}, stream=Body())

    async def resolve(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("93.184.216.34")]

    async with http_client(resolver=resolve, inner=httpx.MockTransport(handle), slots=3) as http:
        await asyncio.gather(*(fetch(f"http://s{n}.example/", client=http) for n in range(12)))
    assert peak == 3


def _journal(path: Path) -> list[tuple[int, float | None]]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT update_id, handled_at FROM updates").fetchall()
    except sqlite3.Error:
        return []


async def _start_bot(sb: Sandbox, database: Path) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TELEGRAM_BOT_TOKEN": sb.token,
        "BOT_API_BASE_URL": sb.base_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "DATABASE_PATH": str(database),
        "ALLOW_PRIVATE_URLS": "true",  # the slow site is on 127.0.0.1
        "LOG_LEVEL": "WARNING",
        "PUSH_TEXT_IMMEDIATE": "true",  # the text push publishes at once
    }
    devnull = asyncio.subprocess.DEVNULL
    return await start_main("run", env=env, stdout=devnull, stderr=devnull)


async def _until(check: Callable[[], bool], within_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not check():
        if loop.time() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def test_updates_taken_before_a_kill_are_handled_after_restart(
    tmp_path: Path, site: Site
) -> None:
    database = tmp_path / "bot.db"
    async with Sandbox("123456:crash-test-token") as sb:
        bot = await _start_bot(sb, database)
        try:
            # The URL push takes 3 s (the slow page); the text push waits behind it.
            sb.inject_message(ADMIN_ID, f"/push {site.url('/slow.html')}")
            sb.inject_message(ADMIN_ID, f"/push {STORY}")
            await _until(lambda: len(_journal(database)) == 2, HANG_GUARD_S)
            await _until(lambda: not sb.pending_updates(), HANG_GUARD_S)
            assert sb.messages(ADMIN_ID) == []  # nothing handled yet
        finally:
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
        assert all(handled is None for _, handled in _journal(database))

        restarted = await _start_bot(sb, database)
        try:
            received = await sb.wait_for_messages(ADMIN_ID, 2, timeout=HANG_GUARD_S)
        finally:
            restarted.send_signal(signal.SIGTERM)
            await restarted.wait()
    assert len(received) == 2  # one answer to each push
    assert all(handled is not None for _, handled in _journal(database))
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1  # once


async def test_journal_keeps_one_row_per_update_id(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "j.db")
    try:
        assert await journal_rows.store(db, 7, "{}", now=1.0)
        assert not await journal_rows.store(db, 7, "{}", now=2.0)  # a redelivery
        assert await journal_rows.unhandled(db) == [(7, "{}", 0)]
        await journal_rows.mark_handled(db, 7, now=3.0)
        assert await journal_rows.handled(db, 7)
        assert await journal_rows.unhandled(db) == []
        assert await journal_rows.prune(db, now=3.0 + journal_rows.KEEP_HANDLED_S + 1) == 1
    finally:
        await db.close()


async def test_an_update_handled_once_is_skipped_when_it_comes_again(tmp_path: Path) -> None:
    # Telegram redelivers what it was not told about; a replay may meet the redelivery.
    async with LocalBot(tmp_path / "bot.db") as local:
        sb = local.sandbox
        update = sb.inject_message(READER, "/help")
        await sb.wait_for_messages(READER, 1)
        await local.settle()
        app = local.app
        assert app is not None
        await app.update_queue.put(Update.de_json(update, app.bot))
        await local.settle()
        assert len(sb.messages(READER)) == 1
