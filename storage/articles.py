"""Stories, and publishing one: the article and its outbox rows in one transaction."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Analysis, Article, Story
from storage import fanout, seen
from storage.article_rows import article_of
from storage.codec import decode, dumps, pack
from storage.db import POSTGRES, Connection, Database
from storage.search import SearchDocument, index_document

# Chats that got (or are about to get) the earlier story; a blocked row does not count.
HAD_EARLIER = "SELECT chat_id FROM outbox WHERE article_id = ? AND status IN ('sent', 'pending')"


@dataclass(frozen=True, slots=True)
class NewArticle:
    title: str
    text: str
    language: str
    topics: tuple[str, ...]
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    analysis: Analysis | None = None
    # What the search index holds for it (bot.search.index builds it: storage never
    # lemmatizes). None: indexed later by bot.search.index.reindex.
    search: SearchDocument | None = None
    image: str | None = None  # lead image URL (http(s), checked by bot.ingest.images)


@dataclass(frozen=True, slots=True)
class WatchRecipient:
    """A chat whose keyword watch matched the story."""

    chat_id: int
    watch_id: int
    terms: str


@dataclass(frozen=True, slots=True)
class Followup:
    """The story is the same story as `article_id`; chats that got that one get this one
    as a reply marked as an update when it adds something, and nothing otherwise."""

    article_id: int
    adds_something: bool
    news: tuple[str, ...] = ()  # the new quotes and summary sentences, as written


def _has_topic(db: Database) -> str:
    """SQL: article `a` carries the topic `?` (topics is a JSON array in a TEXT column)."""
    if db.dialect == POSTGRES:
        return "a.topics::jsonb @> jsonb_build_array(?::text)"
    return "EXISTS (SELECT 1 FROM json_each(a.topics) t WHERE t.value = ?)"


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value else None


async def insert(
    conn: Connection, new: NewArticle, *, now: float, followup: Followup | None = None
) -> int:
    article_id = await conn.insert(
        "INSERT INTO articles (title, text, url, source, published, language, topics, analysis,"
        " created_at, followup_of, news, image) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.title,
            pack(new.text),
            new.url,
            new.source,
            _ts(new.published),
            new.language,
            json.dumps(list(new.topics)),
            pack(dumps(new.analysis)) if new.analysis is not None else None,
            now,
            followup.article_id if followup else None,
            json.dumps(list(followup.news), ensure_ascii=False) if followup else None,
            new.image,
        ),
    )
    assert article_id is not None
    if new.search is not None:
        # Same transaction: a stored story is always searchable, a rolled-back one never.
        day = new.published.timestamp() if new.published else now
        await index_document(conn, article_id, new.search, day=day)
    return article_id


async def publish(
    db: Database,
    new: NewArticle,
    *,
    watchers: Sequence[WatchRecipient] = (),
    followup: Followup | None = None,
    deliver: bool = True,
    now: float | None = None,
) -> tuple[int, int]:
    """Store the story and, when `deliver`, queue one message per matching active chat
    (a backfill stores without alerting anyone). Returns (article id, readers queued):
    on PostgreSQL a large audience's rows past the first batch are queued by the
    delivery workers (storage.fanout) and counted here."""
    now = time.time() if now is None else now
    async with db.transaction() as conn:
        article_id = await insert(conn, new, now=now, followup=followup)
        if not deliver:
            return article_id, 0
        if followup is not None:
            # Chats that already have the earlier story: a reply-update, or nothing.
            if followup.adds_something:
                # A keyword reader gets the update only while the watch still matches
                # it (its excluded words may appear in the update).
                still = [w.watch_id for w in watchers]
                marks = ", ".join("?" * len(still))
                matching = f"OR o.watch_id IN ({marks})" if still else ""
                await conn.execute(
                    f"""
                    INSERT INTO outbox (article_id, chat_id, reason_kind, reason_value,
                        watch_id, due_at, created_at, reply_to_message_id, is_update)
                    SELECT ?, o.chat_id, o.reason_kind, o.reason_value, o.watch_id, ?, ?,
                        o.message_id, 1
                    FROM outbox o JOIN chats c ON c.id = o.chat_id
                    WHERE o.article_id = ? AND o.status = 'sent' AND c.status = 'active'
                        AND (o.reason_kind != 'keyword' {matching})
                    ON CONFLICT DO NOTHING
                    """,
                    (article_id, now, now, followup.article_id, *still),
                )
            exclude = f"AND s.chat_id NOT IN ({HAD_EARLIER})"
        else:
            exclude = ""
        earlier = (followup.article_id,) if followup is not None else ()
        if conn.dialect == POSTGRES:
            # The first batch of chats now, the rest by the delivery workers (a story for
            # 1,000,000 readers would write them all in this transaction).
            fan = fanout.Fanout(
                article_id,
                tuple(new.topics),
                now,
                earlier_id=followup.article_id if followup is not None else None,
                watchers=tuple((w.chat_id, w.watch_id, w.terms) for w in watchers),
            )
            rest = await fanout.start(conn, fan, batch=db.fanout_batch)
            queued = await conn.fetchval(
                "SELECT COUNT(*) FROM outbox WHERE article_id = ?", (article_id,)
            )
            if rest is not None:
                queued += await fanout.left(conn, rest)
            return article_id, int(queued)
        # Topics strongest first: the first topic a chat follows is the reason it gets.
        for topic in new.topics:
            await conn.execute(
                f"""
                INSERT INTO outbox (article_id, chat_id, reason_kind, reason_value,
                    due_at, created_at)
                SELECT ?, s.chat_id, 'topic', ?, ?, ?
                FROM subscriptions s JOIN chats c ON c.id = s.chat_id
                WHERE s.topic_id = ? AND c.status = 'active' {exclude}
                ON CONFLICT DO NOTHING
                """,
                (article_id, topic, now, now, topic, *earlier),
            )
        if watchers:
            already = set()
            if followup is not None:
                rows = await conn.fetchall(HAD_EARLIER, (followup.article_id,))
                already = {row[0] for row in rows}
            await conn.executemany(
                """
                INSERT INTO outbox (article_id, chat_id, reason_kind, reason_value,
                    watch_id, due_at, created_at)
                SELECT ?, id, 'keyword', ?, ?, ?, ? FROM chats WHERE id = ? AND status = 'active'
                ON CONFLICT DO NOTHING
                """,
                [
                    (article_id, w.terms, w.watch_id, now, now, w.chat_id)
                    for w in watchers
                    if w.chat_id not in already
                ],
            )
        # Every row of a new story was queued just now (executemany reports no count).
        queued = await conn.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE article_id = ?", (article_id,)
        )
    return article_id, int(queued)


async def store_many(
    db: Database,
    items: Sequence[tuple[NewArticle, Sequence[seen.Key]]],
    *,
    now: float | None = None,
) -> list[int]:
    """Store stories without queueing them (a backfill), each with the keys it was taken
    in by, in one transaction: a bulk import writes a batch at a time. Their ids."""
    now = time.time() if now is None else now
    ids = []
    async with db.transaction() as conn:
        for new, keys in items:
            article_id = await insert(conn, new, now=now)
            await seen.mark_in(conn, keys, article_id=article_id, now=now)
            ids.append(article_id)
    return ids


async def get(db: Database, article_id: int) -> Article | None:
    row = await db.fetchone("SELECT * FROM articles WHERE id = ?", (article_id,))
    return article_of(row) if row else None


async def latest(db: Database, *, topic: str | None = None, limit: int = 10) -> list[Article]:
    """The newest stored articles, every telling (backfills, tests)."""
    if topic:
        # topics is a JSON array in a TEXT column on both backends.
        has_topic = _has_topic(db)
        query = (
            f"SELECT a.* FROM articles a WHERE {has_topic}"
            " ORDER BY a.created_at DESC, a.id DESC LIMIT ?"
        )
        params: tuple[object, ...] = (topic, limit)
    else:
        query = "SELECT * FROM articles ORDER BY created_at DESC, id DESC LIMIT ?"
        params = (limit,)
    return [article_of(row) for row in await db.fetchall(query, params)]


async def latest_stories(db: Database, *, topic: str | None = None, limit: int = 10) -> list[Story]:
    """The newest stories, one per story: its tellings (follow-ups) folded into the
    newest of them, newest first by the date shown (published, else stored)."""
    where = f"WHERE {_has_topic(db)}" if topic else ""
    params: tuple[object, ...] = ((topic,) if topic else ()) + (limit,)
    query = f"""
        WITH ranked AS (
            SELECT a.*, COALESCE(a.followup_of, a.id) AS root,
                COALESCE(a.published, a.created_at) AS shown,
                ROW_NUMBER() OVER (PARTITION BY COALESCE(a.followup_of, a.id)
                    ORDER BY a.created_at DESC, a.id DESC) AS n,
                COUNT(*) OVER (PARTITION BY COALESCE(a.followup_of, a.id)) AS tellings
            FROM articles a {where}
        )
        SELECT * FROM ranked WHERE n = 1 ORDER BY shown DESC, id DESC LIMIT ?
    """
    rows = await db.fetchall(query, params)
    return [Story(article_of(row), int(row["tellings"])) for row in rows]


async def recent_analyses(
    db: Database, *, created_after: float, language: str
) -> list[tuple[int, Analysis]]:
    """(id, analysis) of the stories in `language` stored after a moment, newest first
    (the follow-up check looks back 72 hours). A story whose analysis is missing or
    unreadable is left out (storage.codec logs it)."""
    rows = await db.fetchall(
        "SELECT id, analysis FROM articles WHERE created_at >= ? AND language = ?"
        " ORDER BY created_at DESC",
        (created_after, language),
    )
    found = []
    for row in rows:
        analysis = decode(row["analysis"], row["id"])
        if analysis is not None:
            found.append((int(row["id"]), analysis))
    return found


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM articles"))
