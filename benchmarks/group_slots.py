"""What booking a group's row costs the broadcast (bot.pacing.GroupSlots): two delivery
workers on one PostgreSQL database (two pools, as two processes) at paid-broadcast
limits (SEND_RATE 1000, allow_paid_broadcast) drain one story for readers of whom
half are channels, against the sandbox in its own process with Telegram's limits on;
with the groups' rows booked (each round's groups in one statement) and without (the
workers' pacers without GroupSlots), alternately in the same run.

Prints one JSON line: msgs/s of each arm (median of the repeats), the cost in per cent,
the group bookings (statements) per group message, 429s of each arm. PostgreSQL at
`--database-url` or DATABASE_URL (an empty database), else a throwaway cluster
started with tests.pg_cluster. `--quick`: 2,000 readers, 2 repeats.
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

import asyncpg  # noqa: E402
from telegram import Bot  # noqa: E402

from benchmarks.delivery import STORY, TOKEN, RemoteSandbox  # noqa: E402
from bot import news  # noqa: E402
from bot.cluster import groups_booker, permit_taker  # noqa: E402
from bot.delivery import IN_FLIGHT, DeliveryWorker  # noqa: E402
from bot.pacing import GroupSlots, Pacer, SharedPermits  # noqa: E402
from bot.search.index import new_article  # noqa: E402
from bot.sender_http import AiohttpRequest  # noqa: E402
from bot.topics import TopicCatalog  # noqa: E402
from bot.worker import SEND_TIMEOUT_S  # noqa: E402
from storage import articles, chats  # noqa: E402
from storage.postgres import PostgresDatabase  # noqa: E402

RATE = 1000.0
WORKERS = 2
TOPIC = "us-russia-security"


async def fresh_database(url: str, name: str) -> str:
    """An empty database of its own for each run (the server's, beside `url`'s)."""
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return f"{url.rpartition('/')[0]}/{name}"


async def drain(
    url: str, sb: RemoteSandbox, chat_ids: list[int], *, book_groups: bool
) -> dict[str, Any]:
    await sb.control("register_chats", chat_ids=chat_ids)
    before = (await sb.control("stats"))["too_many_requests"]
    dbs = [await PostgresDatabase.connect(url) for _ in range(WORKERS)]
    await chats.register_many(dbs[0], [c for c in chat_ids if c > 0], topic=TOPIC)
    channels = [c for c in chat_ids if c < 0]
    await chats.register_many(dbs[0], channels, chat_type="channel", topic=TOPIC)
    names = TopicCatalog.load().names
    workers: list[DeliveryWorker] = []
    group_slots: list[GroupSlots] = []
    for n, db in enumerate(dbs):
        bot = Bot(
            TOKEN,
            base_url=sb.base_url,
            request=AiohttpRequest(
                connection_pool_size=IN_FLIGHT + 4,
                read_timeout=SEND_TIMEOUT_S,
                write_timeout=SEND_TIMEOUT_S,
            ),
        )
        await bot.initialize()
        groups = GroupSlots(groups_booker(db)) if book_groups else None
        if groups is not None:
            group_slots.append(groups)
        shared = SharedPermits(permit_taker(db, f"worker-{n}"), RATE)
        pacer = Pacer(RATE, shared=shared, groups=groups)
        workers.append(
            DeliveryWorker(
                db,
                bot,
                rate_per_s=RATE,
                default_language="uk",
                timezone="Europe/Kyiv",
                topic_names=names,
                paid_broadcast=True,
                holder=f"bench-{n}",
                pacer=pacer,
            )
        )
    analysis = news.analyze(STORY)
    story = new_article(
        title="Story", text=STORY, language="uk", topics=(TOPIC,), analysis=analysis
    )
    try:
        for worker in workers:
            worker.start()
        started = time.perf_counter()
        await articles.publish(dbs[0], story)
        for worker in workers:
            worker.wake()
        for worker in workers:
            if not await worker.drained(600):
                raise TimeoutError("outbox not drained")
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            await worker.stop()
            await worker.bot.shutdown()
        for db in dbs:
            await db.close()
    counts = dict((await sb.control("message_counts")) or [])
    lost = sum(1 for c in chat_ids if counts.get(c, 0) == 0)
    return {
        "msgs_per_s": len(chat_ids) / seconds,
        "http_429": (await sb.control("stats"))["too_many_requests"] - before,
        "lost": lost,
        "duplicates": sum(counts.get(c, 0) - 1 for c in chat_ids if counts.get(c, 0) > 1),
        "statements": sum(g.booked for g in group_slots),
        "group_messages": len(channels),
    }


async def run(url: str, readers: int, repeats: int) -> dict[str, Any]:
    arms: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
    first = 8_000_000
    async with RemoteSandbox(limits=True) as sb:
        for repeat in range(repeats):
            for arm in ("without", "with"):
                chat_ids = [-(first + i) if i % 2 else first + i for i in range(readers)]
                first += readers
                db_url = await fresh_database(url, f"bench_groups_{arm}_{repeat}")
                arms[arm].append(await drain(db_url, sb, chat_ids, book_groups=arm == "with"))
    out: dict[str, Any] = {"bench": "group_slots", "readers": readers, "repeats": repeats}
    for arm, runs in arms.items():
        out[f"{arm}_msgs_per_s"] = round(statistics.median(r["msgs_per_s"] for r in runs), 1)
        out[f"{arm}_http_429"] = sum(r["http_429"] for r in runs)
        out[f"{arm}_lost"] = sum(r["lost"] for r in runs)
        out[f"{arm}_duplicates"] = sum(r["duplicates"] for r in runs)
    with_runs = arms["with"]
    out["cost_pct"] = round(100 * (1 - out["with_msgs_per_s"] / out["without_msgs_per_s"]), 1)
    out["statements_per_group_message"] = round(
        sum(r["statements"] for r in with_runs) / sum(r["group_messages"] for r in with_runs), 3
    )
    out["load_average"] = round(os.getloadavg()[0], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 readers, 2 repeats")
    parser.add_argument("--readers", type=int, help="readers a story (half channels)")
    parser.add_argument("--repeats", type=int, help="runs of each arm")
    parser.add_argument("--database-url", help="PostgreSQL: an empty database")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    readers = args.readers or (2_000 if args.quick else 4_000)
    repeats = args.repeats or (2 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="newsbot-groups-") as tmp:
        from tests import pg_cluster

        given = args.database_url or os.environ.get("DATABASE_URL")
        with pg_cluster.given_or_throwaway(given, Path(tmp)) as url:
            figures = asyncio.run(run(url, readers, repeats))
    print(json.dumps(figures))
    if any(figures[f"{arm}_{k}"] for arm in ("with", "without") for k in ("lost", "duplicates")):
        sys.exit(1)


if __name__ == "__main__":
    main()
