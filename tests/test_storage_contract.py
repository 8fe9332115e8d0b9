"""The storage contract: every storage operation behaves the same on SQLite and on
PostgreSQL (`any_db` runs each test once per backend; see tests/backends.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.search import engine
from bot.search.index import new_article, reindex
from storage import (
    articles,
    backfill,
    chats,
    feeds,
    leases,
    outbox,
    previews,
    search,
    search_keys,
    seen,
    subscriptions,
    updates,
    watches,
)
from storage.articles import Followup, NewArticle, WatchRecipient
from storage.db import Database, mask_url
from tests.main_command import run_main

NOW = 1_790_000_000.0


def story(title: str = "T", *topics: str, text: str = "Body.") -> NewArticle:
    return NewArticle(title=title, text=text, language="uk", topics=topics or ("nato",))


async def test_migrated_to_the_backend_s_last_version(any_db: Database) -> None:
    assert await any_db.version() == any_db.schema_version() >= 1
    assert await any_db.migrate() == any_db.schema_version()  # twice is harmless
    await any_db.ping()


async def test_send_permits_stay_within_the_budget_and_dead_holders_go(any_db: Database) -> None:
    take = leases.take_permits
    assert await take(any_db, "b", "w1", occupied=0, wanted=6, limit=10, now=NOW, lease_s=5) == 6
    # w2 gets only what w1 leaves, and nothing more while both hold theirs
    assert await take(any_db, "b", "w2", occupied=0, wanted=6, limit=10, now=NOW, lease_s=5) == 4
    assert await take(any_db, "b", "w2", occupied=4, wanted=1, limit=10, now=NOW, lease_s=5) == 0
    # w1 is killed: past its lease its permits free, and a minute on its row is gone
    later = NOW + 6
    assert await take(any_db, "b", "w2", occupied=4, wanted=6, limit=10, now=later, lease_s=5) == 6
    holders = "SELECT holder FROM send_permits WHERE name = 'b' AND holder <> '' ORDER BY holder"
    assert [r[0] for r in await any_db.fetchall(holders)] == ["w1", "w2"]
    gone = NOW + 5 + leases.DEAD_HOLDER_KEPT_S + 1
    assert await take(any_db, "b", "w2", occupied=0, wanted=1, limit=10, now=gone, lease_s=5) == 1
    assert [r[0] for r in await any_db.fetchall(holders)] == ["w2"]


async def test_chats_touch_settings_status_and_counts(any_db: Database) -> None:
    db = any_db
    await chats.touch(db, 1, telegram_language="uk")
    await chats.touch(db, 1, telegram_language=None)  # keeps the known language
    await chats.touch(db, -100, chat_type="group", telegram_language="en")
    one = await chats.get(db, 1)
    assert one is not None and one.telegram_language == "uk" and one.mode == "instant"
    await chats.set_language(db, 1, "en")
    await chats.update_settings(db, 1, mode="digest", quiet_start="22:00", quiet_end="07:00")
    one = await chats.get(db, 1)
    assert one is not None and (one.language, one.mode, one.quiet_start) == (
        "en",
        "digest",
        "22:00",
    )
    with pytest.raises(ValueError):
        await chats.update_settings(db, 1, colour="red")
    await chats.set_status(db, -100, chats.BLOCKED)
    assert await chats.count_by_status(db) == {"active": 1, "blocked": 1}
    assert await chats.blocked_count(db) == 1
    assert await chats.get(db, 999) is None
    big = -1_001_234_567_890  # supergroup ids need 64 bits
    await chats.touch(db, big, chat_type="supergroup", telegram_language=None)
    assert (await chats.get(db, big)) is not None


async def test_publish_queues_topics_watches_and_followups(any_db: Database) -> None:
    db = any_db
    await chats.register_many(db, [1, 2, 3], topic="nato")
    await chats.register_many(db, [1, 2, 3], topic="nato")  # again: nothing doubles
    await chats.touch(db, 4, telegram_language="uk")
    watch = await watches.add(db, 4, "ракета")
    assert watch is not None and await watches.add(db, 4, "ракета") is None
    await chats.set_status(db, 3, chats.BLOCKED)
    first, queued = await articles.publish(
        db, story("A"), watchers=[WatchRecipient(4, watch.id, "ракета")], now=NOW
    )
    assert queued == 3  # chats 1, 2 by topic, 4 by keyword; 3 is blocked
    rows = await outbox.due(db, now=NOW)
    assert {(r.chat_id, r.reason_kind) for r in rows} == {
        (1, "topic"),
        (2, "topic"),
        (4, "keyword"),
    }
    await outbox.mark_sent(db, [(r.id, 500 + r.chat_id) for r in rows])
    assert await outbox.message_for(db, first, 4) == 504
    # The same story again, adding something: a reply-update to each who got it.
    second, queued = await articles.publish(
        db,
        story("A again"),
        watchers=[WatchRecipient(4, watch.id, "ракета")],
        followup=Followup(first, adds_something=True, news=("new",)),
        now=NOW + 1,
    )
    assert queued == 3
    again = await outbox.due(db, now=NOW + 1)
    assert {r.reply_to_message_id for r in again} == {501, 502, 504}
    assert all(r.is_update for r in again)
    stored = await articles.get(db, second)
    assert stored is not None and stored.followup_of == first and stored.news == ("new",)
    # A follow-up that adds nothing reaches nobody who had the story.
    _, queued = await articles.publish(
        db, story("A thrice"), followup=Followup(first, adds_something=False), now=NOW + 2
    )
    assert queued == 0
    lists = await articles.latest_stories(db, topic="nato")
    assert [s.tellings for s in lists] == [3]
    assert len(await articles.latest(db, topic="nato")) == 3
    assert await articles.latest(db, topic="energy") == []
    assert await articles.count(db) == 3


async def test_outbox_marks_retries_digests_and_stats(any_db: Database) -> None:
    db = any_db
    await chats.register_many(db, [10, 11, 12], topic="nato")
    article_id, _ = await articles.publish(db, story("S"), now=NOW)
    rows = {r.chat_id: r for r in await outbox.due(db, now=NOW)}
    assert await outbox.next_due_at(db) == NOW
    await outbox.mark_retry(db, rows[10].id, due_at=NOW + 60, error="timeout")
    await outbox.postpone(db, rows[11].id, due_at=NOW + 30, error="flood")
    await outbox.mark(db, rows[12].id, outbox.FAILED, error="bad request")
    assert [r.chat_id for r in await outbox.due(db, now=NOW + 45)] == [11]
    assert await outbox.depth(db, now=NOW + 45) == outbox.Depth(2, 0, NOW + 30)
    assert await outbox.failure_reasons(db) == [("bad request", 1)]
    assert await outbox.retry_failed(db, article_id=article_id) == 1
    await outbox.mark_sent(db, [(rows[11].id, 7)])
    counts = await outbox.status_counts(db, article_id)
    assert counts == {"pending": 2, "sent": 1}
    (entry,) = await outbox.stats(db)
    assert entry.article_id == article_id and entry.counts == counts
    hours = await outbox.sent_per_hour(db, since=0)
    assert len(hours) == 1 and hours[0][1] == 1 and hours[0][0] % 3600 == 0
    await outbox.postpone_chat(db, 10, due_at=NOW + 999, error="quiet hours")
    await chats.update_settings(db, 10, quiet_start=None)  # releases the held row
    assert 10 in {r.chat_id for r in await outbox.due(db, now=time.time() + 1)}
    await chats.update_settings(db, 12, mode="digest")
    assert [c.id for c in await chats.digest_chats(db)] == [12]
    assert [r.article_id for r in await outbox.digest_rows(db, 12, created_before=NOW + 1)] == [
        article_id
    ]


async def test_blocked_reader_returns_and_gets_held_stories(any_db: Database) -> None:
    db = any_db
    await chats.register_many(db, [20], topic="nato")
    await articles.publish(db, story("Held"))
    await chats.set_status(db, 20, chats.BLOCKED)
    assert await outbox.held_for_blocked(db, since=0) == (1, 1)
    assert await chats.touch(db, 20, telegram_language="uk") == 1
    assert len(await outbox.due(db)) == 1


async def test_group_migration_moves_everything(any_db: Database) -> None:
    db = any_db
    await chats.register_many(db, [-5], chat_type="group", topic="nato")
    await watches.add(db, -5, "мир")
    await articles.publish(db, story("G"))
    await chats.migrate(db, -5, -1005)
    assert await chats.get(db, -5) is None
    assert await subscriptions.topics_of(db, -1005) == ["nato"]
    assert [w.query for w in await watches.of_chat(db, -1005)] == ["мир"]
    assert [r.chat_id for r in await outbox.due(db)] == [-1005]
    # Into a chat that exists already: duplicates stay behind and go with the old id.
    await chats.register_many(db, [-6, -1006], chat_type="group", topic="nato")
    await watches.add(db, -6, "мир")
    await watches.add(db, -1006, "мир")
    await chats.migrate(db, -6, -1006)
    assert await chats.get(db, -6) is None
    assert [w.query for w in await watches.of_chat(db, -1006)] == ["мир"]


async def test_each_reader_once_with_the_strongest_topic_it_follows(any_db: Database) -> None:
    db = any_db
    await chats.register_many(db, [1, 2], topic="war")
    await chats.register_many(db, [2, 3], topic="nato")
    await chats.register_many(db, [4], topic="sport")
    await chats.set_status(db, 3, "blocked")
    article_id, queued = await articles.publish(db, story("Two", "nato", "war"))
    assert queued == 2
    rows = {r.chat_id: r.reason_value for r in await outbox.due(db)}
    assert rows == {1: "war", 2: "nato"}
    # Deleting the story or a chat takes its rows along (a cascade on both backends).
    other, _ = await articles.publish(db, story("Three", "war"))
    left = "SELECT article_id, chat_id FROM outbox ORDER BY article_id, chat_id"
    await db.execute("DELETE FROM chats WHERE id = ?", (1,))
    assert [tuple(r) for r in await db.fetchall(left)] == [(article_id, 2), (other, 2)]
    await db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    assert [tuple(r) for r in await db.fetchall(left)] == [(other, 2)]


async def test_subscriptions_and_watches(any_db: Database) -> None:
    db = any_db
    await chats.touch(db, 1, telegram_language="uk")
    assert await subscriptions.add(db, 1, "nato") and not await subscriptions.add(db, 1, "nato")
    assert await subscriptions.count_by_topic(db) == {"nato": 1}
    assert await subscriptions.remove(db, 1, "nato") and not await subscriptions.remove(
        db, 1, "nato"
    )
    assert await watches.add(db, 404, "ніхто") is None  # unknown chat
    assert await watches.add_many(db, [(1, "а"), (1, "а"), (1, "б"), (404, "в")]) == 2
    found = await watches.all_watches(db)
    assert [w.query for w in found] == ["а", "б"]
    assert await watches.get(db, found[0].id) == found[0]
    assert await watches.remove(db, 1, found[0].id) and not await watches.remove(db, 2, found[1].id)


async def test_feeds_and_drafts(any_db: Database) -> None:
    db = any_db
    feed = await feeds.add(db, "https://example.com/feed", topics=["nato"], now=NOW, backlog="3")
    with pytest.raises(feeds.FeedExists):
        await feeds.add(db, "https://example.com/feed")
    assert [f.id for f in await feeds.due(db, now=NOW)] == [feed.id]
    await feeds.mark_failed(db, feed.id, now=NOW, next_poll_at=NOW + 60, error="500", reported=True)
    await feeds.mark_failed(
        db, feed.id, now=NOW, next_poll_at=NOW + 60, error="500", reported=False
    )
    failing = await feeds.get(db, feed.id)
    assert failing is not None and failing.failures == 2 and failing.error_reported
    await feeds.mark_ok(
        db, feed.id, now=NOW, next_poll_at=NOW + 600, etag='"x"', last_modified=None, title="Feed"
    )
    ok = await feeds.get(db, feed.id)
    assert ok is not None and (ok.failures, ok.error_reported, ok.title, ok.backlog) == (
        0,
        False,
        "Feed",
        None,
    )
    assert await feeds.set_topics(db, feed.id, ["energy"]) and await feeds.set_mode(
        db, feed.id, "review"
    )
    await feeds.poll_now(db, feed.id, now=NOW + 1)
    assert [f.topics for f in await feeds.list_all(db)] == [("energy",)]
    published = datetime(2025, 1, 2, tzinfo=UTC)
    draft_id = await feeds.add_draft(
        db,
        feed_id=feed.id,
        title="D",
        text="Text",
        url=None,
        source="S",
        published=published,
        topics=["energy"],
        keys=[("guid", "g1")],
        image="https://example.com/i.jpg",
    )
    draft = await feeds.get_draft(db, draft_id)
    assert draft is not None and draft.published == published and draft.keys == (("guid", "g1"),)
    assert [d.id for d in await feeds.drafts(db, feed_id=feed.id)] == [draft_id]
    assert await feeds.delete_draft(db, draft_id) and not await feeds.delete_draft(db, draft_id)
    assert await feeds.remove(db, feed.id) and await feeds.list_all(db) == []


async def test_previews_take_once_and_put_back(any_db: Database) -> None:
    db = any_db
    preview_id = await previews.add(
        db,
        chat_id=1,
        title="P",
        text="Text",
        url="https://example.com/a",
        source=None,
        published=None,
        topics=["nato"],
        keys=[("url", "https://example.com/a")],
    )
    assert await previews.set_topics(db, preview_id, ["energy"])
    taken = await previews.take(db, preview_id)
    assert taken is not None and taken.topics == ("energy",)
    assert await previews.take(db, preview_id) is None
    await previews.put_back(db, taken)
    await previews.put_back(db, taken)  # twice: still one
    assert await previews.get(db, preview_id) == taken
    assert await previews.add(db, chat_id=1, title=None, text="x", url=None, source=None,
                              published=None, topics=[], keys=[]) > preview_id  # fmt: skip


async def test_seen_keys_and_search_keys(any_db: Database) -> None:
    db = any_db
    article_id, _ = await articles.publish(db, story("K"), deliver=False)
    await seen.mark(db, [("url", "u"), ("url", "u")], article_id=None)
    await seen.mark(db, [("url", "u"), ("guid", "g")], article_id=article_id)
    found = await seen.find(db, [("text", "zzz"), ("url", "u")])
    assert found is not None and found.article_id == article_id  # filled in later
    assert await seen.count(db) == 2
    key = await search_keys.save(db, "ракета lang:uk", now=NOW)
    assert await search_keys.save(db, "ракета lang:uk", now=NOW + 1) == key
    assert await search_keys.load(db, key) == "ракета lang:uk"
    await search_keys.save(db, "інше", now=NOW + search_keys.KEEP_S + 5)  # prunes the old
    assert await search_keys.load(db, key) is None


async def test_update_journal(any_db: Database) -> None:
    db = any_db
    big = 2**40  # update ids grow past 32 bits
    assert await updates.store(db, big, "{}", now=NOW)
    assert not await updates.store(db, big, "{}", now=NOW)
    assert await updates.unhandled(db) == [(big, "{}", 0)]
    assert await updates.count_attempt(db, big) == 1
    assert not await updates.handled(db, big)
    await updates.mark_handled(db, big, now=NOW)
    assert await updates.handled(db, big) and await updates.unhandled(db) == []
    await updates.store(db, 7, "{}", now=NOW)
    await updates.mark_failed(db, 7, now=NOW)
    assert await updates.unhandled(db) == []
    assert await updates.prune(db, now=NOW + updates.KEEP_HANDLED_S + 1) == 2


async def test_transactions_roll_back_whole(any_db: Database) -> None:
    db = any_db
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await articles.insert(conn, story("Gone"), now=NOW)
            raise RuntimeError("boom")
    assert await articles.count(db) == 0
    ids = await articles.store_many(db, [(story("One"), [("url", "1")]), (story("Two"), [])])
    assert len(ids) == 2 and await articles.count(db) == 2
    rows = await db.fetchall("SELECT id FROM articles WHERE title = ? ORDER BY id", ("One",))
    assert [r["id"] for r in rows] == ids[:1]


STORIES = [
    ("Ракети над Києвом", "Уночі ворог атакував область ракетами і дронами.", "war", "Бі-Бі-Сі"),
    ("Гарантії безпеки", "Сторони обговорили гарантії безпеки для Європи.", "nato", "Главком"),
    ("Безпека і ракети", "Про безпеку говорили довго, ракета впала в полі.", "war", "Главком"),
    ("Economy news", "Ціни на енергію зростають; уряд обіцяє гарантії.", "economy", "Reuters"),
]


async def test_search_same_hits_and_order_on_both(any_db: Database) -> None:
    db = any_db
    for title, text, topic, source in STORIES:
        async with db.transaction() as conn:
            story = new_article(
                title=title, text=text, language="uk", topics=(topic,), source=source
            )
            await articles.insert(conn, story, now=NOW)
    expect = {
        "ракета": [3, 1],
        "гарантія безпеки": [2],
        '"гарантія безпеки"': [2],
        "безпека -ракета": [2],
        "ракета topic:war": [3, 1],
        'ракета source:"Бі-Бі-Сі"': [1],
        "гарантія lang:uk": [2, 4],
        "\"'); DROP TABLE articles; --": [],
    }
    for query, ids in expect.items():
        page = await engine.search(db, query, now=NOW)
        assert sorted(h.article_id for h in page.hits) == sorted(ids), query
    title_first = await engine.search(db, "безпека", now=NOW)
    assert [h.article_id for h in title_first.hits][:2] == [2, 3]  # title beats body
    listing = await engine.search(db, "topic:war", now=NOW, filters_only=True)
    assert sorted(h.article_id for h in listing.hits) == [1, 3]
    # Deleting a story takes it out of the index; reindex puts missing ones back.
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM articles WHERE id = ?", (1,))
    assert [h.article_id for h in (await engine.search(db, "ракета", now=NOW)).hits] == [3]
    assert await search.unindexed(db) == []
    assert await reindex(db, rebuild=True) == 3
    assert [h.article_id for h in (await engine.search(db, "ракета", now=NOW)).hits] == [3]


async def test_backfill_batches_store_as_one_at_a_time(any_db: Database) -> None:
    """storage.backfill writes a batch in one go: the same rows, search hits and ranking
    as articles.insert one story at a time, ids in the order given, keys with them."""
    db = any_db
    when = datetime(2026, 11, 30, 8, tzinfo=UTC)
    stories = [
        new_article(title=t, text=x, language="uk", topics=(c,), source=s, published=when)
        for t, x, c, s in STORIES
    ]
    for new in stories:  # the reference: one story a transaction
        async with db.transaction() as conn:
            await articles.insert(conn, new, now=NOW)
    keys = [[("url", f"https://x/{n}"), ("text", f"h{n}")] for n in range(len(stories))]
    assert await seen.known(db, [k for ks in keys for k in ks]) == set()
    ids = await backfill.store_packed(
        db, [(backfill.packed(new), k) for new, k in zip(stories, keys, strict=True)], now=NOW
    )
    assert ids == sorted(ids) and len(set(ids)) == len(stories) and min(ids) > len(stories)
    for old_id, new_id, new in zip(range(1, len(stories) + 1), ids, stories, strict=True):
        one, batched = await articles.get(db, old_id), await articles.get(db, new_id)
        assert one is not None and batched is not None and batched.title == new.title
        assert (batched.text, batched.topics, batched.source, batched.published) == (
            one.text,
            one.topics,
            one.source,
            one.published,
        )
    for query in ("ракета", "гарантія безпеки", "безпека", "ракета topic:war"):
        hits = [h.article_id for h in (await engine.search(db, query, now=NOW)).hits]
        # Twins score alike (same text, same day): each batched story ranks with its twin.
        twin = {new_id: old_id for old_id, new_id in enumerate(ids, 1)}
        paired = [twin[h] for h in hits if h in twin]
        assert paired and paired == [h for h in hits if h not in twin], query
    wanted = [("url", "https://x/1"), ("text", "h3"), ("url", "https://x/9"), ("guid", "h3")]
    assert await seen.known(db, wanted) == {("url", "https://x/1"), ("text", "h3")}
    found = await seen.find(db, [("text", "h2")])
    assert found is not None and found.article_id == ids[2]
    # A deleted story's id may be taken again (SQLite): the index then holds the new one.
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM articles WHERE id = ?", (ids[-1],))
    again = new_article(title="Зернова угода", text="Порти знову працюють.", language="uk")
    [new_id] = await backfill.store_packed(db, [(backfill.packed(again), [])], now=NOW)
    assert [h.article_id for h in (await engine.search(db, "порт", now=NOW)).hits] == [new_id]
    assert (await engine.search(db, "енергія", now=NOW)).hits[0].article_id == len(stories)
    assert await search.unindexed(db) == []
    assert await backfill.store_packed(db, [], now=NOW) == []


def test_passwords_never_shown() -> None:
    text = "cannot reach postgresql://bot:s3cr%40t@db.example:5432/news (timeout)"
    assert "s3cr" not in mask_url(text)
    assert "postgresql://bot:***@db.example:5432/news" in mask_url(text)
    assert mask_url("postgresql://db.example/news") == "postgresql://db.example/news"


def test_unreachable_server_is_one_line_and_exit_9_without_the_password(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgresql://newsbot:hunter2-secret@127.0.0.1:1/news",
        "TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
    }
    for command in ("migrate", "run"):
        done = run_main(command, env=env, timeout=60, cwd=tmp_path)
        assert done.returncode == 9, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot connect" in lines[0], done.stderr
        assert "postgresql://newsbot:***@127.0.0.1:1/news" in lines[0]
        assert "hunter2" not in done.stderr + done.stdout
