"""Outbox across workers: one story for N readers, two delivery workers with their own
holder ids and the shared send budget draining it against the sandbox (its own
process, paid-broadcast limits), one worker killed mid-run.

Prints one JSON line: enqueue_s (one story to N readers, one transaction), msgs_per_s,
over_limit (429s the sandbox answered: sends over Telegram's limits), lost (readers
without the story), duplicates (extra copies), in_flight_max (the rows the killed worker
held unconfirmed when it died — leased, pending: on the wire, sent but unrecorded, or
still to send — read from the database right after the kill: the bound on duplicates),
duplicates_live (extra copies to readers outside that set: a live worker sent a row
twice; must be 0), workers.

Default (and `--quick`, 3,000 readers, in CI): the SQLite backend, both workers in this
process on one connection (SQLite is one process per file); the kill cancels the
worker's loop and its sends without a flush or a release, as a kill -9 would leave
them; its rows return after the lease. Default size 100,000 readers; `--enqueue-only`
times the enqueue alone.

`--backend postgres` (PostgreSQL at `--database-url` or DATABASE_URL, an empty
database; else a throwaway cluster started with tests.pg_cluster): the deployment's
way, three `main.py worker` processes drain `--readers` (default 20,000) readers, one
sent SIGKILL a third of the way; then, with the workers gone, one more story is queued
for `--enqueue-readers` (default 1,000,000) other readers: enqueue_s is that publish
(the story and its first batch of rows in one transaction, into an outbox that holds
the drained rows; queued_at_publish says how many), expand_s the time one process then
takes to queue the rest a batch at a time as the workers do (storage.fanout;
expand_batches of them); depth_s is one read of the metrics' outbox depth between the
two (it must count every reader, queued or not). The drain's story goes the same way:
the workers queue its readers past the first batch while they send.

Search at scale (issue 16), on the run's backend after the outbox part:
`--search-stories` (default 100,000; 10,000 with `--quick`; 0: none) stories from
benchmarks/search.py's generator are stored and indexed, then its 200 queries are timed
one by one: search_p50_ms, search_p99_ms (with search_stories, search_index_docs_per_s).
`--search-only` runs that part alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from delivery import STORY, TOKEN, TOPIC, RemoteSandbox, story  # noqa: E402
from search import BATCH, CORPUS, load_corpus, make_articles, make_queries, pct  # noqa: E402
from search import vocabulary as search_vocabulary  # noqa: E402
from telegram import Bot  # noqa: E402

from bot import news  # noqa: E402
from bot.cluster import permit_taker  # noqa: E402
from bot.delivery import IN_FLIGHT, DeliveryWorker  # noqa: E402
from bot.pacing import Pacer, SharedPermits  # noqa: E402
from bot.search import engine as search_engine  # noqa: E402
from bot.search.index import new_article  # noqa: E402
from bot.sender_http import AiohttpRequest  # noqa: E402
from bot.topics import TopicCatalog  # noqa: E402
from storage import articles, chats, fanout, outbox  # noqa: E402
from storage.backends import open_database  # noqa: E402
from storage.db import Database  # noqa: E402

RATE = 1000.0  # paid broadcasts: Telegram's ceiling
LEASE_S = 3.0
ENQUEUE_FROM = 50_000_000  # chat ids of the big enqueue's readers (never the drain's)


def report(
    *,
    readers: int,
    chat_ids: list[int],
    counts: dict[int, int],
    stats: dict[str, Any],
    enqueue_s: float,
    seconds: float,
    held: set[int],
    backend: str,
    workers: int = 2,
) -> dict[str, object]:
    """The JSON line: every reader's count of the story, and the sandbox's 429s; `held`
    is the killed worker's unconfirmed chats."""
    got = [counts.get(chat_id, 0) for chat_id in chat_ids]
    live = [counts.get(chat_id, 0) for chat_id in chat_ids if chat_id not in held]
    return {
        "readers": readers,
        "workers": workers,
        "killed": 1,
        "enqueue_s": round(enqueue_s, 3),
        "msgs_per_s": round(sum(got) / seconds, 1),
        "over_limit": int(stats["rate_limited"]),
        "lost": sum(1 for n in got if n == 0),
        "duplicates": sum(n - 1 for n in got if n > 1),
        "in_flight_max": len(held),
        "duplicates_live": sum(n - 1 for n in live if n > 1),
        "backend": backend,
    }


async def make_worker(db: Database, sandbox: RemoteSandbox, holder: str) -> DeliveryWorker:
    bot = Bot(
        TOKEN,
        base_url=sandbox.base_url,
        request=AiohttpRequest(connection_pool_size=IN_FLIGHT + 4, read_timeout=20),
    )
    await bot.initialize()
    worker = DeliveryWorker(
        db,
        bot,
        rate_per_s=RATE,
        default_language="uk",
        timezone="Europe/Kyiv",
        topic_names=TopicCatalog.load().names,
        paid_broadcast=True,
        holder=holder,
        lease_s=LEASE_S,
        pacer=Pacer(RATE, shared=SharedPermits(permit_taker(db, holder), RATE)),
    )
    worker.backoff_base_s = 0.25
    return worker


async def unconfirmed(db: Database, holder_like: str) -> set[int]:
    """The chats of the pending rows a holder (LIKE pattern) leases: all a killed worker
    can have sent without recording it. Read before the lease runs out (nobody else may
    take them sooner)."""
    rows = await db.fetchall(
        "SELECT chat_id FROM outbox WHERE status = 'pending' AND claimed_by LIKE ?",
        (holder_like,),
    )
    return {int(row[0]) for row in rows}


def kill(worker: DeliveryWorker) -> None:
    """Stop the worker as kill -9 would: nothing flushed, nothing released, no lease
    renewed."""
    for task in (worker._task, worker._flusher, worker._expander, worker._renewer):
        if task is not None:
            task.cancel()
    for task in list(worker._tasks):
        task.cancel()
    worker._sent_buffer.clear()


async def run(readers: int, tmp: Path) -> dict[str, object]:
    analysis = news.analyze(STORY)
    chat_ids = list(range(10_000, 10_000 + readers))
    async with RemoteSandbox(limits=True) as sandbox:
        await sandbox.control("register_chats", chat_ids=chat_ids)
        db = await open_database(tmp / "scale.db")
        db.shared = True  # two holders: each other's claims are live
        await chats.register_many(db, chat_ids, topic=TOPIC)
        first = await make_worker(db, sandbox, "worker-1")
        second = await make_worker(db, sandbox, "worker-2")
        try:
            started = time.perf_counter()
            await articles.publish(db, story(analysis, 1))
            enqueue_s = time.perf_counter() - started
            drain_start = time.perf_counter()
            first.start()
            second.start()
            for _ in range(30_000):  # at most 10 min: kill the first a third of the way
                if first.stats.sent >= readers // 3:
                    break
                await asyncio.sleep(0.02)
            kill(first)
            await asyncio.sleep(0.1)  # its cancelled tasks end (a flush rolls back)
            held = await unconfirmed(db, first.holder)
            if not await second.drained(600):
                raise TimeoutError("outbox not drained")
            seconds = time.perf_counter() - drain_start
            counts = await sandbox.counts()
            stats = await sandbox.control("stats")
        finally:
            await second.stop()
            for worker in (first, second):
                await worker.bot.shutdown()
            await db.close()
    return report(
        readers=readers,
        chat_ids=chat_ids,
        counts=counts,
        stats=stats,
        enqueue_s=enqueue_s,
        seconds=seconds,
        held=held,
        backend="sqlite, both workers in one process",
    )


async def enqueue_only(readers: int, tmp: Path) -> dict[str, object]:
    """Just the enqueue: one story to `readers` readers in one transaction."""
    db = await open_database(tmp / "enqueue.db")
    try:
        await chats.register_many(db, list(range(10_000, 10_000 + readers)), topic=TOPIC)
        started = time.perf_counter()
        _, queued = await articles.publish(db, story(news.analyze(STORY), 1))
        seconds = time.perf_counter() - started
    finally:
        await db.close()
    return {"readers": readers, "queued": queued, "enqueue_s": round(seconds, 3)}


async def enqueue_many(db: Database, readers: int) -> dict[str, float]:
    """Seconds to publish one story to `readers` new readers of a topic of their own
    (enqueue_s), then to queue the readers the publish left to the workers as one
    worker would, a batch at a time (expand_s, PostgreSQL's fan-out; 0 on SQLite)."""
    topic = "scale-enqueue"
    await chats.register_many(db, list(range(ENQUEUE_FROM, ENQUEUE_FROM + readers)), topic=topic)
    await db.execute("ANALYZE")  # as autovacuum would after a bulk load
    new = replace(story(news.analyze(STORY), 2), topics=(topic,))
    started = time.perf_counter()
    article_id, queued = await articles.publish(db, new)
    seconds = time.perf_counter() - started
    if queued != readers:
        raise RuntimeError(f"queued {queued} rows for {readers} readers")
    count = "SELECT COUNT(*) FROM outbox WHERE article_id = ?"
    at_publish = await db.fetchval(count, (article_id,))
    started = time.perf_counter()
    depth = await outbox.depth(db, now=time.time())
    depth_s = time.perf_counter() - started
    if depth.unqueued != readers - at_publish:
        raise RuntimeError(f"depth {depth} for {readers} readers, {at_publish} queued")
    started = time.perf_counter()
    batches = 0
    while await fanout.expand(db, batch=db.fanout_batch) is not None:
        batches += 1
    expand_s = time.perf_counter() - started
    rows = await db.fetchval(count, (article_id,))
    if rows != readers:
        raise RuntimeError(f"{rows} rows for {readers} readers")
    return {
        "enqueue_s": seconds,
        "queued_at_publish": int(at_publish),
        "expand_s": round(expand_s, 3),
        "depth_s": round(depth_s, 3),
        "expand_batches": batches,
    }


async def run_processes(
    readers: int, url: str, *, workers: int = 3, enqueue_readers: int = 0
) -> dict[str, object]:
    """The deployment's way: `workers` `main.py worker` processes on PostgreSQL, one
    killed with SIGKILL a third of the way; then the big enqueue, if asked for."""

    analysis = news.analyze(STORY)
    chat_ids = list(range(10_000, 10_000 + readers))
    async with RemoteSandbox(limits=True) as sandbox:
        await sandbox.control("register_chats", chat_ids=chat_ids)
        db = await open_database(url)
        try:
            await chats.register_many(db, chat_ids, topic=TOPIC)
            started = time.perf_counter()
            await articles.publish(db, story(analysis, 1))
            enqueue_s = time.perf_counter() - started
        finally:
            await db.close()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": sandbox.base_url,
            "SEND_RATE": str(int(RATE)),
            "ALLOW_PAID_BROADCAST": "true",
            "LEASE_S": str(LEASE_S),
            "LOG_LEVEL": "WARNING",
        }
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "main.py"), "worker", cwd=ROOT, env=env
            )
            for _ in range(workers)
        ]
        drain_start = time.perf_counter()
        db = await open_database(url)  # to read the killed worker's rows
        try:
            total = 0
            for _ in range(30_000):
                total = sum((await sandbox.counts()).values())
                if total >= readers // 3:
                    break
                await asyncio.sleep(0.05)
            procs[0].send_signal(signal.SIGKILL)
            await procs[0].wait()
            # Its holder id names its pid (bot.cluster.new_holder).
            held = await unconfirmed(db, f"worker@%:{procs[0].pid}:%")
            for _ in range(12_000):
                counts = await sandbox.counts()
                if all(counts.get(c, 0) for c in chat_ids):
                    break
                await asyncio.sleep(0.05)
            seconds = time.perf_counter() - drain_start
            await asyncio.sleep(LEASE_S + 1)  # late duplicates, if any, arrive now
            counts = await sandbox.counts()
            stats = await sandbox.control("stats")
        finally:
            await db.close()
            for proc in procs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 60)
    drain_enqueue_s = enqueue_s
    big: dict[str, float] = {}
    if enqueue_readers:
        db = await open_database(url)
        try:
            big = await enqueue_many(db, enqueue_readers)
            enqueue_s = big.pop("enqueue_s")
        finally:
            await db.close()
    figures = report(
        readers=readers,
        chat_ids=chat_ids,
        counts=counts,
        stats=stats,
        enqueue_s=enqueue_s,
        seconds=seconds,
        held=held,
        backend="postgresql, main.py worker processes, one SIGKILLed",
        workers=workers,
    )
    figures["enqueue_readers"] = enqueue_readers or readers
    figures["drain_enqueue_s"] = round(drain_enqueue_s, 3)
    figures.update(big)
    return figures


async def search_at_scale(target: Path | str, stories: int) -> dict[str, object]:
    """Store `stories` stories (benchmarks/search.py's, indexed as they are stored) in
    the database at `target`, then time benchmarks/search.py's queries one at a time."""
    rng = random.Random(6)  # the search benchmark's seed: the same stories and queries
    sentences, titles, sources = load_corpus()
    fields = make_articles(stories, rng, sentences, titles, sources)
    words, _ = search_vocabulary(sentences)
    news.warm_up()
    db = await open_database(target)
    try:
        now = time.time()
        started = time.perf_counter()
        for i in range(0, stories, BATCH):
            async with db.transaction() as conn:
                for one in fields[i : i + BATCH]:
                    await articles.insert(conn, new_article(**one), now=now)
        index_s = time.perf_counter() - started
        await db.execute("ANALYZE")  # as autovacuum would after a bulk load
        queries = make_queries(rng, words, sentences, sources)
        for query in queries[:10]:  # caches warm, as in a running bot
            await search_engine.search(db, query, now=now)
        times = []
        for query in queries:
            started = time.perf_counter()
            await search_engine.search(db, query, now=now)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        await db.close()
    return {
        "search_stories": stories,
        "search_p50_ms": round(statistics.median(times), 2),
        "search_p99_ms": round(pct(times, 0.99), 2),
        "search_index_docs_per_s": round(stories / index_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 readers (CI)")
    parser.add_argument("--readers", type=int, default=None)
    parser.add_argument(
        "--enqueue-only", action="store_true", help="time the enqueue alone (e.g. 1,000,000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url", help="PostgreSQL (an empty database); implies --backend postgres"
    )
    parser.add_argument("--workers", type=int, default=3, help="worker processes (postgres)")
    parser.add_argument(
        "--enqueue-readers",
        type=int,
        default=None,
        help="postgres: readers of the story queued after the drain (default 1,000,000)",
    )
    parser.add_argument(
        "--search-stories",
        type=int,
        default=None,
        help="stories indexed for the search timing (default 100,000; --quick 10,000; 0: none)",
    )
    parser.add_argument("--search-only", action="store_true", help="the search timing alone")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    searched = args.search_stories
    if searched is None:
        searched = 10_000 if args.quick else 100_000
    if searched and not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the search timing needs ../shared (or --search-stories 0)")
    postgres = args.backend == "postgres" or bool(args.database_url)
    if postgres:
        readers = args.readers or (3_000 if args.quick else 20_000)
        enqueue_readers = args.enqueue_readers
        if enqueue_readers is None:
            enqueue_readers = 0 if args.quick else 1_000_000
    else:
        readers = args.readers or (3_000 if args.quick else 100_000)
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-") as tmp:
        if postgres:
            from tests import pg_cluster

            given = args.database_url or os.environ.get("DATABASE_URL")
            with pg_cluster.given_or_throwaway(given, Path(tmp)) as url:
                figures = {}
                if not args.search_only:
                    figures = asyncio.run(
                        run_processes(
                            readers, url, workers=args.workers, enqueue_readers=enqueue_readers
                        )
                    )
                if searched:
                    figures.update(asyncio.run(search_at_scale(url, searched)))
        elif args.enqueue_only:
            print(json.dumps(asyncio.run(enqueue_only(readers, Path(tmp)))))
            return
        else:
            figures = {} if args.search_only else asyncio.run(run(readers, Path(tmp)))
            if searched:
                figures.update(asyncio.run(search_at_scale(Path(tmp) / "search.db", searched)))
    print(json.dumps(figures))
    if args.search_only:
        return
    bad = figures["lost"] or figures["over_limit"] or figures["duplicates_live"]
    if bad or int(str(figures["duplicates"])) > int(str(figures["in_flight_max"])):
        sys.exit(1)


if __name__ == "__main__":
    main()
