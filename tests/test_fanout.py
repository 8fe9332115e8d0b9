"""A story's readers queued in batches (storage.fanout, PostgreSQL; issue 16). Each test
runs on both backends: SQLite queues every reader at publish, PostgreSQL the first batch
(3 chats per topic here) and the rest when delivery workers call fanout.expand. What
ends up queued must be the same; what changes between publish and the last batch
(chats deleted, blocked or moved, the story withdrawn or deleted) must reach it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from storage import articles, chats, corrections, fanout, outbox, subscriptions
from storage.articles import Followup, NewArticle, WatchRecipient
from storage.db import POSTGRES, Database
from storage.postgres import PostgresDatabase

BATCH = 3
NOW = 1_000_000.0


def story(title: str, *topics: str) -> NewArticle:
    return NewArticle(title=title, text="Body.", language="uk", topics=topics or ("nato",))


async def expand_all(db: Database) -> int:
    """What the workers do: batches until no fan-out is left. Batches queued."""
    batches = 0
    while await fanout.expand(db, batch=db.fanout_batch) is not None:
        batches += 1
        assert batches < 1000
    return batches


async def rows(db: Database, article_id: int) -> dict[int, tuple[str, str]]:
    """chat id -> (reason kind, reason value) of the story's rows; one row per chat."""
    found = await db.fetchall(
        "SELECT chat_id, reason_kind, reason_value FROM outbox WHERE article_id = ?",
        (article_id,),
    )
    by_chat = {int(r[0]): (str(r[1]), str(r[2])) for r in found}
    assert len(by_chat) == len(found), "a chat has two rows of one story"
    return by_chat


@pytest.fixture
async def fan_db(any_db: Database) -> Database:
    any_db.fanout_batch = BATCH
    return any_db


async def test_every_reader_once_for_its_strongest_topic(fan_db: Database) -> None:
    db = fan_db
    await chats.register_many(db, list(range(1, 11)), topic="nato")
    await chats.register_many(db, list(range(6, 16)), topic="ukraine")  # 6..10 follow both
    await chats.register_many(db, [-100_5, 99], topic="ukraine")  # a group, ids either side
    article_id, queued = await articles.publish(db, story("S", "ukraine", "nato"))
    assert queued == 17  # every reader counted, queued yet or not
    first = await rows(db, article_id)
    if db.dialect == POSTGRES:
        assert len(first) < 17 and await outbox.next_due_at(db) is not None
        assert await expand_all(db) >= 2
    assert await fanout.expand(db, batch=BATCH) is None
    got = await rows(db, article_id)
    expected = {c: ("topic", "ukraine") for c in [-100_5, 99, *range(6, 16)]}
    expected |= {c: ("topic", "nato") for c in range(1, 6)}
    assert got == expected


async def test_keyword_readers_after_the_topics_and_counted(fan_db: Database) -> None:
    db = fan_db
    await chats.register_many(db, list(range(1, 9)), topic="nato")
    await chats.register_many(db, [50, 51])  # no topic: a watch only
    watchers = [WatchRecipient(2, 7, "nato"), WatchRecipient(50, 8, "summit")]
    article_id, queued = await articles.publish(db, story("S"), watchers=watchers)
    assert queued == 9
    await expand_all(db)
    got = await rows(db, article_id)
    assert got[2] == ("topic", "nato")  # follows the topic: gets it for the topic
    assert got[50] == ("keyword", "summit") and 51 not in got
    assert len(got) == 9


async def test_changes_after_publish_reach_the_readers_not_queued_yet(fan_db: Database) -> None:
    db = fan_db
    await chats.register_many(db, list(range(1, 13)), topic="nato")
    article_id, _ = await articles.publish(db, story("S"))
    queued_at_publish = set(await rows(db, article_id))
    await db.execute("DELETE FROM chats WHERE id = 11")  # not queued yet on PostgreSQL
    await db.execute("DELETE FROM chats WHERE id = 1")  # queued at publish on both
    await chats.set_status(db, 12, chats.BLOCKED)
    await subscriptions.remove(db, 10, "nato")
    await chats.migrate(db, 9, -100_009)  # a new id, below the ids queued already
    await expand_all(db)
    got = await rows(db, article_id)
    assert 1 not in got and 11 not in got
    assert 9 not in got and -100_009 in got  # the moved chat under its new id, once
    if db.dialect == POSTGRES:
        assert 12 not in got and 10 not in got  # left out before their batch
        assert queued_at_publish == {1, 2, 3}
    else:
        assert await outbox.status_counts(db, article_id) == {"pending": 9, "blocked": 1}
    assert set(got) >= {2, 3, 4, 5, 6, 7, 8}


async def test_a_withdrawn_or_deleted_story_queues_nobody_more(fan_db: Database) -> None:
    db = fan_db
    await chats.register_many(db, list(range(1, 21)), topic="nato")
    withdrawn, _ = await articles.publish(db, story("W"))
    deleted, _ = await articles.publish(db, story("D"))
    await corrections.withdraw(db, withdrawn)
    await db.execute("DELETE FROM articles WHERE id = ?", (deleted,))
    await expand_all(db)
    assert await outbox.status_counts(db, deleted) == {}
    counts = await outbox.status_counts(db, withdrawn)
    assert counts.get("pending", 0) == 0
    assert await outbox.next_due_at(db) is None  # nothing left to do


async def test_a_followup_waits_for_its_earlier_story(fan_db: Database) -> None:
    """The follow-up leaves out the earlier story's readers (they get it as a reply
    once they have it): it is queued only when the earlier one is queued for all."""
    db = fan_db
    await chats.register_many(db, list(range(1, 11)), topic="nato")
    earlier, _ = await articles.publish(db, story("E"))
    await chats.register_many(db, [20, 21], topic="ukraine")
    later, _ = await articles.publish(
        db,
        story("F", "nato", "ukraine"),
        followup=Followup(earlier, adds_something=False),
    )
    await expand_all(db)
    assert set(await rows(db, earlier)) == set(range(1, 11))
    assert set(await rows(db, later)) == {20, 21}  # nobody gets both as new stories


async def test_a_failed_batch_leaves_nothing_behind(
    fan_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is one transaction with its step of the cursor: a worker dying in it (here
    an error after its rows were written) leaves the fan-out where it was."""
    db = fan_db
    await chats.register_many(db, list(range(1, 11)), topic="nato")
    article_id, _ = await articles.publish(db, story("S"))
    before = set(await rows(db, article_id))
    write = fanout._queue_range

    async def dies_after_writing(*args: object) -> int:
        await write(*args)  # type: ignore[arg-type]
        raise ConnectionResetError("worker gone")

    monkeypatch.setattr(fanout, "_queue_range", dies_after_writing)
    if db.dialect == POSTGRES:
        with pytest.raises(ConnectionResetError):
            await fanout.expand(db, batch=BATCH)
    assert set(await rows(db, article_id)) == before
    monkeypatch.setattr(fanout, "_queue_range", write)
    await expand_all(db)
    assert set(await rows(db, article_id)) == set(range(1, 11))


async def test_workers_expanding_at_once_queue_each_reader_once(pg_url: str) -> None:
    """Three "processes" (pools of their own) taking batches at the same moment, over two
    stories: each fan-out is expanded by one at a time (its row locked, SKIP LOCKED)."""
    dbs = [await PostgresDatabase.connect(pg_url, pool_size=2) for _ in range(3)]
    try:
        db = dbs[0]
        db.fanout_batch = 7
        await chats.register_many(db, list(range(1, 201)), topic="nato")
        ids = [(await articles.publish(db, story(f"S{n}")))[0] for n in range(2)]
        while True:
            done = await asyncio.gather(*(fanout.expand(one, batch=7) for one in dbs))
            if all(n is None for n in done):
                break
        for article_id in ids:
            assert set(await rows(db, article_id)) == set(range(1, 201))
    finally:
        for one in dbs:
            await one.close()


async def test_a_worker_gone_mid_batch_leaves_the_fan_out_to_others(pg_url: str) -> None:
    """A worker's connection dies (kill -9) while its batch waits in the server: the
    batch rolls back, its hold on the fan-out goes with it, another worker queues
    everyone once."""
    dying = await PostgresDatabase.connect(pg_url, pool_size=1)
    other = await PostgresDatabase.connect(pg_url, pool_size=2)  # the lock, and a look
    try:
        other.fanout_batch = BATCH
        await chats.register_many(other, list(range(1, 11)), topic="nato")
        article_id, _ = await articles.publish(other, story("S"))
        async with other.transaction() as conn:
            # The batch reads the subscriptions after taking the fan-out: it waits here.
            await conn.execute("LOCK TABLE subscriptions IN ACCESS EXCLUSIVE MODE")
            batch = asyncio.create_task(fanout.expand(dying, batch=BATCH))
            pid = None
            while pid is None:
                await asyncio.sleep(0.05)
                pid = await other.fetchval(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND backend_type = 'client backend' AND datname = current_database() "
                    "AND query LIKE '%FROM subscriptions%'"
                )
            assert await other.fetchval("SELECT pg_terminate_backend(?)", (pid,))
            with pytest.raises((asyncpg.InterfaceError, asyncpg.PostgresError)):
                await batch  # its connection is gone
        assert set(await rows(other, article_id)) == {1, 2, 3}
        await expand_all(other)
        assert set(await rows(other, article_id)) == set(range(1, 11))
    finally:
        await dying.close()
        await other.close()


async def test_the_depth_counts_who_will_get_a_story_queued_or_not(fan_db: Database) -> None:
    """outbox.depth (the metrics' queue length) counts a fan-out's readers not queued yet
    as they will be queued: a follow-up waiting for its earlier story leaves out that
    story's readers, queued yet or not; a keyword reader who had it too."""
    db = fan_db
    await chats.register_many(db, list(range(1, 11)), topic="nato")
    await chats.register_many(db, [50, 51])  # no topic: watches only
    earlier, _ = await articles.publish(
        db, story("E"), now=NOW, watchers=[WatchRecipient(50, 1, "x")]
    )
    await chats.register_many(db, [20, 21], topic="ukraine")
    watchers = [WatchRecipient(50, 2, "y"), WatchRecipient(51, 3, "y")]
    later, queued = await articles.publish(
        db,
        story("F", "nato", "ukraine"),
        followup=Followup(earlier, adds_something=False),
        watchers=watchers,
        now=NOW,
    )
    assert queued == 3  # 20, 21 and 51: the others have the earlier story, or will
    depth = await outbox.depth(db, now=NOW + 60)
    assert depth.readers == 11 + 3 and depth.oldest_due is not None
    assert depth.unqueued == (0 if db.dialect != POSTGRES else 14 - 3)
    while await fanout.expand(db, batch=db.fanout_batch) is not None:
        assert (await outbox.depth(db, now=NOW + 60)).readers == 14
    assert set(await rows(db, later)) == {20, 21, 51}
    rows_left = await outbox.due(db, now=NOW + 60)
    await outbox.mark_sent(db, [(r.id, 1) for r in rows_left])
    assert await outbox.depth(db, now=NOW + 60) == outbox.Depth(0, 0, None)
