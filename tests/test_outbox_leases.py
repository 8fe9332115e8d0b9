"""A live worker never sends a row twice (issue 16: duplicates come only from a killed
worker's unconfirmed rows): a flush that fails keeps its rows, a row whose lease may
have run out while its send waited is not sent, and a renewal keeps a row nobody has
claimed since its lease ran out."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from bot import news
from bot.domain import Article
from bot.sandbox import Sandbox
from storage import articles, chats, outbox
from storage.articles import NewArticle
from storage.backends import open_database
from storage.db import Database
from tests.delivery_rig import TOPIC, delivery_worker, stop_worker
from tests.e2e import STORY


async def publish(db: Database) -> None:
    await articles.publish(
        db,
        NewArticle(
            title="Story", text=STORY, language="uk", topics=(TOPIC,), analysis=news.analyze(STORY)
        ),
    )


async def readers(sb: Sandbox, db: Database, ids: list[int]) -> None:
    await chats.register_many(db, ids, topic=TOPIC)
    for chat_id in ids:
        sb.register_chat(chat_id)


async def until(check: Any, within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_a_failed_flush_keeps_its_rows_so_they_are_not_sent_again(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = list(range(3000, 3020))
    db = await open_database(tmp_path / "bot.db")
    await readers(sandbox, db, ids)
    mark_sent = outbox.mark_sent
    failures: list[int] = []

    async def fails_once(*args: Any, **kwargs: Any) -> None:
        if not failures:
            failures.append(1)
            raise ConnectionError("database went away for a moment")
        await mark_sent(*args, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", fails_once)
    worker = await delivery_worker(sandbox, db, holder="a")
    worker.start()
    try:
        await publish(db)
        worker.wake()
        assert await worker.drained(30)
        assert failures  # the first flush did fail
        assert {chat_id: len(sandbox.messages(chat_id)) for chat_id in ids} == dict.fromkeys(ids, 1)
        assert await outbox.status_counts(db, 1) == {outbox.SENT: len(ids)}
    finally:
        await stop_worker(worker)
        await db.close()


async def test_a_row_whose_lease_ran_out_while_it_waited_is_left_to_its_new_holder(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker a claims five rows, then its renewal stalls and its sends wait for the story
    to load (a busy machine) past the lease; b claims the rows. When the story comes, a
    sends none of them. Once b is gone and a's renewal goes through, a sends each once."""
    ids = list(range(4000, 4005))
    db = await open_database(tmp_path / "bot.db")
    db.shared = True  # b's claims are live
    await readers(sandbox, db, ids)
    get, renew = articles.get, outbox.renew
    loaded, renewing = asyncio.Event(), asyncio.Event()
    waiting: list[int] = []

    async def slow_get(conn: Database, article_id: int) -> Article | None:
        waiting.append(article_id)
        await loaded.wait()
        return await get(conn, article_id)

    async def stalled_renew(*args: Any, **kwargs: Any) -> int:
        await renewing.wait()
        return await renew(*args, **kwargs)

    monkeypatch.setattr(articles, "get", slow_get)
    monkeypatch.setattr(outbox, "renew", stalled_renew)
    a = await delivery_worker(sandbox, db, holder="a")
    a.lease_s = 1.0
    a.start()
    try:
        await publish(db)
        a.wake()

        async def dispatched() -> bool:
            return len(waiting) == len(ids)

        await until(dispatched)  # every row is a's, its send waiting for the story
        await asyncio.sleep(1.2)  # a's leases run out
        taken = await outbox.claim(db, "b", lease_s=30)
        assert sorted(row.chat_id for row in taken) == ids
        loaded.set()
        await asyncio.sleep(0.5)
        assert sandbox.all_messages() == []  # b's rows now: a sent none of them

        await outbox.release(db, "b")  # b dies before sending; a's renewal goes through
        renewing.set()
        assert await a.drained(30)
        assert {chat_id: len(sandbox.messages(chat_id)) for chat_id in ids} == dict.fromkeys(ids, 1)
        assert a.stats.unsure == len(ids)
    finally:
        loaded.set()
        renewing.set()
        await stop_worker(a)
        await db.close()


async def test_a_renewal_keeps_a_run_out_lease_nobody_claimed_since(db: Database) -> None:
    await chats.register_many(db, [21, 22], topic=TOPIC)
    await publish(db)
    now = time.time()
    mine = await outbox.claim(db, "a", lease_s=10, now=now)
    assert len(mine) == 2
    assert await outbox.renew(db, "a", lease_s=10, now=now + 1, ids=[mine[1].id]) == 1
    assert await outbox.renew(db, "a", lease_s=10, now=now + 1, ids=[]) == 0
    # Late: the leases ran out at now + 10, but nobody claimed the rows meanwhile.
    assert await outbox.renew(db, "a", lease_s=10, now=now + 12) == 2
    assert await outbox.claim(db, "b", lease_s=10, now=now + 15) == []  # renewed to now + 22
    taken = await outbox.claim(db, "b", lease_s=10, now=now + 23)
    assert len(taken) == 2
    # b holds them now: a's renewal, however late, leaves them to b.
    assert await outbox.renew(db, "a", lease_s=10, now=now + 24) == 0
    assert await outbox.claim(db, "a", lease_s=10, now=now + 25) == []
