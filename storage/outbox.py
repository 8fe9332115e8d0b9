"""The delivery outbox: one row per (story, chat); the worker claims due rows and marks them.

Nothing is marked sent before Telegram accepted it, so a crash re-sends at most the
rows that were in flight.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storage import fanout
from storage.db import POSTGRES, Connection, Database

PENDING, SENT, FAILED, BLOCKED, SKIPPED = "pending", "sent", "failed", "blocked", "skipped"


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    article_id: int
    chat_id: int
    chat_type: str
    reason_kind: str
    reason_value: str
    watch_id: int | None
    attempts: int
    reply_to_message_id: int | None
    is_update: bool
    language: str | None = None  # the chat's /language choice
    telegram_language: str | None = None
    timezone: str | None = None
    quiet_start: str | None = None  # HH:MM in the chat's time zone, or None
    quiet_end: str | None = None
    queued_at: float = 0.0  # when the row was written (delivery latency)
    send_to: int | None = None  # the Telegram chat (a forum topic's group); None = chat_id
    thread_id: int | None = None  # a forum topic's message_thread_id

    @property
    def target(self) -> int:
        return self.chat_id if self.send_to is None else self.send_to


# A Delivery's columns, in delivery_of's order; other queries may select more after them.
DELIVERY_COLUMNS = """
    o.id, o.article_id, o.chat_id, c.type, o.reason_kind, o.reason_value, o.watch_id,
    o.attempts, o.reply_to_message_id, o.is_update, c.language, c.telegram_language,
    c.timezone, c.quiet_start, c.quiet_end, o.created_at, c.parent_id, c.thread_id"""
DELIVERY_FROM = "FROM outbox o JOIN chats c ON c.id = o.chat_id"
SELECT_DELIVERY = f"SELECT {DELIVERY_COLUMNS}\n{DELIVERY_FROM}\n"
DUE = "o.status = 'pending' AND o.due_at <= ? AND c.status = 'active' AND c.mode = 'instant'"


def delivery_of(r: Any) -> Delivery:
    return Delivery(
        id=r[0],
        article_id=r[1],
        chat_id=r[2],
        chat_type=r[3],
        reason_kind=r[4],
        reason_value=r[5],
        watch_id=r[6],
        attempts=r[7],
        reply_to_message_id=r[8],
        is_update=bool(r[9]),
        language=r[10],
        telegram_language=r[11],
        timezone=r[12],
        quiet_start=r[13],
        quiet_end=r[14],
        queued_at=float(r[15]),
        send_to=r[16],
        thread_id=r[17],
    )


def _not_in(skip: tuple[int, ...]) -> str:
    return f"AND o.id NOT IN ({','.join('?' * len(skip))})" if skip else ""


async def due(
    db: Database, *, now: float | None = None, limit: int = 500, exclude: Iterable[int] = ()
) -> list[Delivery]:
    """Pending rows whose time has come, oldest first, for active instant-mode chats
    (a digest-mode chat's rows wait for its digest)."""
    now = time.time() if now is None else now
    skip = tuple(exclude)
    rows = await db.fetchall(
        f"{SELECT_DELIVERY} WHERE {DUE} {_not_in(skip)} ORDER BY o.due_at, o.id LIMIT ?",
        (now, *skip, limit),
    )
    return [delivery_of(r) for r in rows]


# A chat's family: a forum topic's group (c.parent_id), else the chat itself. Telegram's
# per-group limit counts every topic of a group, so holds and claim locks are per family.
FAMILY_HELD = """
    SELECT 1 FROM chats hc JOIN outbox h ON h.chat_id = hc.id
    WHERE (hc.id = COALESCE(c.parent_id, c.id) OR hc.parent_id = COALESCE(c.parent_id, c.id))
        AND h.lease_until > ? AND h.claimed_by <> ?"""


async def claim(
    db: Database,
    holder: str,
    *,
    lease_s: float,
    now: float | None = None,
    limit: int = 500,
    exclude: Iterable[int] = (),
) -> list[Delivery]:
    """Due rows for `holder` to send, each leased to it until now + lease_s, oldest
    first: rows nobody holds, rows whose lease ran out (their worker died) and its own.
    A chat another worker holds (a live lease on one of its rows, sent ones included: the
    hold after a send) is left to that worker, and so is every chat of its family (a forum
    group and its topics), so two workers never send to one group within Telegram's
    per-chat or per-group interval. On PostgreSQL the rows are locked FOR UPDATE SKIP
    LOCKED and each family by an advisory lock (`_lock_families`): two claims at once
    never share a row or a family."""
    now = time.time() if now is None else now
    skip = tuple(exclude)
    async with db.transaction() as conn:
        lock = " FOR UPDATE OF o SKIP LOCKED" if conn.dialect == POSTGRES else ""
        found = await conn.fetchall(
            f"""{SELECT_DELIVERY}
            WHERE {DUE} {_not_in(skip)}
                AND (o.lease_until IS NULL OR o.lease_until <= ? OR o.claimed_by = ?)
                AND NOT EXISTS ({FAMILY_HELD})
            ORDER BY o.due_at, o.id LIMIT ?{lock}""",
            (now, *skip, now, holder, now, holder, limit),
        )
        rows = [delivery_of(r) for r in found]
        if rows and conn.dialect == POSTGRES:
            free = await _lock_families(conn, {row.target for row in rows}, holder, now)
            rows = [row for row in rows if row.target in free]
        if rows:
            await conn.executemany(
                "UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id = ?",
                [(holder, now + lease_s, row.id) for row in rows],
            )
    return rows


async def _lock_families(conn: Connection, families: set[int], holder: str, now: float) -> set[int]:
    """PostgreSQL: the families (Telegram chat ids) this claim may take. Each is locked
    for the transaction (pg_try_advisory_xact_lock, in the two-int key space, apart from
    the migrations' one-key lock; a family another claim is locking is skipped), then
    checked again in a new statement: a claim that committed a hold on it after this
    claim's first snapshot is seen now, and no other can commit one until this one ends."""
    keys = sorted(families)
    his = [key >> 32 for key in keys]  # a 64-bit id as two signed 32-bit halves
    los = [(key & 0xFFFFFFFF) - ((key & 0x80000000) << 1) for key in keys]
    locked = await conn.fetchall(
        "SELECT k.f FROM unnest(?::bigint[], ?::int[], ?::int[]) AS k(f, hi, lo) "
        "WHERE pg_try_advisory_xact_lock(k.hi, k.lo)",
        (keys, his, los),
    )
    mine = [int(r[0]) for r in locked]
    if not mine:
        return set()
    held = await conn.fetchall(
        "SELECT DISTINCT COALESCE(hc.parent_id, hc.id) FROM chats hc "
        "JOIN outbox h ON h.chat_id = hc.id "
        "WHERE (hc.id = ANY(?::bigint[]) OR hc.parent_id = ANY(?::bigint[])) "
        "AND h.lease_until > ? AND h.claimed_by <> ?",
        (mine, mine, now, holder),
    )
    return set(mine) - {int(r[0]) for r in held}


async def renew(
    db: Database,
    holder: str,
    *,
    lease_s: float,
    now: float | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Extend the holder's leases on its pending rows (it is alive and still has them),
    or on those of `ids` only (the rows a worker has on hand: looked up by key, not
    among every pending row). A lease that ran out is renewed too while nobody claimed
    the row since (a claim writes its own holder): the row is still this holder's alone."""
    now = time.time() if now is None else now
    keys = tuple(sorted(ids)) if ids is not None else ()
    if ids is not None and not keys:
        return 0
    only = f" AND id IN ({','.join('?' * len(keys))})" if keys else ""
    async with db.transaction() as conn:
        return await conn.execute(
            "UPDATE outbox SET lease_until = ? WHERE id IN (SELECT id FROM outbox "
            f"WHERE claimed_by = ? AND status = 'pending'{only}{_in_id_order(conn)})",
            (now + lease_s, holder, *keys),
        )


def _in_id_order(conn: Connection) -> str:
    """PostgreSQL: a subquery's rows locked in id order. Every statement locking several
    of a holder's rows at once (renew, release, mark_sent) takes them in that order, so
    two of them in one worker never wait on each other both ways (a renewal and a flush
    of sent rows deadlocked in benchmarks/scale.py)."""
    return " ORDER BY id FOR UPDATE" if conn.dialect == POSTGRES else ""


async def release(db: Database, holder: str | None = None) -> int:
    """Give up claims: the holder's pending rows (a worker stopping), or with holder None
    every claim and hold (one process per SQLite file: whoever held them is gone)."""
    async with db.transaction() as conn:
        if holder is None:
            return await conn.execute(
                "UPDATE outbox SET claimed_by = NULL, lease_until = NULL "
                "WHERE lease_until IS NOT NULL"
            )
        return await conn.execute(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL WHERE id IN (SELECT id "
            f"FROM outbox WHERE claimed_by = ? AND status = 'pending'{_in_id_order(conn)})",
            (holder,),
        )


async def next_due_at(db: Database) -> float | None:
    """When the next row is due; a story's fan-out still to queue is due since its
    publish (PostgreSQL, storage.fanout)."""
    row = await db.fetchone(
        "SELECT MIN(o.due_at) FROM outbox o JOIN chats c ON c.id = o.chat_id "
        "WHERE o.status = 'pending' AND c.status = 'active' AND c.mode = 'instant'"
    )
    found = [float(row[0])] if row and row[0] is not None else []
    fanned = await fanout.oldest(db)
    found += [fanned] if fanned is not None else []
    return min(found, default=None)


@dataclass(frozen=True, slots=True)
class Depth:
    rows: int  # pending outbox rows
    unqueued: int  # readers a fan-out has still to queue (PostgreSQL; storage.fanout)
    oldest_due: float | None  # due_at of the oldest row or unqueued reader already due

    @property
    def readers(self) -> int:
        """Everyone still waiting for a story: the honest queue length."""
        return self.rows + self.unqueued


async def depth(db: Database, *, now: float) -> Depth:
    """For the metrics. PostgreSQL: one snapshot (repeatable read), so a fan-out batch a
    worker commits meanwhile is counted once, as rows or as unqueued readers. SQLite has
    no fan-out: one statement, outside a write transaction."""
    if db.dialect != POSTGRES:
        return await _depth(db, now)
    async with db.transaction() as conn:
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return await _depth(conn, now)


async def _depth(conn: Connection, now: float) -> Depth:
    # Aggregates without GROUP BY: always one row.
    count, oldest = await conn.fetchone(
        "SELECT COUNT(*), MIN(CASE WHEN due_at <= ? THEN due_at END) FROM outbox "
        "WHERE status = 'pending'",
        (now,),
    ) or (0, None)
    unqueued, since = await fanout.unqueued(conn)
    due = [float(oldest)] if oldest is not None else []
    due += [since] if since is not None and since <= now else []
    return Depth(int(count), unqueued, min(due, default=None))


async def mark_sent(
    db: Database,
    results: Iterable[tuple[int, int]],
    *,
    in_digest: bool = False,
    hold_s: float = 0.0,
) -> None:
    """(row id, Telegram message id) pairs, in one transaction. in_digest: the message
    is a digest holding several stories (never edited or deleted for one of them).
    With hold_s, a row keeps its claim that long: its chat's hold against other
    workers (see claim)."""
    now = time.time()
    hold = now + hold_s if hold_s > 0 else None
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, "
            "attempts = attempts + 1, last_error = NULL, in_digest = ?, lease_until = ? "
            "WHERE id = ?",
            [  # in id order, as renew locks them
                (message_id, now, int(in_digest), hold, row_id)
                for row_id, message_id in sorted(results)
            ],
        )


async def mark_retry(db: Database, row_id: int, *, due_at: float, error: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET due_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (due_at, error[:500], row_id),
        )


async def postpone(db: Database, row_id: int, *, due_at: float, error: str) -> None:
    """Try later without counting an attempt (flood control, quiet hours)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET due_at = ?, last_error = ? WHERE id = ?",
            (due_at, error[:500], row_id),
        )


async def postpone_chat(db: Database, chat_id: int, *, due_at: float, error: str) -> None:
    """Every pending row of a chat waits until `due_at` (its quiet hours end)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET due_at = ?, last_error = ? "
            "WHERE chat_id = ? AND status = 'pending' AND due_at < ?",
            (due_at, error[:500], chat_id, due_at),
        )


async def mark(db: Database, row_id: int, status: str, *, error: str | None = None) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, "
            "lease_until = NULL WHERE id = ?",
            (status, error[:500] if error else None, row_id),
        )


async def retry_failed(db: Database, *, article_id: int | None = None) -> int:
    """An admin asks to try failed rows again. Returns how many were re-queued."""
    where = "status = 'failed'" + (" AND article_id = ?" if article_id is not None else "")
    params: tuple[object, ...] = (time.time(),) + ((article_id,) if article_id is not None else ())
    async with db.transaction() as conn:
        changed = await conn.execute(
            f"UPDATE outbox SET status = 'pending', attempts = 0, due_at = ? WHERE {where}", params
        )
        return changed


async def held_for_blocked(
    db: Database, *, since: float, article_id: int | None = None
) -> tuple[int, int]:
    """(messages, readers) stopped because the reader blocked the bot, queued since
    `since`: they go out if the reader comes back (storage.chats.touch)."""
    where = " AND o.article_id = ?" if article_id is not None else ""
    params: tuple[object, ...] = (since,) + ((article_id,) if article_id is not None else ())
    row = await db.fetchone(
        "SELECT COUNT(*), COUNT(DISTINCT o.chat_id) FROM outbox o JOIN chats c ON c.id = o.chat_id "
        f"WHERE o.status = 'blocked' AND c.status = 'blocked' AND o.created_at >= ?{where}",
        params,
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


@dataclass(frozen=True, slots=True)
class DigestRow:
    id: int
    article_id: int


async def digest_rows(db: Database, chat_id: int, *, created_before: float) -> list[DigestRow]:
    """A digest chat's pending rows queued before its latest digest time, oldest first."""
    rows = await db.fetchall(
        "SELECT id, article_id FROM outbox WHERE chat_id = ? AND status = 'pending' "
        "AND created_at < ? ORDER BY created_at, id",
        (chat_id, created_before),
    )
    return [DigestRow(r[0], r[1]) for r in rows]


async def sent_per_hour(db: Database, *, since: float) -> list[tuple[float, int]]:
    """(start of the hour as unix time, messages sent in it) for hours with sends."""
    # CAST rounds in PostgreSQL and truncates in SQLite (times are positive).
    hour = "FLOOR(sent_at / 3600)" if db.dialect == POSTGRES else "CAST(sent_at / 3600 AS INTEGER)"
    rows = await db.fetchall(
        f"SELECT {hour} * 3600 AS hour, COUNT(*) FROM outbox "
        "WHERE status = 'sent' AND sent_at >= ? GROUP BY hour ORDER BY hour",
        (since,),
    )
    return [(float(r[0]), int(r[1])) for r in rows]


async def failure_reasons(db: Database, *, limit: int = 5) -> list[tuple[str, int]]:
    """The commonest reasons of failed rows, for the admin view."""
    rows = await db.fetchall(
        "SELECT COALESCE(last_error, '?'), COUNT(*) AS n FROM outbox WHERE status = 'failed' "
        "GROUP BY 1 ORDER BY n DESC LIMIT ?",
        (limit,),
    )
    return [(r[0], int(r[1])) for r in rows]


async def message_for(db: Database, article_id: int, chat_id: int) -> int | None:
    row = await db.fetchone(
        "SELECT message_id FROM outbox WHERE article_id = ? AND chat_id = ? AND status = 'sent'",
        (article_id, chat_id),
    )
    return int(row[0]) if row and row[0] is not None else None


@dataclass(frozen=True, slots=True)
class ArticleStats:
    article_id: int
    title: str
    counts: dict[str, int]
    seconds_to_deliver: float | None  # from queueing to the last message sent


async def stats(db: Database, *, limit: int = 5) -> list[ArticleStats]:
    rows = await db.fetchall(
        """
        SELECT a.id, a.title, o.status, COUNT(o.id), MIN(o.created_at), MAX(o.sent_at)
        FROM (SELECT * FROM articles ORDER BY created_at DESC LIMIT ?) a
        LEFT JOIN outbox o ON o.article_id = a.id
        GROUP BY a.id, a.title, a.created_at, o.status ORDER BY a.created_at DESC
        """,
        (limit,),
    )
    by_article: dict[int, ArticleStats] = {}
    for article_id, title, status, n, queued_at, last_sent in rows:
        entry = by_article.setdefault(article_id, ArticleStats(article_id, title, {}, None))
        if status:
            entry.counts[status] = n
        if status == SENT and queued_at is not None and last_sent is not None:
            by_article[article_id] = ArticleStats(
                article_id, title, entry.counts, last_sent - queued_at
            )
    return list(by_article.values())


async def status_counts(db: Database, article_id: int) -> dict[str, int]:
    rows = await db.fetchall(
        "SELECT status, COUNT(*) FROM outbox WHERE article_id = ? GROUP BY status", (article_id,)
    )
    return {row[0]: row[1] for row in rows}
