"""Hostile-input benchmark: replays a catalogue of hostile inputs — reader messages,
admin commands and files, forged buttons, inline queries, hostile sites and feeds,
broken databases, a kill -9 — through the real bot and the sandbox on loopback.

Prints one JSON line last:

  {"bench": "hostile", "inputs": N, "unhandled_exceptions": 0, "unanswered": 0,
   "token_leaks": 0, "private_fetches": 0, "half_stored": 0, "lost_updates": 0, ...}

- unhandled_exceptions: error records with a traceback (the bot's last-resort handler
  logs one per failed update), fetches that raised anything but FetchError, and
  start-ups that printed a traceback;
- unanswered: a message with no reply, a button press with no answer, an inline query
  with no answer;
- token_leaks: the token's secret in any message, log line or start-up output;
- private_fetches: requests that reached a private address while ALLOW_PRIVATE_URLS was
  off (the local site's hit counter, and the hosts a feed's links named);
- half_stored: a refused push that still stored a story, or a stored story with no words;
- lost_updates: updates taken from Telegram before a kill -9 and never answered after
  the restart;
- not_run: catalogued inputs the run could not send (the forged buttons need a story
  message in the reader's chat).
Also: bomb_rss_growth_mb (a 300 MB gzip body against the 5 MB cap) and db_start_max_s
(the slowest refusal of a broken database). Every counter but `inputs` must be 0.

    .venv/bin/python benchmarks/hostile.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import io
import ipaddress
import json
import logging
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "true")

import httpx  # noqa: E402
from aiohttp import web  # noqa: E402

from benchmarks.hostile_catalogue import (  # noqa: E402
    ADMIN_TEXTS,
    FORGED,
    INLINE,
    PRIVATE_HOSTS,
    READER_TEXTS,
)
from bot import logs  # noqa: E402
from bot.harness import ADMIN_ID, LocalBot  # noqa: E402
from bot.ingest.feeds import poll_feed  # noqa: E402
from bot.ingest.fetch import FetchError, fetch  # noqa: E402
from bot.ingest.guard import IPAddress, http_client  # noqa: E402
from bot.inputs import has_content  # noqa: E402
from bot.sandbox import Sandbox, Upload  # noqa: E402
from bot.stories import StoryService  # noqa: E402
from storage import articles, feeds  # noqa: E402
from storage.backends import open_database  # noqa: E402

STORY = (ROOT / "bot" / "data" / "sample_story.txt").read_text(encoding="utf-8")
TOKEN = "424242:Hostile-Bench-Secret-Token_0123456789"
SECRET = TOKEN.split(":", 1)[1]
READER = 5001
OTHER_READER = 5002
REPLY_WAIT_S = 15.0
BOMB_BYTES = 300 * 1024 * 1024


class Raw(httpx.AsyncByteStream):
    """A mock body streamed as sent (httpx reads a plain bytes body up front)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data


# Counters of what went wrong: any of them above 0 fails the run.
FAILURES = (
    "unhandled_exceptions",
    "unanswered",
    "token_leaks",
    "private_fetches",
    "half_stored",
    "lost_updates",
    "not_run",  # catalogued inputs the run could not send
)


class Tally:
    def __init__(self) -> None:
        self.counts = dict.fromkeys(("inputs", *FAILURES), 0)
        self.figures: dict[str, float] = {}

        self.examples: list[str] = []  # what failed, printed to stderr

    def add(self, name: str, n: int = 1, what: str = "") -> None:
        self.counts[name] += n
        if n and name != "inputs":
            self.examples.append(f"{name}: {what[:120]!r}")


class Errors(logging.Handler):
    """Counts error records with a traceback; keeps every formatted line to scan."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.tracebacks = 0
        self.text = io.StringIO()
        self.setFormatter(logs.RedactingFormatter(TOKEN, logs.FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR and record.exc_info:
            self.tracebacks += 1
            error = record.exc_info[1]
            print(f"logged: {record.name}: {type(error).__name__}: {error}"[:300], file=sys.stderr)
        self.text.write(self.format(record) + "\n")


# Sites ---------------------------------------------------------------------------


def _bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * (1024 * 1024)
    parts = [packer.compress(b"<html><body><p>")]
    parts += [packer.compress(block) for _ in range(BOMB_BYTES // len(block))]
    return b"".join(parts) + packer.compress(b"</p></body></html>") + packer.flush()


async def start_site(hits: list[str]) -> tuple[web.AppRunner, str]:
    bomb = await asyncio.to_thread(_bomb)
    page = f"<html><head><title>T</title></head><body><p>{STORY}</p></body></html>"

    async def handle(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        path = request.path
        if path == "/bomb":
            return web.Response(
                body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
            )
        if path == "/badgzip":
            return web.Response(
                body=b"\x1f\x8b\x08\x00garbage" * 50,
                headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
            )
        if path == "/brotli":
            return web.Response(
                body=b"\x0b\x02\x80hello",
                headers={"Content-Type": "text/html", "Content-Encoding": "br"},
            )
        if path == "/loop":
            raise web.HTTPFound("/loop")
        if path == "/to-file":
            raise web.HTTPFound("file:///etc/passwd")
        if path == "/huge-length":
            return web.Response(body=b"x", headers={"Content-Type": "text/html", "X-Declared": "1"})
        if path == "/drip":
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(request)
            for _ in range(100):
                await response.write(b"<p>.</p>")
                await asyncio.sleep(0.1)
            return response
        if path == "/slow":
            await asyncio.sleep(3)
        if path == "/gzip-page":
            return web.Response(
                body=gzip.compress(page.encode()),
                headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
            )
        return web.Response(text=page, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def hostile_sites(base: str, tally: Tally) -> None:
    """Sites that fight back, fetched with the address check relaxed (they are local)."""
    async with http_client(allow_private=True) as http:
        for path in ("/bomb", "/badgzip", "/brotli", "/loop", "/to-file", "/drip", "/gzip-page"):
            tally.add("inputs")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            try:
                await fetch(base + path, client=http, timeout=3)
            except FetchError:
                pass
            except Exception:
                tally.add("unhandled_exceptions", what=path)
            if path == "/bomb":
                grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
                tally.figures["bomb_rss_growth_mb"] = round(grown / 1024, 1)


async def feed_with_private_links(tmp: Path, tally: Tally) -> None:
    """A feed on a public name whose entries link to private addresses."""
    links = [f"http://{host}/secret" for host in PRIVATE_HOSTS]
    items = "".join(
        f"<item><title>E{n}</title><link>{link}</link><guid>g{n}</guid></item>"
        for n, link in enumerate(links)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    )
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers["host"])
        return httpx.Response(
            200, headers={"content-type": "application/rss+xml"}, stream=Raw(body.encode())
        )

    async def resolve(host: str, port: int) -> list[IPAddress]:
        if host == "feeds.example":
            return [ipaddress.ip_address("93.184.216.34")]
        from bot.ingest.guard import resolve as system

        return await system(host, port)  # numeric forms and localhost: no DNS needed

    db = await open_database(tmp / "feed.db")
    try:
        feed = await feeds.add(db, "http://feeds.example/rss")
        async with http_client(resolver=resolve, inner=httpx.MockTransport(handle)) as http:
            tally.add("inputs", len(links))
            try:
                await poll_feed(db, feed, StoryService(db), client=http)
            except Exception:
                tally.add("unhandled_exceptions", what="feed poll")
    finally:
        await db.close()
    tally.add("private_fetches", sum(1 for host in asked if host != "feeds.example"))


# The bot ---------------------------------------------------------------------------

_FILE = {"file_id": "f1", "file_unique_id": "u1"}
CHANNEL = {"type": "channel", "chat": {"id": -1009, "type": "channel", "title": "C"}, "date": 1}
READER_KINDS: list[tuple[dict[str, Any], bool]] = [
    (
        {
            "sticker": {
                **_FILE,
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        },
        False,
    ),
    ({"photo": [{**_FILE, "width": 1, "height": 1}]}, False),
    ({"voice": {**_FILE, "duration": 1}}, False),
    ({"location": {"latitude": 0.0, "longitude": 0.0}}, False),
    ({"contact": {"phone_number": "+10000000000", "first_name": "A"}}, False),
    ({"text": "a forwarded post", "forward_origin": {**CHANNEL, "message_id": 1}}, False),
    ({"text": "an edit"}, True),
]


async def expect_reply(sb: Sandbox, chat: int, before: int, tally: Tally, what: str) -> None:
    try:
        await sb.wait_for_messages(chat, before + 1, timeout=REPLY_WAIT_S)
    except TimeoutError:
        tally.add("unanswered", what=what)


async def through_the_bot(
    tmp: Path, base: str, hits: list[str], tally: Tally, *, readers: int
) -> None:
    # Admin texts publish at once (PUSH_TEXT_IMMEDIATE), as before previews existed: the
    # catalogue's pushes must reach storage, and the reader's story must arrive, else
    # the forged buttons have no story message to be pressed on.
    async with (
        Sandbox(TOKEN) as sandbox,
        LocalBot(tmp / "bot.db", sandbox=sandbox, push_text_immediate=True) as local,
    ):
        sb, db = local.sandbox, local.services.db
        for chat in (READER, OTHER_READER):
            for text in ("/start", "/subscribe us-russia-security"):
                before = len(sb.messages(chat))
                sb.inject_message(chat, text)
                await expect_reply(sb, chat, before, tally, text)
        for text in READER_TEXTS:
            chats = [READER + 100 * n for n in range(readers)]
            counts = {chat: len(sb.messages(chat)) for chat in chats}
            for chat in chats:  # several readers at once
                tally.add("inputs")
                sb.inject_message(chat, text)
            for chat in chats:
                await expect_reply(sb, chat, counts[chat], tally, text)
        last = 0
        for fields, edit in READER_KINDS:  # not text, or an edit: an answer all the same
            tally.add("inputs")
            before = len(sb.messages(READER))
            sent = sb.inject_content(READER, fields, edit_of=last if edit else None)
            last = sent.get("message", {}).get("message_id", last)
            await expect_reply(sb, READER, before, tally, next(iter(fields)))
        private = [f"/push http://{h}:{base.rsplit(':', 1)[1]}/page" for h in PRIVATE_HOSTS]
        private += [f"/feed_add http://{h}/rss.xml" for h in PRIVATE_HOSTS[:6]]
        for text in ADMIN_TEXTS + private:
            tally.add("inputs")
            stored = await articles.count(db)
            before = len(sb.messages(ADMIN_ID))
            sb.inject_message(ADMIN_ID, text, language_code="en")
            await expect_reply(sb, ADMIN_ID, before, tally, text)
            reply = sb.messages(ADMIN_ID)[-1].text or "" if sb.messages(ADMIN_ID) else ""
            if not reply.startswith("Published") and await articles.count(db) != stored:
                tally.add("half_stored")
        tally.add("private_fetches", len(hits))
        noise = random.Random(7).randbytes(50 * 1024)
        files = [
            (noise, "story.txt"),
            (b"%PDF-1.7\n" + noise[:2000], "story.txt"),
            (b"", "empty.txt"),
            (STORY.encode("utf-16"), "utf16.txt"),
            (b"\xff\xfe\x00" * 5000, "odd.md"),
            (b"x" * (2 * 1024 * 1024), "big.txt"),
            (STORY.encode("cp1251"), "cp1251.txt"),
            (noise, "image.png"),
        ]
        for content, name in files:
            tally.add("inputs")
            before = len(sb.messages(ADMIN_ID))
            sb.inject_message(ADMIN_ID, "/push", document=Upload(content, name, "text/plain"))
            await expect_reply(sb, ADMIN_ID, before, tally, name)
        await local.settle()
        story = next(
            (
                m
                for m in sb.messages(READER)
                if m.reply_markup
                and any(
                    str(b.get("callback_data", "")).startswith("full:")
                    for row in m.reply_markup["inline_keyboard"]
                    for b in row
                )
            ),
            None,
        )
        targets = [(READER, story.message_id)] if story else []
        if story is None:  # never drop catalogued inputs silently: CI fails on this
            tally.add("not_run", len(FORGED), what="no story reached the reader to forge on")
        targets.append((ADMIN_ID, sb.messages(ADMIN_ID)[-1].message_id))
        queries = []
        for chat, message_id in targets:
            for data in FORGED:
                tally.add("inputs")
                queries.append(sb.inject_callback(chat, chat, message_id, data))
        inline = []
        for query, offset in INLINE:
            tally.add("inputs")
            inline.append(sb.inject_inline_query(READER, query, offset))
        await local.settle()
        for query, data in zip(queries, FORGED * len(targets), strict=True):
            if sb.callback_answer(query) is None:
                tally.add("unanswered", what=f"button {data}")
        for query_id, (query, offset) in zip(inline, INLINE, strict=True):
            if sb.inline_answers(query_id) is None:
                tally.add("unanswered", what=f"inline {query} {offset}")
        for article in await articles.latest(db, limit=1000):
            if not has_content(article.text):
                tally.add("half_stored")
        shown = " ".join((m.text or "") + (m.caption or "") for m in sb.all_messages())
        tally.add("token_leaks", shown.count(SECRET))


# Processes -------------------------------------------------------------------------


def run_main(env: dict[str, str], tally: Tally, *, one_line: bool = True) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.perf_counter() - started
    output = done.stdout + done.stderr
    tally.add("token_leaks", output.count(SECRET))
    if "Traceback" in output or (one_line and len(done.stderr.strip().splitlines()) != 1):
        tally.add("unhandled_exceptions", what=output[-300:])
    return done.returncode, elapsed


def broken_databases(tmp: Path, tally: Tally) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
        "LOG_LEVEL": "INFO",
    }
    cases: list[tuple[str, Path, int]] = []
    corrupt = tmp / "corrupt.db"
    corrupt.write_bytes(random.Random(1).randbytes(16384))
    cases.append(("corrupt", corrupt, 5))
    truncated = tmp / "truncated.db"
    with sqlite3.connect(truncated) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    with truncated.open("r+b") as handle:
        handle.truncate(truncated.stat().st_size // 3)
    cases.append(("truncated", truncated, 5))
    cases.append(("no folder", tmp / "missing" / "bot.db", 8))
    locked = tmp / "locked.db"
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    cases.append(("locked", locked, 6))
    slowest = 0.0
    try:
        for _name, path, code in cases:
            tally.add("inputs")
            got, elapsed = run_main({**base, "DATABASE_PATH": str(path)}, tally)
            slowest = max(slowest, elapsed)
            if got != code:
                tally.add("unhandled_exceptions", what=f"{_name}: exit {got}")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    tally.figures["db_start_max_s"] = round(slowest, 2)


async def rejected_token(tmp: Path, tally: Tally) -> None:
    async with Sandbox("424242:a-different-token-the-server-knows") as sb:
        env = {
            "PATH": "/usr/bin:/bin",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "LOG_LEVEL": "DEBUG",
            "BOT_API_BASE_URL": sb.base_url,
            "DATABASE_PATH": str(tmp / "token.db"),
        }
        tally.add("inputs")
        # DEBUG logs every request: the strictest place to look for the token.
        code, _ = await asyncio.to_thread(lambda: run_main(env, tally, one_line=False))
        if code != 4:
            tally.add("unhandled_exceptions", what=f"token: exit {code}")


async def kill_nine(tmp: Path, base: str, tally: Tally) -> None:
    """Two admin pushes taken from Telegram, the bot killed before it handled them."""
    database = tmp / "crash.db"
    async with Sandbox(TOKEN) as sb:
        env = {
            "PATH": "/usr/bin:/bin",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "ADMIN_IDS": str(ADMIN_ID),
            "BOT_API_BASE_URL": sb.base_url,
            "DATABASE_PATH": str(database),
            "ALLOW_PRIVATE_URLS": "true",
            "LOG_LEVEL": "WARNING",
        }

        async def spawn() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "main.py"),
                "run",
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )

        def taken() -> int:
            try:
                with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
                    return int(conn.execute("SELECT COUNT(*) FROM updates").fetchone()[0])
            except sqlite3.Error:
                return 0

        bot = await spawn()
        sb.inject_message(ADMIN_ID, f"/push {base}/slow")
        sb.inject_message(ADMIN_ID, f"/push {STORY}")
        tally.add("inputs", 2)
        for _ in range(1200):  # up to 60 s for the bot to start and take both
            if taken() >= 2 and not sb.pending_updates():
                break
            await asyncio.sleep(0.05)
        bot.send_signal(signal.SIGKILL)
        await bot.wait()
        answered_before = len(sb.messages(ADMIN_ID))
        again = await spawn()
        try:
            await sb.wait_for_messages(ADMIN_ID, 2, timeout=60)
        except TimeoutError:
            pass
        finally:
            again.send_signal(signal.SIGTERM)
            await again.wait()
        tally.add("lost_updates", max(0, 2 - len(sb.messages(ADMIN_ID)) - answered_before))


async def main(quick: bool) -> dict[str, object]:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The hostile site's own complaints (clients that hang up on a bomb) are not the bot's.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    tally = Tally()
    started = time.perf_counter()
    hits: list[str] = []
    runner, base = await start_site(hits)
    try:
        with tempfile.TemporaryDirectory(prefix="newsbot-hostile-") as name:
            tmp = Path(name)
            # The full run replays the bot catalogue for more readers at once.
            await through_the_bot(tmp, base, hits, tally, readers=1 if quick else 3)
            await feed_with_private_links(tmp, tally)
            await hostile_sites(base, tally)
            await asyncio.to_thread(broken_databases, tmp, tally)
            await rejected_token(tmp, tally)
            await kill_nine(tmp, base, tally)
    finally:
        await runner.cleanup()
    tally.add("unhandled_exceptions", errors.tracebacks, what="logged tracebacks")
    for example in tally.examples:
        print(example, file=sys.stderr)
    tally.add("token_leaks", errors.text.getvalue().count(SECRET))
    return {
        "bench": "hostile",
        "quick": quick,
        **tally.counts,
        **tally.figures,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run")
    args = parser.parse_args()
    result = asyncio.run(main(args.quick))
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(1 if any(result[k] for k in FAILURES) else 0)
