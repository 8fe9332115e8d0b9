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

Several processes on one database share the window the same way (SharedPermits): a
send holds a permit of the database's budget from before it leaves until WINDOW_S after
its answer. Chosen over a share of the rate per live process (rate / n each, a window
of its own): that needs a handshake whenever a process starts or dies (a new one may
send only once the others have shrunk), where the permits need none — a dead
process's permits simply stop counting after PERMIT_LEASE_S. The cost is a round trip
per PERMIT_BATCH_S of sends. (The shared schedule of slots used before counted by
leave times: 10 % under the rate, it still let requests the transit held back bunch
into one of Telegram's seconds.)

In one process the reply bot takes its slots from the same pacer (`acquire_first`):
one budget for the global rate and for each chat, with a reply ahead of a broadcast —
it takes the next free global slot at once and a delivery waiting for that slot
takes the one after it.
"""

from __future__ import annotations

import asyncio
import math
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
# Shared budget (several processes): a permit is taken from the database in batches of
# PERMIT_BATCH_S worth, and counts there until PERMIT_LEASE_S after the take that last
# renewed it; a send may leave only while its count lasts past the send's own
# (STALL_MAX_S + WINDOW_S).
PERMIT_BATCH_S = 0.05
PERMIT_LEASE_S = 5.0
PERMIT_POLL_S = 0.02  # how often a process with no permit left asks again
LATE_MAX_S = 0.05  # a reply's group slot passed by more is booked again
# A group's slot booked for a round (GroupSlots) is used up to a third of the group
# interval late: 20 sends a minute 3.1 s apart, each up to 1 s late, still fit a
# rolling minute (floor((60 + 1) / 3.1) + 1 = 20). Later, it is booked again.
GROUP_LATE_SHARE = 1 / 3
GROUP_AHEAD_S = 0.1  # a round's group slot further ahead than planned: the row waits


class SharedPermits:
    """The global send budget of every process on one database, counted as the one
    process's window counts it, by answer times (storage.leases.take_permits): a
    permit is occupied from its grant until WINDOW_S after its send's answer, and the
    database grants one only while all the processes' occupied permits stay within the
    rate. A request reaches Telegram between its send and its answer, so no rolling
    second there holds more than `rate` of them, whatever the delays on the way or on
    a busy machine. A process reports what it still occupies at its next take (its
    count in the database only falls meanwhile); a dead one's permits free after
    PERMIT_LEASE_S."""

    def __init__(
        self,
        take: Callable[[int, int, int, float], Awaitable[int]],
        rate_per_s: float,
        *,
        batch: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.take = take  # (occupied, wanted, limit, lease_s) → granted
        self.limit = max(1, int(rate_per_s))
        self.batch = batch or max(1, int(rate_per_s * PERMIT_BATCH_S))
        self.clock = clock
        self.spare = 0  # granted, not used yet
        self.used: list[Ticket] = []  # sends whose permit is still occupied
        self.lease_end = 0.0  # the database counts this process's permits until then
        self.takes = 0  # round trips to the database
        self.waits = 0  # takes that found the budget full
        self._lock = asyncio.Lock()

    def usable_until(self) -> float:
        """A send leaving later might still count after lease_end."""
        return self.lease_end - STALL_MAX_S - WINDOW_S

    def occupied(self) -> int:
        now = self.clock()
        self.used = [t for t in self.used if t.freed_at() > now]
        return self.spare + len(self.used)

    async def acquire(self, ticket: Ticket) -> None:
        """Until `ticket` holds a permit. The lock is let go between looks, so sends
        holding permits can leave (and free them) while others wait."""
        while True:
            async with self._lock:
                if await self._grant(ticket):
                    return
            self.waits += 1
            await asyncio.sleep(PERMIT_POLL_S)

    async def leave(self, ticket: Ticket) -> None:
        """Just before the request leaves: its permit's count in the database renewed
        if it would end too soon, a new permit if it lapsed (an idle process)."""
        now = self.clock()
        if ticket.permit and now > self.usable_until():
            async with self._lock:
                if self.clock() > self.usable_until() and self.clock() < self.lease_end:
                    await self._take(0)
        if not ticket.permit or self.clock() > self.usable_until():
            await self.acquire(ticket)
        ticket.leaving = self.clock()

    async def _grant(self, ticket: Ticket) -> bool:
        for _ in range(2):  # a renewal of the spare ones' count, or a lapse, then more
            if self.spare and self.clock() <= self.usable_until():
                self.spare -= 1
                ticket.permit = True
                self.used.append(ticket)
                return True
            wanted = 0 if self.spare else self.batch
            if not await self._take(wanted) and wanted:
                return False
        return False

    async def _take(self, wanted: int) -> int:
        now = self.clock()
        if now >= self.lease_end:
            # The database no longer counts what this process holds: what was not sent
            # is given up (a send already left counts no later than lease_end).
            self.spare = 0
            for ticket in self.used:
                if ticket.leaving is None:
                    ticket.permit = False
            self.used = [t for t in self.used if t.leaving is not None]
        granted = await self.take(self.occupied(), wanted, self.limit, PERMIT_LEASE_S)
        self.takes += 1
        self.lease_end = now + PERMIT_LEASE_S
        self.spare += granted
        return granted


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

    __slots__ = ("answered_at", "leaving", "left", "permit")

    def __init__(self, left: float) -> None:
        self.left = left
        self.answered_at: float | None = None
        # Several processes (SharedPermits): whether it holds a permit of the shared
        # budget, and when its request left.
        self.permit = False
        self.leaving: float | None = None

    def counted_by(self) -> float:
        """The latest moment the server can have counted this send."""
        return self.answered_at if self.answered_at is not None else self.left + STALL_MAX_S

    def freed_at(self) -> float:
        """When its shared permit is free again: WINDOW_S after the server counted it
        (never, while its request has not left)."""
        end = self.answered_at if self.answered_at is not None else math.inf
        if self.leaving is not None:
            end = min(end, self.leaving + STALL_MAX_S)
        return end + WINDOW_S


class Pacer:
    def __init__(
        self,
        rate_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedPermits | None = None,
        groups: GroupSlots | None = None,
        group_interval_s: float = GROUP_INTERVAL_S,
    ) -> None:
        self.interval = 1.0 / (rate_per_s * SAFETY)
        self.early = EARLY_S if self.interval < EARLY_S / 2 else 0.0
        self._clock = clock
        self.shared = shared  # the global budget, when several processes share a database
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
        wall, mono = self.groups.clock(), self.now()
        at: dict[int, float] = {}
        position = 0
        for chat_id, chat_type in round_:
            if not self.ready(chat_id):
                continue  # skipped in the round: no slot either
            if chat_type != "private" and chat_id not in at and not self.groups.holds(chat_id):
                at[chat_id] = wall + position * self.interval
            position += 1
        for chat_id, slot in (await self.groups.book(at)).items():
            if slot > at[chat_id] + GROUP_AHEAD_S:
                self._next_chat[chat_id] = max(self.chat_ready_at(chat_id), mono + slot - wall)

    async def _acquire_shared(self, chat_id: int, chat_type: str) -> Ticket:
        assert self.shared is not None
        planned = max(self._next_global, self.chat_ready_at(chat_id))  # a pause, the chat
        if planned - self.early > self.now():
            await asyncio.sleep(planned - self.now())
        if chat_type != "private" and self.groups is not None:
            # The group's slot first (booked for this round, most often now), then the
            # global permit.
            slot = await self.groups.take(chat_id)
            delay = slot - self.groups.clock()
            if delay > 0:
                await asyncio.sleep(delay)
        ticket = Ticket(self.now())
        await self.shared.acquire(ticket)
        now = self.now()
        # Spaced as in one process, so one process's batch of permits does not leave at
        # once; the budget bounds all of them together.
        self._next_global = max(planned + self.interval, now + self.interval * CATCH_UP)
        self._next_chat[chat_id] = now + self.gap(chat_type)
        return ticket

    async def on_time(self, ticket: Ticket) -> None:
        """Called just before the request leaves: on a shared budget, the send's permit
        is made sure of (bot.pacing.SharedPermits.leave)."""
        if self.shared is not None and ticket.leaving is None:
            await self.shared.leave(ticket)

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
