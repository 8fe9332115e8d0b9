"""Delivery benchmark: queue one story for many readers, then drain the outbox through
the real DeliveryWorker into the sandbox (in this process, on loopback).

Prints one JSON line last:

  {"bench": "delivery", "subscribers": N, "enqueue_s": …, "ceiling_msgs_per_s": …,
   "limited_msgs_per_s": …, "http_429": …, "faults_injected": …, "lost": …,
   "duplicates": …, "peak_rss_mb": …}

- enqueue_s: articles.publish of one story for N subscribers (100,000; 10,000 --quick);
- ceiling_msgs_per_s: sandbox limits lifted, SEND_RATE 1000: the worker's own ceiling;
- limited_msgs_per_s, http_429: limits enforced (30/s), SEND_RATE 30, 3,000 distinct
  chats (300 --quick), from the story being queued to the last message;
- lost, duplicates, faults_injected: limits lifted, 5 % 5xx and 1 % hung sends (the
  hang is shorter than the worker's read timeout, as Telegram's slow answers are);
- peak_rss_mb: the whole process (bot and sandbox).

Targets: enqueue_s ≤ 2 (100k), limited ≥ 29/s (≥ 28 --quick) with http_429 = 0,
ceiling ≥ 500/s, lost = duplicates = 0, peak_rss_mb ≤ 200.

    .venv/bin/python benchmarks/delivery.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot  # noqa: E402

from bot import news  # noqa: E402
from bot.app import SEND_TIMEOUT_S  # noqa: E402
from bot.delivery import IN_FLIGHT, DeliveryWorker  # noqa: E402
from bot.domain import Analysis  # noqa: E402
from bot.sandbox import Sandbox  # noqa: E402
from bot.search.index import new_article  # noqa: E402
from bot.sender_http import AiohttpRequest  # noqa: E402
from bot.topics import TopicCatalog  # noqa: E402
from storage import articles, chats  # noqa: E402
from storage.articles import NewArticle  # noqa: E402
from storage.db import Database  # noqa: E402

TOPIC = "us-russia-security"

# The demo's own sample story (written for this project).
STORY = (ROOT / "bot" / "data" / "sample_story.txt").read_text(encoding="utf-8")


def story(analysis: Analysis, n: int) -> NewArticle:
    return new_article(
        title=f"Story {n}", text=STORY, language="uk", topics=(TOPIC,), analysis=analysis
    )


async def fresh_db(tmp: Path, name: str, chat_ids: list[int]) -> Database:
    db = await Database.open(tmp / f"{name}.db")
    await chats.register_many(db, chat_ids, topic=TOPIC)
    return db


async def enqueue(tmp: Path, analysis: Analysis, n: int) -> float:
    db = await fresh_db(tmp, "enqueue", list(range(1_000_000, 1_000_000 + n)))
    try:
        started = time.perf_counter()
        _, queued = await articles.publish(db, story(analysis, 1))
        elapsed = time.perf_counter() - started
        assert queued == n, (queued, n)
        return elapsed
    finally:
        await db.close()


async def drain(
    tmp: Path,
    name: str,
    analysis: Analysis,
    chat_ids: list[int],
    sandbox: Sandbox,
    *,
    rate: float,
    within_s: float,
) -> float:
    """Queue one story for the chats, run the worker until the outbox is drained;
    returns seconds from queueing to drained."""
    for chat_id in chat_ids:
        sandbox.register_chat(chat_id, type="private")
    db = await fresh_db(tmp, name, chat_ids)
    bot = Bot(
        sandbox.token,
        base_url=sandbox.base_url,
        request=AiohttpRequest(
            connection_pool_size=IN_FLIGHT + 4,
            read_timeout=SEND_TIMEOUT_S,
            write_timeout=SEND_TIMEOUT_S,
        ),
    )
    await bot.initialize()
    topics = TopicCatalog.load()
    worker = DeliveryWorker(
        db,
        bot,
        rate_per_s=rate,
        default_language="uk",
        timezone="Europe/Kyiv",
        topic_names=topics.names,
    )
    worker.backoff_base_s = 0.25  # the retry policy's shape, on a benchmark's time scale
    try:
        worker.start()
        started = time.perf_counter()
        await articles.publish(db, story(analysis, 1))
        worker.wake()
        if not await worker.drained(within_s):
            raise TimeoutError(f"{name}: outbox not drained in {within_s} s")
        return time.perf_counter() - started
    finally:
        await worker.stop()
        await bot.shutdown()
        await db.close()


def received(sandbox: Sandbox, chat_ids: list[int]) -> Counter[int]:
    return Counter({chat_id: len(sandbox.messages(chat_id)) for chat_id in chat_ids})


async def main(quick: bool) -> dict[str, object]:
    subscribers = 10_000 if quick else 100_000
    limited_chats = 300 if quick else 3_000
    ceiling_chats = 3_000 if quick else 10_000
    fault_chats = 1_000 if quick else 3_000
    analysis = news.analyze(STORY)

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp_name:
        tmp = Path(tmp_name)
        enqueue_s = await enqueue(tmp, analysis, subscribers)

        async with Sandbox("123456:SANDBOX-bench", limits=False) as sb:
            ids = list(range(2_000_000, 2_000_000 + ceiling_chats))
            seconds = await drain(tmp, "ceiling", analysis, ids, sb, rate=1000, within_s=300)
            assert set(received(sb, ids).values()) == {1}
            ceiling = ceiling_chats / seconds

        async with Sandbox("123456:SANDBOX-bench", limits=True, global_per_s=30) as sb:
            ids = list(range(3_000_000, 3_000_000 + limited_chats))
            seconds = await drain(tmp, "limited", analysis, ids, sb, rate=30, within_s=600)
            assert set(received(sb, ids).values()) == {1}
            limited = limited_chats / seconds
            http_429 = sb.stats()["too_many_requests"]

        async with Sandbox("123456:SANDBOX-bench", limits=False) as sb:
            sb.set_faults(error_rate=0.05, timeout_rate=0.01, hang_s=2.0, seed=5)
            ids = list(range(4_000_000, 4_000_000 + fault_chats))
            await drain(tmp, "faults", analysis, ids, sb, rate=300, within_s=300)
            counts = received(sb, ids)
            lost = sum(1 for chat_id in ids if counts[chat_id] == 0)
            duplicates = sum(n - 1 for n in counts.values() if n > 1)
            faults = sum(sb.stats()["faults"].values())

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "bench": "delivery",
        "subscribers": subscribers,
        "enqueue_s": round(enqueue_s, 3),
        "ceiling_msgs_per_s": round(ceiling, 1),
        "limited_msgs_per_s": round(limited, 2),
        "http_429": http_429,
        "faults_injected": faults,
        "lost": lost,
        "duplicates": duplicates,
        "peak_rss_mb": round(peak_rss_mb, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(json.dumps(asyncio.run(main(args.quick))))
