"""Send pacing at Telegram's limits: a global rate, 1 message/s per private chat,
20/min per group, and pauses after a 429.

Sends are spaced evenly and we run 1 % under the nominal rate. A rolling window backs
that up, counted by when sends were *answered*: Telegram counts a request when it
reaches it, which may be any time between our send and its answer (a busy machine
holds requests back and lets them through bunched, even out of order). So a send may
leave only once the one `rate` sends before it was answered WINDOW_S ago: then no
rolling second at the server can hold more than `rate`, whatever the delays on the
way. A send not answered yet is taken as counted by STALL_MAX_S after it left.

At paid-broadcast rates (1,000/s: a millisecond apart) a sleep per send would cost
more CPU than the send; there, slots due within EARLY_S go together, and the rate and
the window hold all the same.

In one process the reply bot takes its slots from the same pacer (`acquire_first`):
one budget for the global rate and for each chat, with a reply ahead of a broadcast —
it takes the next free global slot at once and a delivery waiting for that slot
takes the one after it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

PRIVATE_INTERVAL_S = 1.05
GROUP_INTERVAL_S = 3.1  # 20 per minute
SAFETY = 0.99
WINDOW_S = 1.005  # Telegram's rolling second (answer times are after its count)
CATCH_UP = 0.5
EARLY_S = 0.005  # only where sends are closer than half of it
STALL_MAX_S = 2.0
POLL_S = 0.01  # how often to look whether a stalled send was answered
GLOBAL_429_CHATS = 3  # this many chats hit by 429 within a second → pause everything
# Shared schedule (several workers): slots booked 0.2 s at a time, 10 % under the rate so
# a send up to LATE_MAX_S late (busy machine, transit) still keeps any rolling second
# within the limit; a slot missed by more is dropped, never used late.
SHARED_SAFETY = 0.9
SHARED_BOOK_S = 0.2
LATE_MAX_S = 0.05
LATE_TRIES = 3  # slots given up after a late wake-up before a send goes on the next anyway
# A group's slot booked for a round (GroupSlots) is used up to a third of the group
# interval late: 20 sends a minute 3.1 s apart, each up to 1 s late, still fit a
# rolling minute (floor((60 + 1) / 3.1) + 1 = 20). Later, it is booked again.
GROUP_LATE_SHARE = 1 / 3
GROUP_AHEAD_S = 0.1  # a round's group slot further ahead than planned: the row waits


class SharedSlots:
    """Global send slots booked from a schedule every worker shares (the database's
    send_slots row, storage.leases.reserve_slots): the slots of all workers never
    overlap, so together they keep the global rate however many run."""

    def __init__(
        self,
        reserve: Callable[[int, float], Awaitable[float]],
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reserve = reserve  # (count, interval_s) → wall time of the first slot
        self.interval = 1.0 / (rate_per_s * SHARED_SAFETY)
        self.book = max(1, int(rate_per_s * SHARED_BOOK_S))
        self.clock = clock
        self._slots: deque[float] = deque()
        self.dropped = 0  # slots that passed unused
        self.rebooked = 0  # sends that left their slot too late and took a new one

    async def next(self) -> float:
        """The wall time of this worker's next slot (now or later)."""
        while True:
            now = self.clock()
            while self._slots and self._slots[0] < now - LATE_MAX_S:
                self._slots.popleft()
                self.dropped += 1
            if self._slots:
                return self._slots.popleft()
            first = await self.reserve(self.book, self.interval)
            self._slots.extend(first + i * self.interval for i in range(self.book))


class GroupSlots:
    """Each group's or channel's slots on the row its replies book too (the send_slots
    row `group:<id>`, storage.leases), so a worker's sends to a group and every
    process's replies to it keep one 20 a minute. The groups of a round are booked in
    one statement (`book`), each at the time its send is planned; `take` hands one out,
    or books it alone when it has gone stale or was never booked."""

    def __init__(
        self,
        reserve: Callable[[dict[str, float], float], Awaitable[dict[str, float]]],
        *,
        interval_s: float = GROUP_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reserve = reserve  # ({schedule: not before}, interval_s) → {schedule: slot}
        self.interval = interval_s
        self.late_max = interval_s * GROUP_LATE_SHARE
        self.clock = clock
        self.held: dict[int, float] = {}  # a group's booked slot, not used yet
        self.booked = 0  # bookings sent to the database (statements)

    async def book(self, planned: dict[int, float]) -> dict[int, float]:
        """One slot for each group, not before its planned wall time."""
        wanted = {group_schedule(chat_id): at for chat_id, at in planned.items()}
        if not wanted:
            return {}
        self.booked += 1
        slots = await self.reserve(wanted, self.interval)
        found = {chat_id: slots[group_schedule(chat_id)] for chat_id in planned}
        self.held.update(found)
        return found

    def holds(self, chat_id: int) -> bool:
        """A slot booked for the group is still to be used (its row waits for it)."""
        slot = self.held.get(chat_id)
        return slot is not None and slot >= self.clock() - self.late_max

    def forget_stale(self) -> None:
        oldest = self.clock() - self.late_max
        self.held = {chat_id: slot for chat_id, slot in self.held.items() if slot >= oldest}

    async def take(self, chat_id: int) -> float:
        """The group's slot for a send now: the one booked for it, else a new one."""
        slot = self.held.pop(chat_id, None)
        if slot is None or slot < self.clock() - self.late_max:
            slot = (await self.book({chat_id: self.clock()}))[chat_id]
            self.held.pop(chat_id, None)
        return slot


def group_schedule(chat_id: int | str) -> str:
    """The send_slots row of one group's or channel's sends (Telegram's 20 a minute)."""
    return f"group:{chat_id}"


class Ticket:
    """One send as the pacer counts it; `Pacer.answered` notes its answer."""

    __slots__ = ("answered_at", "left", "slot")

    def __init__(self, left: float, slot: float | None = None) -> None:
        self.left = left
        self.answered_at: float | None = None
        self.slot = slot  # the wall time of its shared-schedule slot (several workers)

    def counted_by(self) -> float:
        """The latest moment the server can have counted this send."""
        return self.answered_at if self.answered_at is not None else self.left + STALL_MAX_S


class Pacer:
    def __init__(
        self,
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedSlots | None = None,
        groups: GroupSlots | None = None,
        group_interval_s: float = GROUP_INTERVAL_S,
    ) -> None:
        self.interval = 1.0 / (rate_per_s * SAFETY)
        self.early = EARLY_S if self.interval < EARLY_S / 2 else 0.0
        self._clock = clock
        self.shared = shared  # the global slot comes from there when several workers run
        self.groups = groups  # and a group's from its row, which replies book too
        self.group_interval = group_interval_s
        self._next_global = 0.0
        self._next_chat: dict[int | str, float] = {}
        # Private chats whose slot a reply set: a reply after a reply does not wait (a
        # user's own commands, a burst Telegram allows); a story still does.
        self._by_reply: set[int | str] = set()
        self._recent_429: list[tuple[float, int]] = []
        self._lock = asyncio.Lock()
        # The last `rate` sends: the oldest must be answered WINDOW_S ago before another.
        self._sent: deque[Ticket] = deque(maxlen=max(1, int(rate_per_s)))

    def now(self) -> float:
        return self._clock()

    def chat_ready_at(self, chat_id: int | str) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def ready(self, chat_id: int) -> bool:
        return self.chat_ready_at(chat_id) <= self.now()

    def gap(self, chat_type: str) -> float:
        return PRIVATE_INTERVAL_S if chat_type == "private" else self.group_interval

    async def acquire(self, chat_id: int, chat_type: str) -> Ticket:
        """Wait for the global slot, then book the chat's next slot. Pass the ticket to
        `answered` when the server's answer (or error) comes back."""
        async with self._lock:
            if self.shared is not None:
                return await self._acquire_shared(chat_id, chat_type)
            chat_slot = self.chat_ready_at(chat_id)
            gap = self.gap(chat_type)
            # The chat is this send's while it waits: a reply to it comes after.
            self._next_chat[chat_id] = max(chat_slot, self.now()) + gap
            while True:
                now = self.now()
                # Read again at every wake-up: a reply may have taken the slot meanwhile.
                slot = max(self._next_global, chat_slot)
                # Due within `early`: go now; else sleep to the slot itself, so the
                # slots after it are due within `early` when we wake.
                planned, wait = slot, (slot - now if slot - self.early > now else 0.0)
                opens = self._window_opens()
                if opens is not None:
                    planned = max(planned, opens)
                    if opens > now:
                        # A send not answered yet may be answered any moment: look again.
                        stalled = self._sent[0].answered_at is None
                        wait = max(wait, min(opens - now, POLL_S) if stalled else opens - now)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            ticket = Ticket(now)
            self._sent.append(ticket)
            # Spacing counts from the planned slot, so late wake-ups on a busy machine do
            # not each cost the rate; after a late one the next send still waits at least
            # CATCH_UP of an interval (no burst), and the rolling window bounds the rest.
            self._next_global = max(planned + self.interval, now + self.interval * CATCH_UP)
            self._next_chat[chat_id] = now + gap
            self._by_reply.discard(chat_id)
            return ticket

    async def acquire_first(
        self, chat_id: int | str | None, chat_type: str, *, per_chat: bool = True
    ) -> Ticket:
        """A reply's slot, ahead of the broadcast: the next free global slot, taken at
        once (a delivery waiting for it takes the one after), once the chat's own
        interval has passed. Returns at the slot; `answered` as for `acquire`."""
        while True:
            now = self.now()
            ready = self._reply_ready_at(chat_id, chat_type) if per_chat else 0.0
            if ready > now:  # a group's slot may lie seconds ahead: other replies go on
                await asyncio.sleep(ready - now)
                continue
            planned = max(self._next_global, now)
            opens = self._window_opens()
            if opens is not None and opens > planned:
                if self._sent[0].answered_at is None and opens > now + POLL_S:
                    await asyncio.sleep(POLL_S)  # it may be answered any moment
                    continue
                planned = opens
            break
        # Taken at once, with no wait between the look and the booking.
        ticket = Ticket(planned)
        self._sent.append(ticket)
        self._next_global = planned + self.interval
        if per_chat and chat_id is not None:
            self._next_chat[chat_id] = planned + self.gap(chat_type)
            if chat_type == "private":
                self._by_reply.add(chat_id)
        if planned > self.now():
            await asyncio.sleep(planned - self.now())
        return ticket

    def _reply_ready_at(self, chat_id: int | str | None, chat_type: str) -> float:
        if chat_id is None or (chat_type == "private" and chat_id in self._by_reply):
            return 0.0
        return self.chat_ready_at(chat_id)

    def _window_opens(self) -> float | None:
        """When the rolling window lets one more send go (None: it is not full)."""
        if len(self._sent) < (self._sent.maxlen or 0):
            return None
        return self._sent[0].counted_by() + WINDOW_S

    def answered(self, ticket: Ticket) -> None:
        """The send's answer is in; a second request in the same slot (a refused photo
        sent again as text) moves the time on."""
        ticket.answered_at = self.now()

    async def book_groups(self, round_: list[tuple[int, str]]) -> None:
        """A round's chats in the order they will be sent (one global slot apart): the
        groups' slots on the rows their replies book too, in one statement, each at
        its send's planned time. A group whose slot lies further ahead (a reply took
        it) waits till then."""
        if self.shared is None or self.groups is None:
            return
        wall, mono = self.shared.clock(), self.now()
        at: dict[int, float] = {}
        position = 0
        for chat_id, chat_type in round_:
            if not self.ready(chat_id):
                continue  # skipped in the round: no slot either
            if chat_type != "private" and chat_id not in at and not self.groups.holds(chat_id):
                at[chat_id] = wall + position * self.shared.interval
            position += 1
        for chat_id, slot in (await self.groups.book(at)).items():
            if slot > at[chat_id] + GROUP_AHEAD_S:
                self._next_chat[chat_id] = max(self.chat_ready_at(chat_id), mono + slot - wall)

    async def _acquire_shared(self, chat_id: int, chat_type: str) -> Ticket:
        assert self.shared is not None
        ready = max(self._next_global, self.chat_ready_at(chat_id))  # a pause, the chat
        if ready > self.now():
            await asyncio.sleep(ready - self.now())
        if chat_type != "private" and self.groups is not None:
            # The group's slot first (booked for this round, most often now), then the
            # global one.
            slot = await self.groups.take(chat_id)
            delay = slot - self.shared.clock()
            if delay > 0:
                await asyncio.sleep(delay)
        wall = await self._global_slot()
        self._next_chat[chat_id] = self.now() + self.gap(chat_type)
        return Ticket(self.now(), wall)

    async def _global_slot(self) -> float:
        assert self.shared is not None
        for _ in range(LATE_TRIES):
            wall = await self.shared.next()
            delay = wall - self.shared.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.shared.clock() - wall <= LATE_MAX_S:
                break
            # Woke too late (a busy machine): the slot has passed, the next one is used.
            self.shared.dropped += 1
        return wall

    async def on_time(self, ticket: Ticket) -> None:
        """Called just before the request leaves. On the shared schedule a send whose
        slot passed more than LATE_MAX_S ago (its task waited: the story still loading,
        a busy event loop) takes a new slot: sends of many slots leaving together
        would push a rolling second over the limit."""
        if self.shared is None or ticket.slot is None:
            return
        if self.shared.clock() - ticket.slot <= LATE_MAX_S:
            return
        self.shared.rebooked += 1
        async with self._lock:
            ticket.slot = await self._global_slot()

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        now = self.now()
        self._next_chat[chat_id] = max(self.chat_ready_at(chat_id), now + seconds)
        self._recent_429 = [(t, c) for t, c in self._recent_429 if now - t < 1.0]
        self._recent_429.append((now, chat_id))
        if len({c for _, c in self._recent_429}) >= GLOBAL_429_CHATS:
            # Several chats at once: this is the global limit, not one chat's.
            self._next_global = max(self._next_global, now + seconds)

    def forget_idle(self, *, above: int = 50_000) -> None:
        """Drop chats whose slot is in the past (keeps memory flat over 100k chats)."""
        if len(self._next_chat) <= above:
            return
        now = self.now()
        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        self._by_reply &= self._next_chat.keys()
        if self.groups is not None:
            self.groups.forget_stale()
