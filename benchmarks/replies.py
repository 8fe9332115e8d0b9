"""What booking on the shared send schedule costs a reply (bot.replies.ReplySlots), on
an idle schedule: the median time of `send_message` through the reply bot's
ReplyLimiter against the sandbox (in this process), booking on SQLite and on
PostgreSQL, against the same replies paced by the process's own limiter alone (the
baseline, measured in the same run). Replies go 0.1 s apart, each to a chat of its
own, so no schedule is busy: what is left is the booking's round trips (one for a
private chat, two for a group: its own schedule, then the global one).

Prints one JSON line: per backend and chat kind the median and p90 in ms and the
median's cost over the baseline. PostgreSQL at `--database-url` or DATABASE_URL (an
empty database), else a throwaway cluster started with tests.pg_cluster;
`--backend sqlite` skips it. `--quick`: 30 replies a kind instead of 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram.ext import ExtBot  # noqa: E402

from bot.cluster import permit_taker, schedule_booker  # noqa: E402
from bot.replies import ReplyLimiter, ReplySlots  # noqa: E402
from bot.sandbox import Sandbox  # noqa: E402
from bot.sender_http import AiohttpRequest  # noqa: E402
from storage.backends import open_database  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.postgres import PostgresDatabase  # noqa: E402

TOKEN = "123456:BENCH-replies"
RATE = 30.0
SPACING_S = 0.1  # each reply finds the budget idle


async def timed(sb: Sandbox, db: Database | None, count: int, first_chat: int) -> dict[str, Any]:
    limiter = ReplyLimiter(max_retries=3)
    if db is not None:
        limiter.shared = ReplySlots(
            schedule_booker(db), lambda name: permit_taker(db, "bench", name), RATE
        )
    bot: ExtBot[Any] = ExtBot(
        TOKEN, base_url=sb.base_url, request=AiohttpRequest(read_timeout=10), rate_limiter=limiter
    )
    await bot.initialize()
    out: dict[str, Any] = {}
    try:
        for kind, sign in (("private", 1), ("group", -1)):
            took = []
            for n in range(count):
                chat_id = sign * (first_chat + n)
                sb.register_chat(chat_id, type="private" if sign > 0 else "supergroup")
                started = time.perf_counter()
                await bot.send_message(chat_id, "reply")
                took.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(SPACING_S)
            took.sort()
            out[kind] = {
                "p50_ms": round(statistics.median(took), 2),
                "p90_ms": round(took[int(len(took) * 0.9)], 2),
            }
    finally:
        await bot.shutdown()
    return out


async def run(count: int, sqlite_path: Path, pg_url: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {"replies_per_kind": count, "spacing_s": SPACING_S}
    async with Sandbox(TOKEN) as sb:
        figures["local"] = await timed(sb, None, count, 10_000)
        lite = await open_database(sqlite_path)
        lite.shared = True
        try:
            figures["sqlite"] = await timed(sb, lite, count, 20_000)
        finally:
            await lite.close()
        if pg_url is not None:
            pg = await PostgresDatabase.connect(pg_url)
            try:
                figures["postgres"] = await timed(sb, pg, count, 30_000)
            finally:
                await pg.close()
    for backend in ("sqlite", "postgres"):
        for kind in ("private", "group"):
            if backend in figures:
                cost = figures[backend][kind]["p50_ms"] - figures["local"][kind]["p50_ms"]
                figures[backend][kind]["cost_ms"] = round(cost, 2)
    figures["load_average"] = round(os.getloadavg()[0], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 replies a kind (CI)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--database-url", help="PostgreSQL: an empty database")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    count = 30 if args.quick else 200
    with tempfile.TemporaryDirectory(prefix="newsbot-replies-") as tmp:
        if args.backend == "postgres":
            from tests import pg_cluster

            given = args.database_url or os.environ.get("DATABASE_URL")
            with pg_cluster.given_or_throwaway(given, Path(tmp)) as url:
                figures = asyncio.run(run(count, Path(tmp) / "bot.db", url))
        else:
            figures = asyncio.run(run(count, Path(tmp) / "bot.db", None))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
