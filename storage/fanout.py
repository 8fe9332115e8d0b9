"""A story's topic readers queued in batches (PostgreSQL; issue 16).

Publishing queues the first `batch` chats of each topic in its own transaction; when the
audience is larger, it stores one fan-out row (migrations_pg/0006_outbox_fanout.sql) and
delivery workers queue the rest, in chat-id order, one batch per transaction that also
moves the row's `next_chat` on (`expand`). A crash rolls a batch back whole: nothing is
lost, nobody is queued twice (and the (article, chat) key would refuse it). The rows a
batch writes are plain outbox rows, claimed with the same leases and holds as any.

Who gets the story is decided when a chat's batch is queued: a chat that stopped
following the topics, or is no longer active, before then is left out; one that
subscribed before then is in. Keyword readers are queued after the topics' (a chat that
follows a topic gets it for the topic, as when everything is queued at once). A
follow-up waits until its earlier story is queued for everyone: its readers are left out
(they get the update as a reply).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from storage.db import POSTGRES, Connection, Database, Row

FIRST_CHAT = -(2**63)  # the smallest chat id: a fan-out starts there

# Chats that got (or are about to get) the earlier story; a blocked row does not count.
# These conditions are on the reader `s.chat_id`: the topic queries' subscriptions s,
# the keyword queries' unnest(...) s of the watchers' chats.
NOT_HAD_EARLIER = """AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.article_id = ?
    AND e.chat_id = s.chat_id AND e.status IN ('sent', 'pending'))"""


@dataclass(frozen=True, slots=True)
class Fanout:
    article_id: int
    topics: tuple[str, ...]  # strongest first
    created_at: float  # the publish: the rows' created_at and due_at
    earlier_id: int | None = None  # a follow-up's earlier story
    next_chat: int = FIRST_CHAT
    watchers: tuple[tuple[int, int, str], ...] = ()  # (chat id, watch id, terms)


async def start(conn: Connection, fan: Fanout, *, batch: int) -> Fanout | None:
    """In the publish's transaction: queue the first batch (up to `batch` chats of each
    topic) and, if chats remain, store the fan-out for the workers and return it."""
    if fan.earlier_id is not None and await _waiting(conn, fan.earlier_id):
        await _store(conn, fan)  # who had the earlier story is not known yet
        return fan
    _, next_chat = await _queue_batch(conn, fan, batch)
    if next_chat is None:
        return None
    rest = replace(fan, next_chat=next_chat)
    await _store(conn, rest)
    return rest


async def left(conn: Connection, fan: Fanout) -> int:
    """Readers a stored fan-out will still queue, as of now (publish reports the count,
    the metrics' outbox depth too). A follow-up leaves out who has its earlier story, or
    will have it: that story's own fan-out, if it still waits, queues them first."""
    exclude, earlier = await _without_earlier(conn, fan)
    # One topic: a chat has one subscription to it (the key), no DISTINCT to sort for.
    counted = "COUNT(*)" if len(fan.topics) == 1 else "COUNT(DISTINCT s.chat_id)"
    row = await conn.fetchone(
        f"""SELECT {counted} FROM subscriptions s JOIN chats c ON c.id = s.chat_id
        WHERE s.topic_id = ANY(?::text[]) AND s.chat_id >= ? AND c.status = 'active' {exclude}""",
        (list(fan.topics), fan.next_chat, *earlier),
    )
    topical = int(row[0]) if row else 0
    if not fan.watchers:
        return topical
    others = await conn.fetchval(
        f"""SELECT COUNT(DISTINCT s.chat_id) FROM unnest(?::bigint[]) s (chat_id)
        JOIN chats c ON c.id = s.chat_id WHERE c.status = 'active' AND NOT EXISTS
        (SELECT 1 FROM subscriptions t WHERE t.chat_id = s.chat_id
            AND t.topic_id = ANY(?::text[])) {exclude}""",
        ([w[0] for w in fan.watchers], list(fan.topics), *earlier),
    )
    return topical + int(others or 0)


async def _without_earlier(conn: Connection, fan: Fanout) -> tuple[str, tuple[object, ...]]:
    """A follow-up's condition on `s.chat_id` leaving out its earlier story's readers:
    those with a row of it, and those its stored fan-out will still queue (a chat of
    its topics past its cursor, or one of its keyword readers; an estimate when that
    story is itself a follow-up still waiting)."""
    if fan.earlier_id is None:
        return "", ()
    row = await conn.fetchone(
        "SELECT topics, next_chat, watch_chats FROM outbox_fanout WHERE article_id = ?",
        (fan.earlier_id,),
    )
    if row is None:
        return NOT_HAD_EARLIER, (fan.earlier_id,)
    coming = """AND NOT (s.chat_id >= ? AND EXISTS (SELECT 1 FROM subscriptions x
        WHERE x.chat_id = s.chat_id AND x.topic_id = ANY(?::text[])))
        AND s.chat_id <> ALL(?::bigint[])"""
    params = (fan.earlier_id, int(row[1]), list(row[0]), list(row[2]))
    return f"{NOT_HAD_EARLIER} {coming}", params


async def expand(db: Database, *, batch: int) -> int | None:
    """Queue one batch of the oldest fan-out no other worker is queueing (and whose
    earlier story, for a follow-up, is queued for everyone). Rows queued; None when no
    fan-out was there to take (always on SQLite, which queues every reader at once)."""
    if db.dialect != POSTGRES:
        return None
    async with db.transaction() as conn:
        row = await conn.fetchone(
            f"""SELECT {COLUMNS} FROM outbox_fanout f WHERE NOT EXISTS
                (SELECT 1 FROM outbox_fanout e WHERE e.article_id = f.earlier_id)
            ORDER BY f.created_at, f.article_id LIMIT 1 FOR UPDATE SKIP LOCKED"""
        )
        if row is None:
            return None
        fan = _fanout_of(row)
        queued, next_chat = await _queue_batch(conn, fan, batch)
        if next_chat is None:
            await conn.execute("DELETE FROM outbox_fanout WHERE article_id = ?", (fan.article_id,))
        else:
            await conn.execute(
                "UPDATE outbox_fanout SET next_chat = ? WHERE article_id = ?",
                (next_chat, fan.article_id),
            )
    return queued


async def oldest(db: Database) -> float | None:
    """When the oldest fan-out was published (its rows are due since then)."""
    if db.dialect != POSTGRES:
        return None
    found = await db.fetchval("SELECT MIN(created_at) FROM outbox_fanout")
    return float(found) if found is not None else None


async def unqueued(conn: Connection) -> tuple[int, float | None]:
    """(readers every stored fan-out will still queue, the oldest one's publish), for the
    outbox depth: counted exactly, by `left` (an index range of the topics'
    subscriptions past each fan-out's cursor). (0, None) on SQLite."""
    if conn.dialect != POSTGRES:
        return 0, None
    found = [
        _fanout_of(row) for row in await conn.fetchall(f"SELECT {COLUMNS} FROM outbox_fanout f")
    ]
    readers = sum([await left(conn, fan) for fan in found])
    return readers, min((fan.created_at for fan in found), default=None)


async def cancel(conn: Connection, article_id: int) -> int:
    """The story was withdrawn: queue no more of it."""
    return await conn.execute("DELETE FROM outbox_fanout WHERE article_id = ?", (article_id,))


async def moved(conn: Connection, old_id: int, new_id: int) -> None:
    """A chat moved to a new id (chats.migrate): a fan-out past the new id but not yet
    at the old one would reach neither; it queues the chat under its new id now."""
    rows = await conn.fetchall(
        f"SELECT {COLUMNS} FROM outbox_fanout f WHERE f.next_chat > ? AND f.next_chat <= ?",
        (new_id, old_id),
    )
    for row in rows:
        await _queue_range(conn, _fanout_of(row), new_id, new_id + 1)


COLUMNS = """f.article_id, f.topics, f.created_at, f.earlier_id, f.next_chat,
    f.watch_chats, f.watch_ids, f.watch_terms"""


def _fanout_of(row: Row) -> Fanout:
    return Fanout(
        article_id=int(row[0]),
        topics=tuple(row[1]),
        created_at=float(row[2]),
        earlier_id=int(row[3]) if row[3] is not None else None,
        next_chat=int(row[4]),
        watchers=tuple(zip(row[5], row[6], row[7], strict=True)),
    )


async def _store(conn: Connection, fan: Fanout) -> None:
    await conn.execute(
        "INSERT INTO outbox_fanout (article_id, topics, created_at, earlier_id, next_chat,"
        " watch_chats, watch_ids, watch_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fan.article_id,
            list(fan.topics),
            fan.created_at,
            fan.earlier_id,
            fan.next_chat,
            *_watch_columns(fan),
        ),
    )


def _watch_columns(fan: Fanout) -> tuple[list[int], list[int], list[str]]:
    """The keyword readers as the table's (and unnest's) three arrays: chats, watch ids,
    terms."""
    return [w[0] for w in fan.watchers], [w[1] for w in fan.watchers], [w[2] for w in fan.watchers]


async def _waiting(conn: Connection, article_id: int) -> bool:
    found = await conn.fetchval("SELECT 1 FROM outbox_fanout WHERE article_id = ?", (article_id,))
    return found is not None


async def _queue_batch(conn: Connection, fan: Fanout, batch: int) -> tuple[int, int | None]:
    """Queue the chats from fan.next_chat up to the first chat id past `batch` chats of
    any one topic. (rows queued, where the next batch starts; None: this was the last,
    and the keyword readers are queued too)."""
    bound = None
    if fan.topics:
        bound = await conn.fetchval(
            """SELECT MIN(b.chat_id) FROM unnest(?::text[]) t (topic) CROSS JOIN LATERAL
                (SELECT s.chat_id FROM subscriptions s WHERE s.topic_id = t.topic
                    AND s.chat_id >= ? ORDER BY s.chat_id OFFSET ? LIMIT 1) b""",
            (list(fan.topics), fan.next_chat, batch),
        )
    queued = await _queue_range(conn, fan, fan.next_chat, bound) if fan.topics else 0
    if bound is None and fan.watchers:
        queued += await _queue_watchers(conn, fan)
    return queued, None if bound is None else int(bound)


async def _queue_range(conn: Connection, fan: Fanout, low: int, high: int | None) -> int:
    """Topic rows for the active chats with ids in [low, high), each chat once, for its
    strongest topic."""
    upper = "AND s.chat_id < ?" if high is not None else ""
    exclude = NOT_HAD_EARLIER if fan.earlier_id is not None else ""
    params: tuple[object, ...] = (fan.article_id, fan.created_at, fan.created_at)
    params += (list(fan.topics), low) + ((high,) if high is not None else ())
    params += (fan.earlier_id,) if fan.earlier_id is not None else ()
    return await conn.execute(
        f"""
        INSERT INTO outbox (article_id, chat_id, reason_kind, reason_value, due_at, created_at)
        SELECT DISTINCT ON (s.chat_id) ?, s.chat_id, 'topic', t.topic, ?, ?
        FROM unnest(?::text[]) WITH ORDINALITY t (topic, strength)
            JOIN subscriptions s ON s.topic_id = t.topic
            JOIN chats c ON c.id = s.chat_id
        WHERE c.status = 'active' AND s.chat_id >= ? {upper} {exclude}
        ORDER BY s.chat_id, t.strength
        ON CONFLICT DO NOTHING
        """,
        params,
    )


async def _queue_watchers(conn: Connection, fan: Fanout) -> int:
    """Keyword rows, after every topic row: a chat that has one keeps it."""
    exclude = NOT_HAD_EARLIER if fan.earlier_id is not None else ""
    earlier = (fan.earlier_id,) if fan.earlier_id is not None else ()
    return await conn.execute(
        f"""
        INSERT INTO outbox (article_id, chat_id, reason_kind, reason_value, watch_id,
            due_at, created_at)
        SELECT ?, s.chat_id, 'keyword', s.terms, s.watch_id, ?, ?
        FROM unnest(?::bigint[], ?::bigint[], ?::text[]) WITH ORDINALITY
            s (chat_id, watch_id, terms, n)
            JOIN chats c ON c.id = s.chat_id
        WHERE c.status = 'active' {exclude}
        ORDER BY s.n
        ON CONFLICT DO NOTHING
        """,
        (
            fan.article_id,
            fan.created_at,
            fan.created_at,
            *_watch_columns(fan),
            *earlier,
        ),
    )
