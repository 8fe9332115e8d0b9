"""Several processes on one database (issue 16): outbox rows claimed with a lease, the
global send budget shared by every worker, jobs held by one process, updates claimed
by the process that stored them. Here the "processes" are separate connections with
their own holder ids on one SQLite file (`shared = True`, as a server database says);
tests/test_scale_processes.py runs real processes."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot, Update

from bot import news
from bot.cluster import JobLease, permit_taker
from bot.delivery import DeliveryWorker
from bot.domain import Article
from bot.pacing import Pacer, SharedPermits
from bot.sandbox import Sandbox
from bot.sender_http import AiohttpRequest
from bot.topics import TopicCatalog
from bot.updates import UpdateJournal
from storage import articles, chats, destinations, leases, outbox, subscriptions
from storage.articles import NewArticle
from storage.backends import open_database
from storage.db import Database
from tests.e2e import STORY

TOPIC = "us-russia-security"


async def open_shared(path: Path) -> Database:
    db = await open_database(path)
    db.shared = True  # like a server database: other processes' claims are live
    return db


async def publish(db: Database, analysis: news.Analysis, title: str = "Story") -> int:
    article_id, _ = await articles.publish(
        db,
        NewArticle(title=title, text=STORY, language="uk", topics=(TOPIC,), analysis=analysis),
    )
    return article_id


async def test_claims_leave_other_holders_rows_and_chats_alone(db: Database) -> None:
    await chats.register_many(db, [1, 2, 3], topic=TOPIC)
    analysis = news.analyze(STORY)
    await publish(db, analysis, "one")
    await publish(db, analysis, "two")  # every chat has two rows now
    now = time.time()
    mine = await outbox.claim(db, "a", lease_s=30, now=now, limit=3)
    assert len(mine) == 3
    theirs = await outbox.claim(db, "b", lease_s=30, now=now)
    # b gets no row of a chat a holds, though each chat has a second, unclaimed row.
    assert {r.chat_id for r in theirs}.isdisjoint({r.chat_id for r in mine})
    assert {r.id for r in theirs}.isdisjoint({r.id for r in mine})
    again = await outbox.claim(db, "a", lease_s=30, now=now, exclude=[r.id for r in mine])
    assert {r.chat_id for r in again} <= {r.chat_id for r in mine}
    # a dies: once its lease has run out, b takes everything that is left.
    later = await outbox.claim(db, "b", lease_s=30, now=now + 31)
    assert len(later) == 6 - len(theirs)
    # A sent row holds its chat a while against other workers, not against its sender.
    await outbox.mark_sent(db, [(later[0].id, 77)], hold_s=3.0)
    await outbox.release(db, "b")
    held = later[0].chat_id
    assert held not in {r.chat_id for r in await outbox.claim(db, "c", lease_s=30)}


async def forum_with_topics(db: Database, group: int, threads: list[int]) -> list[int]:
    """A forum group whose topics each subscribe to TOPIC (the topics' own chat ids)."""
    ids = []
    for thread in threads:
        found = await destinations.topic(db, group, thread, title=f"t{thread}")
        await subscriptions.add(db, found.id, TOPIC)
        ids.append(found.id)
    return ids


async def test_topics_of_one_forum_group_share_its_hold_across_workers(any_db: Database) -> None:
    """Telegram's 20/min is per group: a worker holding (or having just sent to) one topic
    of a forum group keeps every other worker off all the group's topics and the group."""
    db = any_db
    group = -100_777
    await chats.register_many(db, [group, 8], topic=TOPIC)  # the group itself, a reader
    topic_ids = await forum_with_topics(db, group, [11, 12, 13])
    await publish(db, news.analyze(STORY))
    now = time.time()
    first = await outbox.claim(db, "a", lease_s=30, now=now, limit=1)
    assert [r.target for r in first] == [group]
    theirs = await outbox.claim(db, "b", lease_s=30, now=now)
    # b gets the private reader only: the group and its other topics wait for a.
    assert [r.chat_id for r in theirs] == [8]
    mine = await outbox.claim(db, "a", lease_s=30, now=now, exclude=[first[0].id])
    assert {r.chat_id for r in first + mine} == {group, *topic_ids}
    # Sent, the rows keep the group's hold: b still finds nothing of it to claim.
    await outbox.mark_sent(db, [(r.id, 1) for r in first + mine], hold_s=3.0)
    await outbox.release(db, "a")
    await publish(db, news.analyze(STORY), "two")
    later = await outbox.claim(db, "b", lease_s=30)
    assert {r.chat_id for r in later} == {8}
    # Once the hold has run out the group's rows are anyone's.
    free = await outbox.claim(db, "b", lease_s=30, now=time.time() + 4)
    assert {r.chat_id for r in free} == {8, group, *topic_ids}


async def test_claims_at_once_on_postgres_never_share_a_forum_group(pg_url: str) -> None:
    """Four "processes" (pools of their own) claiming at the same moment, over and over:
    no family (a group and its topics) ever has live leases of two holders. A claim's
    snapshot may predate another claim's commit; the family's advisory lock and the
    second look after it are what keep them apart."""
    from storage.postgres import PostgresDatabase

    dbs = [await PostgresDatabase.connect(pg_url, pool_size=2) for _ in range(4)]
    try:
        db = dbs[0]
        groups = [-100_000 - n for n in range(12)]
        for group in groups:
            await forum_with_topics(db, group, [1, 2, 3])
        analysis = news.analyze(STORY)
        for n in range(3):
            await publish(db, analysis, f"story {n}")
        for _ in range(15):
            await asyncio.gather(
                *(outbox.claim(one, f"h{i}", lease_s=30, limit=4) for i, one in enumerate(dbs))
            )
            rows = await db.fetchall(
                "SELECT c.parent_id, COUNT(DISTINCT o.claimed_by) FROM outbox o "
                "JOIN chats c ON c.id = o.chat_id WHERE o.lease_until > ? GROUP BY c.parent_id",
                (time.time(),),
            )
            assert rows and all(int(r[1]) == 1 for r in rows), rows
            await db.execute("UPDATE outbox SET claimed_by = NULL, lease_until = NULL")
    finally:
        for one in dbs:
            await one.close()


async def test_renewed_leases_keep_rows_and_release_hands_them_on(db: Database) -> None:
    await chats.register_many(db, [5, 6], topic=TOPIC)
    await publish(db, news.analyze(STORY))
    now = time.time()
    assert len(await outbox.claim(db, "a", lease_s=10, now=now)) == 2
    assert await outbox.renew(db, "a", lease_s=10, now=now + 5) == 2
    assert await outbox.claim(db, "b", lease_s=10, now=now + 12) == []  # renewed to 15
    assert await outbox.release(db, "a") == 2
    assert len(await outbox.claim(db, "b", lease_s=10, now=now + 12)) == 2


async def test_shared_schedule_never_books_a_slot_twice(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    one, two = await open_shared(path), await open_shared(path)
    try:
        booked: list[float] = []
        now = time.time()
        for _ in range(20):
            for db in (one, two):
                first = await leases.reserve_slots(db, "global", count=5, interval_s=0.1, now=now)
                booked += [first + i * 0.1 for i in range(5)]
        booked.sort()
        gaps = [b - a for a, b in itertools.pairwise(booked)]
        assert len(booked) == 200 and min(gaps) > 0.099
        assert booked[0] >= now - 1e-6
    finally:
        await one.close()
        await two.close()


async def test_job_lease_moves_to_a_survivor(db: Database) -> None:
    a = JobLease(db, "feeds", "a", check_s=1.0, grace_s=1.0)
    b = JobLease(db, "feeds", "b", check_s=1.0, grace_s=1.0)
    ran: list[str] = []

    async def job(name: str) -> str:
        ran.append(name)
        return name

    assert await a.run(lambda: job("a")) == "a"
    assert await b.run(lambda: job("b")) is None  # a holds it until its next tick
    assert await a.run(lambda: job("a")) == "a"  # the holder keeps it from tick to tick
    await asyncio.sleep(2.1)  # a died: missed its tick by the grace
    assert await b.run(lambda: job("b")) == "b"
    assert await a.run(lambda: job("a")) is None
    await b.release()  # a clean stop hands it on at once
    assert await a.run(lambda: job("a")) == "a"
    assert ran == ["a", "a", "b", "a"]


async def test_a_long_run_keeps_its_lease(db: Database) -> None:
    a = JobLease(db, "digests", "a", check_s=0.5, grace_s=1.5)
    b = JobLease(db, "digests", "b", check_s=0.5, grace_s=1.5)
    started = asyncio.Event()

    async def long_job() -> None:
        started.set()
        await asyncio.sleep(3.0)  # longer than the lease: renewed while it runs

    running = asyncio.create_task(a.run(long_job))
    await started.wait()
    await asyncio.sleep(2.5)

    async def other() -> str:
        return "b"

    assert await b.run(other) is None  # a still holds it, renewed during the run
    await running


def update_of(update_id: int, bot: Bot) -> Update:
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 9, "type": "private", "first_name": "U"},
        "from": {"id": 9, "is_bot": False, "first_name": "U"},
        "text": "/start",
    }
    return Update.de_json({"update_id": update_id, "message": message}, bot)


async def test_an_update_is_handled_by_one_process_and_rescued_after_its_lease(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    bot = Bot("123:abcdefghijkl")
    first, second = UpdateJournal("a", lease_s=1.0), UpdateJournal("b", lease_s=1.0)
    first.db, second.db = await open_shared(path), await open_shared(path)
    try:
        update = update_of(41, bot)
        assert await first.store(update)  # stored and claimed by a
        assert not await second.store(update)  # Telegram resent it to b: a has it
        assert await second.pending(bot) == []  # a's lease is live
        await asyncio.sleep(1.1)  # a died holding it
        [rescued] = await second.pending(bot)
        assert rescued.update_id == 41
        assert await first.pending(bot) == []  # b holds it now
        await second.done(rescued)
        await asyncio.sleep(1.1)
        assert not await first.store(update)  # handled: nobody takes it again
        assert await first.pending(bot) == []
    finally:
        for journal in (first, second):
            assert journal.db is not None
            await journal.db.close()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox("123456:SANDBOX-cluster") as sb:
        yield sb


async def worker(sb: Sandbox, db: Database, holder: str, rate: float) -> DeliveryWorker:
    bot = Bot(sb.token, base_url=sb.base_url, request=AiohttpRequest(read_timeout=5))
    await bot.initialize()
    found = DeliveryWorker(
        db,
        bot,
        rate_per_s=rate,
        default_language="en",
        timezone="Europe/Kyiv",
        topic_names=TopicCatalog.load().names,
        holder=holder,
        lease_s=2.0,
        pacer=Pacer(rate, shared=SharedPermits(permit_taker(db, holder), rate)),
    )
    found.start()
    return found


@contextlib.asynccontextmanager
async def broadcast(
    sandbox: Sandbox, tmp_path: Path, readers: list[int], *, workers: int = 2
) -> AsyncIterator[list[DeliveryWorker]]:
    """Workers "a", "b", … at 30/s on one shared database, woken after one story was
    published for `readers`; stopped and closed on the way out."""
    # One connection for every "process" (two SQLite connections writing at once lock
    # each other out; the server database is where several processes really share).
    db = await open_shared(tmp_path / "bot.db")
    # On PostgreSQL the publish queues 7 readers and the workers queue the rest in
    # batches of 7 while they send (storage.fanout); SQLite queues them all at once.
    db.fanout_batch = 7
    await chats.register_many(db, readers, topic=TOPIC)
    for chat_id in readers:
        sandbox.register_chat(chat_id)
    started = [await worker(sandbox, db, "abcdef"[n], 30) for n in range(workers)]
    try:
        await publish(db, news.analyze(STORY))
        for one in started:
            one.wake()
        yield started
    finally:
        for one in started:
            await one.stop()
            await one.bot.shutdown()
        await db.close()


async def test_two_workers_keep_the_global_rate_together_and_survive_a_death(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    readers = list(range(1000, 1090))
    async with broadcast(sandbox, tmp_path, readers) as [a, b]:
        await sandbox.wait_until(lambda: len(sandbox.all_messages()) >= 30, timeout=30)
        # a is killed: its task ends without a flush or a release; b inherits its rows.
        assert a._task is not None
        a._task.cancel()
        assert await b.drained(60)
        counts = {chat_id: len(sandbox.messages(chat_id)) for chat_id in readers}
        assert min(counts.values()) == 1  # nobody lost
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= 64 + 1  # at most what a had in flight, never more
        assert a.stats.sent > 0 and b.stats.sent > 0  # both worked (each claims ~2 s of sends)
        # Together at most 30 in any rolling second, as the sandbox counts them.
        assert sandbox.stats()["rate_limited"] == 0
        times = sorted(m.sent_at for m in sandbox.all_messages())
        assert all(later - early >= 1.0 for early, later in zip(times, times[30:], strict=False))


def busiest_second(times: list[float]) -> int:
    """The most sends the sandbox counted in any rolling second."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))


async def test_three_workers_keep_the_rate_where_requests_arrive_with_random_delays(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Each request reaches the sandbox 0–0.8 s after it left (a busy machine's
    transit), so sends spread evenly when they leave bunch when they arrive. The
    workers' budget counts a send until a second after its answer, which comes after
    its arrival: no rolling second at the sandbox holds more than 30."""
    sandbox.set_faults(jitter_s=0.8, seed=16)
    readers = list(range(3000, 3240))
    async with broadcast(sandbox, tmp_path, readers, workers=3) as started:
        for one in started:
            assert await one.drained(60)
        counts = {chat_id: len(sandbox.messages(chat_id)) for chat_id in readers}
        assert set(counts.values()) == {1}
    assert sandbox.stats()["rate_limited"] == 0
    assert busiest_second([m.sent_at for m in sandbox.all_messages()]) <= 30
    assert all(one.stats.sent > 0 for one in started)


async def test_sends_that_waited_for_the_story_keep_the_rate_when_they_leave_together(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sends of a round wait for the story to load; when it comes (here all
    at once, as from a busy database) they leave together. Their permits were occupied
    all the while they waited, so the sandbox's rolling second still holds."""
    load = articles.get
    ready: list[float] = []

    async def slow_load(db: Database, article_id: int) -> Article | None:
        loop = asyncio.get_running_loop()
        if not ready:
            ready.append(loop.time() + 1.0)
        await asyncio.sleep(max(0.0, ready[0] - loop.time()))
        return await load(db, article_id)

    monkeypatch.setattr(articles, "get", slow_load)
    readers = list(range(1000, 1070))
    async with broadcast(sandbox, tmp_path, readers) as [a, b]:
        assert await a.drained(60) and await b.drained(60)
        counts = {chat_id: len(sandbox.messages(chat_id)) for chat_id in readers}
        assert set(counts.values()) == {1}
    assert sandbox.stats()["rate_limited"] == 0
    times = sorted(m.sent_at for m in sandbox.all_messages())
    assert all(later - early >= 1.0 for early, later in zip(times, times[30:], strict=False))


async def test_a_round_longer_than_the_lease_keeps_its_rows(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Two live workers sharing the send schedule: each claims 2 s of sends at the full
    rate but gets half the slots, so a round outlasts the 2 s lease. The lease is renewed
    during the round, so neither takes rows the other still holds: nobody gets a copy
    twice."""
    readers = list(range(2000, 2090))
    async with broadcast(sandbox, tmp_path, readers) as [a, b]:
        assert await a.drained(60) and await b.drained(60)
        counts = {chat_id: len(sandbox.messages(chat_id)) for chat_id in readers}
        assert set(counts.values()) == {1}, sum(n - 1 for n in counts.values())


async def waiting_on_locks(db: Database, n: int) -> None:
    """Until n statements of this database wait for a row lock (at most ~10 s)."""
    for _ in range(1000):
        count = await db.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        if int(count) >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{n} waiting statements expected")


async def test_a_renewal_and_a_flush_at_once_never_deadlock(pg_url: str) -> None:
    """A worker's lease renewal and its flush of sent rows each lock several of its rows
    in one transaction; both take them in id order, so with the renewal holding the first
    row and waiting for the second, the flush waits for the first instead of holding the
    last (in send order it did, and the renewal's wait for it ended in a deadlock)."""
    from storage.postgres import PostgresDatabase

    db = await PostgresDatabase.connect(pg_url, pool_size=5)
    try:
        await chats.register_many(db, [11, 12, 13], topic=TOPIC)
        await publish(db, news.analyze(STORY))
        first, middle, last = sorted(r.id for r in await outbox.claim(db, "a", lease_s=30))
        async with db.pool.acquire() as blocker:
            hold = blocker.transaction()
            await hold.start()
            await blocker.execute("SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE", middle)
            renewal = asyncio.create_task(outbox.renew(db, "a", lease_s=30))
            await waiting_on_locks(db, 1)  # it holds `first` and waits for `middle`
            flush = asyncio.create_task(outbox.mark_sent(db, [(last, 1), (first, 2)]))
            await waiting_on_locks(db, 2)
            await hold.rollback()
        assert await renewal == 3
        await flush
        sent = await db.fetchval("SELECT count(*) FROM outbox WHERE status = 'sent'")
        assert sent == 2
    finally:
        await db.close()
