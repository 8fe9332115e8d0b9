"""One budget per Telegram limit for replies and deliveries together.

In one process (SQLite, the default) the reply bot takes its slots from the in-process
delivery's pacer (bot.replies.LocalSlots, Pacer.acquire_first), ahead of the broadcast.
On a shared database a worker's sends to a group book the group's row where replies to
it book theirs (bot.pacing.GroupSlots), so the group keeps one 20 a minute. Checked
against the sandbox's own limit counters."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import news
from bot.cluster import groups_booker, permit_taker
from bot.delivery import DeliveryWorker
from bot.harness import LocalBot
from bot.pacing import GroupSlots, Pacer, SharedPermits
from bot.replies import LocalSlots, ReplyLimiter
from bot.sandbox import Sandbox
from storage import chats, leases
from storage.backends import open_database
from storage.db import Database
from tests.delivery_rig import delivery_worker, stop_worker
from tests.e2e import STORY, say
from tests.processes import assert_within_limits, one_process_database, reply_bot, two_databases
from tests.test_cluster import TOPIC, publish
from tests.test_reply_rate import shared_slots

RATE = 30.0
GROUP_GAP_S = 0.2  # the group interval with the sandbox's minute shortened to 3 s
STORIES = 10  # to one group, with 20 replies: 30 where 20 in 3 s are allowed


async def start_worker(sb: Sandbox, db: Database, pacer: Pacer, holder: str) -> DeliveryWorker:
    found = await delivery_worker(
        sb, db, rate_per_s=RATE, read_timeout=10, holder=holder, pacer=pacer
    )
    found.start()
    return found


async def test_one_process_broadcast_and_a_burst_of_replies_keep_30_a_second(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """A story for 90 readers and 60 replies at once, in one process on SQLite: each
    side alone keeps 30/s, together they would not; on one pacer nothing is refused.
    The replies go first: while they are answered, the broadcast yields its slots."""
    readers = list(range(3000, 3090))
    repliers = list(range(4000, 4060))
    for chat_id in readers + repliers:
        sandbox.register_chat(chat_id)
    async with one_process_database(tmp_path) as db:
        await chats.register_many(db, readers, topic=TOPIC)
        pacer = Pacer(RATE)
        delivery = await start_worker(sandbox, db, pacer, "local")
        bot = await reply_bot(sandbox, local=LocalSlots(pacer))
        try:
            await publish(db, news.analyze(STORY))
            delivery.wake()
            await sandbox.wait_until(lambda: len(sandbox.all_messages()) >= 15, timeout=30)
            await asyncio.gather(*(bot.send_message(c, f"reply to {c}") for c in repliers))
            assert await delivery.drained(60)
        finally:
            await stop_worker(delivery, bot)
    assert_within_limits(sandbox)
    for chat_id in repliers:
        assert [m.text for m in sandbox.messages(chat_id)] == [f"reply to {chat_id}"]
    assert all(len(sandbox.messages(chat_id)) == 1 for chat_id in readers)
    # Ordering: between the first and the last reply at most the stories already on the
    # wire when the burst came (one slot each) were accepted, not a share of the slots.
    order = [m.chat_id for m in sandbox.all_messages()]
    first = min(order.index(c) for c in repliers)
    last = max(order.index(c) for c in repliers)
    stories_between = [c for c in order[first:last] if c in set(readers)]
    assert len(stories_between) <= 3, stories_between


async def test_one_process_a_group_getting_stories_and_replies_keeps_20_a_minute(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sandbox minute shortened to 3 s, group interval to 0.2 s: ten stories and 20
    replies to one group at once (30 in 3 s would be over the limit) share its slots."""
    group = -100_7070
    sandbox.register_chat(group, type="supergroup")
    sandbox.limiter.group_window_s = 3.0
    monkeypatch.setattr("bot.delivery.GROUP_INTERVAL_S", GROUP_GAP_S)  # the sent row's hold
    async with one_process_database(tmp_path) as db:
        await chats.register_many(db, [group], chat_type="supergroup", topic=TOPIC)
        analysis = news.analyze(STORY)
        for n in range(STORIES):
            await publish(db, analysis, f"story {n}")
        pacer = Pacer(RATE, group_interval_s=GROUP_GAP_S)
        bot = await reply_bot(sandbox, local=LocalSlots(pacer))
        delivery = await start_worker(sandbox, db, pacer, "local")
        try:
            await asyncio.gather(*(bot.send_message(group, f"reply {n}") for n in range(20)))
            assert await delivery.drained(60)
        finally:
            await stop_worker(delivery, bot)
    assert_within_limits(sandbox)
    texts = [m.text or "" for m in sandbox.messages(group)]
    assert sorted(t for t in texts if t.startswith("reply")) == sorted(
        f"reply {n}" for n in range(20)
    )
    assert len(texts) == 20 + STORIES  # and the stories, once each


async def test_a_reply_takes_the_next_slot_ahead_of_a_waiting_broadcast() -> None:
    """Slots, not wall times: a broadcast of 40 sends on one pacer; a reply asked for
    while it runs is granted before any send the broadcast had not been given yet."""
    pacer = Pacer(RATE)
    granted: list[str] = []
    asked_at: list[int] = []
    underway = asyncio.Event()

    async def broadcast() -> None:
        for chat_id in range(1, 41):
            ticket = await pacer.acquire(chat_id, "private")
            granted.append(f"story {chat_id}")
            pacer.answered(ticket)
            if chat_id == 10:
                underway.set()

    async def replies() -> None:
        await underway.wait()
        for n in range(3):
            asked_at.append(len(granted))
            ticket = await pacer.acquire_first(1000 + n, "private")
            granted.append(f"reply {n}")
            pacer.answered(ticket)

    await asyncio.gather(broadcast(), replies())
    for n, asked in enumerate(asked_at):
        # At most the one send whose slot was already being waited on went first.
        assert granted.index(f"reply {n}") <= asked + 1, granted
    assert len(granted) == 43


async def test_a_reply_waits_for_a_story_just_sent_to_its_chat_not_for_a_reply() -> None:
    """A private chat's interval holds between a story and a reply either way; replies
    among themselves (a reader's own commands) go as they come, as before."""
    now = [100.0]
    pacer = Pacer(RATE, clock=lambda: now[0])
    pacer.answered(await pacer.acquire(7, "private"))  # a story went to chat 7
    assert pacer.chat_ready_at(7) > now[0]
    waited = asyncio.create_task(pacer.acquire_first(7, "private"))
    await asyncio.sleep(0.02)
    assert not waited.done()  # the story's interval holds the reply
    now[0] += 1.1
    pacer.answered(await asyncio.wait_for(waited, 2))
    ticket = await asyncio.wait_for(pacer.acquire_first(7, "private"), 2)  # reply after reply
    pacer.answered(ticket)
    assert not pacer.ready(7)  # and a story after the replies waits its interval again


async def test_the_running_bot_paces_its_replies_on_its_delivery_pacer(tmp_path: Path) -> None:
    """bot.app wires it: one process (SQLite) takes reply slots from the delivery's own
    pacer; a shared database books on the shared schedule instead."""
    async with LocalBot(tmp_path / "bot.db", start_delivery=False) as running:
        assert running.app is not None
        limiter = running.app.bot.rate_limiter
        assert isinstance(limiter, ReplyLimiter)
        shared = running.services.db.shared
        assert (limiter.local is None) == shared and (limiter.shared is None) != shared
        if limiter.local is not None:
            pacer = limiter.local.pacer
            before = len(pacer._sent)
            answer = await say(running.sandbox, 7002, "/start")
            assert answer.plain
            assert len(pacer._sent) > before  # the answer took a slot of that pacer


async def test_a_worker_and_replies_keep_one_budget_for_a_group_on_a_shared_database(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes on one database: a worker broadcasting ten stories to a group and
    another process answering 20 commands in it. The group's row takes both (minute
    shortened to 3 s, interval 0.2 s): 0 refused, every message once."""
    group = -100_8080
    readers = list(range(9000, 9006))
    sandbox.register_chat(group, type="supergroup")
    for chat_id in readers:
        sandbox.register_chat(chat_id)
    sandbox.limiter.group_window_s = 3.0
    monkeypatch.setattr("bot.delivery.GROUP_INTERVAL_S", GROUP_GAP_S)
    async with two_databases(tmp_path) as (one, two):
        await chats.register_many(one, [group], chat_type="supergroup", topic=TOPIC)
        await chats.register_many(one, readers, topic=TOPIC)
        analysis = news.analyze(STORY)
        for n in range(STORIES):
            await publish(one, analysis, f"story {n}")
        groups = GroupSlots(groups_booker(one), interval_s=GROUP_GAP_S)
        pacer = Pacer(
            RATE,
            shared=SharedPermits(permit_taker(one, "w"), RATE),
            groups=groups,
            group_interval_s=GROUP_GAP_S,
        )
        delivery = await start_worker(sandbox, one, pacer, "w")
        bot = await reply_bot(sandbox, shared=shared_slots(two, group_interval_s=GROUP_GAP_S))
        try:
            await asyncio.gather(*(bot.send_message(group, f"reply {n}") for n in range(20)))
            assert await delivery.drained(60)
        finally:
            await stop_worker(delivery, bot)
        # Only the group's sends booked a group row: the private readers' did not.
        names = {str(r[0]) for r in await one.fetchall("SELECT name FROM send_slots")}
        assert {n for n in names if n.startswith("group:")} == {f"group:{group}"}
    assert_within_limits(sandbox)
    texts = [m.text or "" for m in sandbox.messages(group)]
    assert len(texts) == 20 + STORIES and len({t for t in texts if t.startswith("reply")}) == 20
    assert all(len(sandbox.messages(chat_id)) == STORIES for chat_id in readers)
    assert groups.booked >= 1


async def test_a_round_of_groups_books_in_one_statement_after_every_earlier_booking(
    tmp_path: Path,
) -> None:
    """storage.leases.reserve_each books like reserve_slots, one row each: after what
    replies booked, never overlapping, a row new to the table at its time."""
    db = await open_database(tmp_path / "slots.db")
    try:
        now = 1_000.0
        reply = await leases.reserve_slots(db, "group:-1", count=1, interval_s=3.1, now=now)
        got = await leases.reserve_each(
            db, {"group:-1": now, "group:-2": now + 0.5, "group:-3": now}, interval_s=3.1
        )
        assert got == pytest.approx(
            {"group:-1": reply + 3.1, "group:-2": now + 0.5, "group:-3": now}
        )
        again = await leases.reserve_each(db, {"group:-2": now}, interval_s=3.1)
        assert again == pytest.approx({"group:-2": now + 0.5 + 3.1})
        later = await leases.reserve_slots(db, "group:-3", count=1, interval_s=3.1, now=now)
        assert later == pytest.approx(now + 3.1)
        assert await leases.reserve_each(db, {}, interval_s=3.1) == {}
    finally:
        await db.close()


async def test_a_group_slot_ahead_of_the_round_holds_the_group_and_stale_ones_are_rebooked() -> (
    None
):
    """A round's booking that finds the group's row taken seconds ahead (replies) keeps
    the row back till then; a slot booked for a round and not used in time is booked
    again when the send comes."""
    wall = [500.0]
    booked: list[dict[str, float]] = []
    taken = {"group:-5": 503.0}  # replies took the group's row up to 503

    async def reserve(wanted: dict[str, float], interval_s: float) -> dict[str, float]:
        booked.append(dict(wanted))
        return {name: max(at, taken.get(name, 0.0)) for name, at in wanted.items()}

    async def take(occupied: int, wanted: int, limit: int, lease_s: float) -> int:
        return wanted

    groups = GroupSlots(reserve, clock=lambda: wall[0])
    pacer = Pacer(
        RATE,
        clock=lambda: wall[0],
        shared=SharedPermits(take, RATE, clock=lambda: wall[0]),
        groups=groups,
    )
    await pacer.book_groups([(-5, "supergroup"), (6, "private"), (-7, "channel"), (-7, "channel")])
    assert len(booked) == 1 and set(booked[0]) == {"group:-5", "group:-7"}
    assert booked[0]["group:-7"] > booked[0]["group:-5"]  # at its planned place
    assert not pacer.ready(-5) and pacer.ready(-7)
    wall[0] += 2.0  # -7's slot went stale meanwhile
    pacer.answered(await pacer.acquire(-7, "channel"))
    assert len(booked) == 2 and set(booked[1]) == {"group:-7"}
    wall[0] = 503.0  # -5's slot has come: a new round sends on it, books no other
    assert pacer.ready(-5)
    await pacer.book_groups([(-5, "supergroup")])
    pacer.answered(await pacer.acquire(-5, "supergroup"))
    assert len(booked) == 2
