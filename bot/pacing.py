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


class Ticket:
    """One send as the pacer counts it; `Pacer.answered` notes its answer."""

    __slots__ = ("answered_at", "left")

    def __init__(self, left: float) -> None:
        self.left = left
        self.answered_at: float | None = None

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
    ) -> None:
        self.interval = 1.0 / (rate_per_s * SAFETY)
        self.early = EARLY_S if self.interval < EARLY_S / 2 else 0.0
        self._clock = clock
        self.shared = shared  # the global slot comes from there when several workers run
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._recent_429: list[tuple[float, int]] = []
        self._lock = asyncio.Lock()
        # The last `rate` sends: the oldest must be answered WINDOW_S ago before another.
        self._sent: deque[Ticket] = deque(maxlen=max(1, int(rate_per_s)))

    def now(self) -> float:
        return self._clock()

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def ready(self, chat_id: int) -> bool:
        return self.chat_ready_at(chat_id) <= self.now()

    async def acquire(self, chat_id: int, chat_type: str) -> Ticket:
        """Wait for the global slot, then book the chat's next slot. Pass the ticket to
        `answered` when the server's answer (or error) comes back."""
        async with self._lock:
            if self.shared is not None:
                return await self._acquire_shared(chat_id, chat_type)
            slot = max(self._next_global, self.chat_ready_at(chat_id))
            while True:
                now = self.now()
                # Due within `early`: go now; else sleep to the slot itself, so the
                # slots after it are due within `early` when we wake.
                planned, wait = slot, (slot - now if slot - self.early > now else 0.0)
                if len(self._sent) == self._sent.maxlen:
                    oldest = self._sent[0]
                    opens = oldest.counted_by() + WINDOW_S
                    planned = max(planned, opens)
                    if opens > now:
                        # A send not answered yet may be answered any moment: look again.
                        stalled = oldest.answered_at is None
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
            gap = PRIVATE_INTERVAL_S if chat_type == "private" else GROUP_INTERVAL_S
            self._next_chat[chat_id] = now + gap
            return ticket

    def answered(self, ticket: Ticket) -> None:
        """The send's answer is in; a second request in the same slot (a refused photo
        sent again as text) moves the time on."""
        ticket.answered_at = self.now()

    async def _acquire_shared(self, chat_id: int, chat_type: str) -> Ticket:
        assert self.shared is not None
        ready = max(self._next_global, self.chat_ready_at(chat_id))  # a pause, the chat
        if ready > self.now():
            await asyncio.sleep(ready - self.now())
        for _ in range(LATE_TRIES):
            wall = await self.shared.next()
            delay = wall - self.shared.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.shared.clock() - wall <= LATE_MAX_S:
                break
            # Woke too late (a busy machine): the slot has passed, the next one is used.
            self.shared.dropped += 1
        gap = PRIVATE_INTERVAL_S if chat_type == "private" else GROUP_INTERVAL_S
        self._next_chat[chat_id] = self.now() + gap
        return Ticket(self.now())

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
