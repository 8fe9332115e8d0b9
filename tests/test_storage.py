import sqlite3
import time
from pathlib import Path

import pytest

from storage import articles, chats, outbox, subscriptions
from storage.articles import Followup, NewArticle, WatchRecipient
from storage.backends import open_database
from storage.db import SCHEMA_VERSION, Database
from storage.lock import AlreadyRunning, InstanceLock
from tests.stored import sqlite_of


def story(*topics: str) -> NewArticle:
    return NewArticle(title="T", text="Body.", language="uk", topics=topics)


@pytest.mark.sqlite_only("PRAGMAs and user_version are SQLite's")
async def test_pragmas_and_version(db: Database) -> None:
    async with sqlite_of(db).conn.execute("PRAGMA journal_mode") as c:
        assert tuple(await c.fetchone() or ()) == ("wal",)
    async with sqlite_of(db).conn.execute("PRAGMA foreign_keys") as c:
        assert tuple(await c.fetchone() or ()) == (1,)
    assert await db.version() == SCHEMA_VERSION


@pytest.mark.sqlite_only("SQLite's migrations 0001-0011 on a file")
async def test_old_schema_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await open_database(path, migrate=False)
    assert await old.migrate(target=1) == 1
    await sqlite_of(old).conn.execute(
        "INSERT INTO chats (id, type, status, created_at, updated_at) VALUES (7, 'private',"
        " 'active', 0, 0)"
    )
    await sqlite_of(old).conn.execute(
        "INSERT INTO subscriptions (chat_id, topic_id, created_at) VALUES (7, 'nato', 0)"
    )
    await old.close()
    with sqlite3.connect(path) as raw:
        columns = {row[1] for row in raw.execute("PRAGMA table_info(chats)")}
    assert "mode" not in columns  # really the old schema on disk

    db = await open_database(path)
    try:
        assert await db.version() == SCHEMA_VERSION > 1
        chat = await chats.get(db, 7)
        assert chat is not None and chat.mode == "instant"
        assert await subscriptions.topics_of(db, 7) == ["nato"]
    finally:
        await db.close()


async def test_publish_queues_one_row_per_subscribed_active_chat(db: Database) -> None:
    for chat_id in (1, 2, 3, 4):
        await chats.touch(db, chat_id, telegram_language="uk")
    await subscriptions.add(db, 1, "nato")
    await subscriptions.add(db, 1, "energy")  # two topics, still one message
    await subscriptions.add(db, 2, "energy")
    await subscriptions.add(db, 3, "nato")
    await subscriptions.add(db, 4, "economy")
    await chats.set_status(db, 3, chats.BLOCKED)

    article_id, queued = await articles.publish(db, story("nato", "energy"))
    rows = await outbox.due(db)
    assert queued == 2
    assert sorted((r.chat_id, r.reason_value) for r in rows) == [(1, "nato"), (2, "energy")]
    assert all(r.article_id == article_id for r in rows)


async def test_keyword_watchers_do_not_duplicate_topic_rows(db: Database) -> None:
    for chat_id in (1, 2):
        await chats.touch(db, chat_id, telegram_language=None)
    await subscriptions.add(db, 1, "nato")
    watchers = [WatchRecipient(1, 10, "НАТО"), WatchRecipient(2, 11, "Прайс")]
    _, queued = await articles.publish(db, story("nato"), watchers=watchers)
    rows = {r.chat_id: r for r in await outbox.due(db)}
    assert queued == 2
    assert rows[1].reason_kind == "topic"
    assert (rows[2].reason_kind, rows[2].watch_id) == ("keyword", 11)


async def test_followup_replies_only_when_it_adds(db: Database) -> None:
    await chats.touch(db, 1, telegram_language=None)
    await subscriptions.add(db, 1, "nato")
    first, _ = await articles.publish(db, story("nato"))
    [row] = await outbox.due(db)
    await outbox.mark_sent(db, [(row.id, 555)])

    _, queued = await articles.publish(db, story("nato"), followup=Followup(first, False))
    assert queued == 0
    _, queued = await articles.publish(db, story("nato"), followup=Followup(first, True))
    [update] = await outbox.due(db)
    assert queued == 1 and update.is_update and update.reply_to_message_id == 555


async def test_blocking_stops_pending_rows_and_start_reactivates(db: Database) -> None:
    await chats.touch(db, 5, telegram_language=None)
    await subscriptions.add(db, 5, "nato")
    await articles.publish(db, story("nato"))
    await chats.set_status(db, 5, chats.BLOCKED)
    assert await outbox.due(db) == []
    await chats.touch(db, 5, telegram_language="en")
    chat = await chats.get(db, 5)
    assert chat is not None and chat.status == chats.ACTIVE


async def test_group_migration_keeps_subscriptions(db: Database) -> None:
    await chats.touch(db, -5, chat_type="group", telegram_language=None)
    await subscriptions.add(db, -5, "nato")
    await articles.publish(db, story("nato"))
    await chats.migrate(db, -5, -1005)
    assert await subscriptions.topics_of(db, -1005) == ["nato"]
    assert [r.chat_id for r in await outbox.due(db)] == [-1005]
    assert await chats.get(db, -5) is None


async def test_retry_and_due_times(db: Database) -> None:
    await chats.touch(db, 1, telegram_language=None)
    await subscriptions.add(db, 1, "nato")
    await articles.publish(db, story("nato"))
    [row] = await outbox.due(db)
    await outbox.mark_retry(db, row.id, due_at=time.time() + 60, error="boom")
    assert await outbox.due(db) == []
    [again] = await outbox.due(db, now=time.time() + 61)
    assert again.attempts == 1


def test_second_instance_refused(tmp_path: Path) -> None:
    with InstanceLock(tmp_path / "x.db"), pytest.raises(AlreadyRunning):
        InstanceLock(tmp_path / "x.db").acquire()
    with InstanceLock(tmp_path / "x.db"):  # released: free again
        pass


async def test_update_reaches_a_keyword_reader_only_while_the_watch_matches(
    db: Database,
) -> None:
    await chats.touch(db, 1, telegram_language=None)
    first, _ = await articles.publish(db, story("nato"), watchers=[WatchRecipient(1, 10, "x")])
    [row] = await outbox.due(db)
    await outbox.mark_sent(db, [(row.id, 77)])

    # The update mentions a word the watch excludes: the matcher no longer lists it.
    _, queued = await articles.publish(db, story("nato"), followup=Followup(first, True))
    assert queued == 0
    _, queued = await articles.publish(
        db, story("nato"), watchers=[WatchRecipient(1, 10, "x")], followup=Followup(first, True)
    )
    [update] = await outbox.due(db)
    assert queued == 1 and update.watch_id == 10 and update.reply_to_message_id == 77
