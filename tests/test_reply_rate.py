"""Replies of several bot processes on one database keep Telegram's limits together with
the delivery workers (issue 16): each reply takes a permit of the budget the workers
take theirs from (bot.replies.ReplySlots). Two "processes" here are two reply limiters with
their own bots: on PostgreSQL two pools of one database, on SQLite one connection
marked shared (as tests/test_cluster.py does)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot import news
from bot.cluster import SEND_SCHEDULE, new_holder, permit_taker, schedule_booker
from bot.harness import LocalBot
from bot.replies import TEXT_LIMIT, ReplyLimiter, ReplySlots
from bot.sandbox import Sandbox
from storage import chats
from storage.backends import open_database
from storage.db import Database
from tests.delivery_rig import stop_worker
from tests.e2e import STORY, say
from tests.processes import assert_within_limits, reply_bot, two_databases
from tests.test_cluster import TOPIC, publish, worker

RATE = 30.0


def shared_slots(db: Database, rate: float = RATE, **options: Any) -> ReplySlots:
    """A bot process's ReplySlots on `db`, as bot.app wires them."""
    holder = new_holder("bot")
    return ReplySlots(
        schedule_booker(db), lambda name: permit_taker(db, holder, name), rate, **options
    )


def granting(booked: list[str]) -> Any:
    """Takers that note the budgets taken from and grant what is asked."""

    def taker(name: str) -> Any:
        async def take(occupied: int, wanted: int, limit: int, lease_s: float) -> int:
            booked.append(name)
            return wanted

        return take

    return taker


async def test_replies_of_two_processes_and_a_worker_keep_the_global_rate(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    readers = list(range(3000, 3060))
    repliers = [list(range(4000, 4040)), list(range(5000, 5040))]
    for chat_id in readers + repliers[0] + repliers[1]:
        sandbox.register_chat(chat_id)
    async with two_databases(tmp_path) as (one, two):
        await chats.register_many(one, readers, topic=TOPIC)
        delivery = await worker(sandbox, one, "w", RATE)
        bots = [await reply_bot(sandbox, shared=shared_slots(db)) for db in (one, two)]
        try:
            await publish(one, news.analyze(STORY))
            delivery.wake()
            await sandbox.wait_until(lambda: len(sandbox.all_messages()) >= 10, timeout=30)
            # Both processes answer a burst of commands while the worker broadcasts.
            await asyncio.gather(
                *(
                    bot.send_message(chat_id, f"reply to {chat_id}")
                    for bot, chat_ids in zip(bots, repliers, strict=True)
                    for chat_id in chat_ids
                )
            )
            assert await delivery.drained(60)
        finally:
            await stop_worker(delivery, *bots)
    assert_within_limits(sandbox)
    for chat_id in repliers[0] + repliers[1]:
        assert [m.text for m in sandbox.messages(chat_id)] == [f"reply to {chat_id}"]
    assert all(len(sandbox.messages(chat_id)) == 1 for chat_id in readers)


async def test_a_group_answered_by_two_processes_keeps_its_rate(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Telegram's 20 a minute per group, with the minute shortened to 3 s in the sandbox
    and the group interval to 0.2 s (20 per 3 s needs 0.15; the margin is a busy
    machine's late sends): 24 replies from two processes, more than one process's own
    limiter would hold back, and not one over the limit."""
    group = -100_4242
    sandbox.register_chat(group, type="supergroup")
    sandbox.limiter.group_window_s = 3.0
    async with two_databases(tmp_path) as (one, two):
        bots = [
            await reply_bot(sandbox, shared=shared_slots(db, group_interval_s=0.2))
            for db in (one, two)
        ]
        try:
            await asyncio.gather(
                *(
                    bot.send_message(group, f"{n} from {i}")
                    for i, bot in enumerate(bots)
                    for n in range(12)
                )
            )
        finally:
            for bot in bots:
                await bot.shutdown()
    assert_within_limits(sandbox)
    texts = sorted(m.text or "" for m in sandbox.messages(group))
    assert texts == sorted(f"{n} from {i}" for i in range(2) for n in range(12))


async def test_a_booking_failure_still_sends_the_reply(
    sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = await open_database(tmp_path / "gone.db")
    await gone.close()  # the database went away: every booking fails
    sandbox.register_chat(6000)
    sandbox.register_chat(-100_6001, type="supergroup")
    bot = await reply_bot(sandbox, shared=shared_slots(gone))
    try:
        with caplog.at_level(logging.WARNING, logger="bot.replies"):
            for n in range(3):
                await bot.send_message(6000, f"private {n}")
                await bot.send_message(-100_6001, f"group {n}")
    finally:
        await bot.shutdown()
    assert [m.text for m in sandbox.messages(6000)] == [f"private {n}" for n in range(3)]
    assert [m.text for m in sandbox.messages(-100_6001)] == [f"group {n}" for n in range(3)]
    warnings = [r for r in caplog.records if "reply slots not booked" in r.getMessage()]
    assert len(warnings) == 1  # once, not per reply


class Recorder:
    """A reserve that notes the schedules booked and answers "now"."""

    def __init__(self) -> None:
        self.booked: list[str] = []

    async def __call__(self, name: str, interval_s: float, not_before: float) -> float:
        self.booked.append(name)
        return not_before


async def test_only_sends_book_and_the_reply_guarantees_stay() -> None:
    recorder = Recorder()
    limiter = ReplyLimiter(max_retries=0)
    await limiter.initialize()
    limiter.shared = ReplySlots(recorder, granting(recorder.booked), RATE)
    seen: list[dict[str, Any]] = []

    async def call(data: dict[str, Any]) -> bool:
        seen.append(dict(data))
        return True

    async def request(endpoint: str, **data: Any) -> list[str]:
        recorder.booked.clear()
        await limiter.process_request(call, (data,), {}, endpoint, data, None)
        return list(recorder.booked)

    for endpoint in ("getMe", "getChat", "sendChatAction", "deleteMessage", "getChatMember"):
        assert await request(endpoint, chat_id=7) == [], endpoint
    assert await request("answerCallbackQuery", callback_query_id="q1") == []
    assert limiter.answered("q1")
    assert await request("sendMessage", chat_id=7, text="x" * (TEXT_LIMIT + 50)) == ["global"]
    assert len(seen[-1]["text"]) <= TEXT_LIMIT  # still shortened to fit
    assert await request("editMessageText", chat_id=7, message_id=1, text="y") == ["global"]
    assert await request("sendPhoto", chat_id=-100_9, photo="p") == ["group:-1009", "global"]
    assert await request("sendMessage", chat_id="@news", text="z") == ["group:@news", "global"]
    # Paid broadcasts leave Telegram's free 30/s to the replies: they book it too.
    limiter.shared = ReplySlots(recorder, granting(recorder.booked), 1000.0, paid=True)
    assert await request("sendMessage", chat_id=7, text="p") == ["free", "global"]
    await limiter.shutdown()


async def test_a_slot_the_database_answered_too_late_for_is_booked_again_ahead() -> None:
    """A slow answer (0.2 s here, a busy server) makes the slot already past: the reply
    books again, as far ahead as the answer took, and goes on that one."""
    now = [100.0]
    asked: list[float] = []

    async def reserve(name: str, interval_s: float, not_before: float) -> float:
        asked.append(not_before)
        if len(asked) == 1:
            now[0] += 0.2  # the round trip
        return not_before  # an idle schedule: the slot is the time asked for

    slots = ReplySlots(reserve, granting([]), RATE, clock=lambda: now[0])
    await slots.wait(-7)  # a group's slot first
    assert asked == [100.0, pytest.approx(100.4)]


async def test_the_bot_books_its_replies_when_its_database_is_shared(tmp_path: Path) -> None:
    """The application wires it: on PostgreSQL (shared) a command's answer books a slot
    on the global schedule; on SQLite (one process) replies keep the local limiter."""
    async with LocalBot(tmp_path / "bot.db", start_delivery=False) as running:
        assert running.app is not None
        limiter = running.app.bot.rate_limiter
        assert isinstance(limiter, ReplyLimiter)
        db = running.services.db
        assert (limiter.shared is not None) == db.shared
        answer = await say(running.sandbox, 7001, "/start")
        assert answer.plain
        booked = await db.fetchval(
            "SELECT occupied FROM send_permits WHERE name = ? AND holder <> ''",
            (SEND_SCHEDULE,),
        )
        assert (booked is not None) == db.shared
