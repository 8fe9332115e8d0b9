"""Send pacing at Telegram's limits: a global rate, 1 message/s per private chat,
20/min per group, and pauses after a 429.

Sends are spaced evenly (not in bursts) and we run 1 % under the nominal rate, so
transit jitter cannot push more than the limit into any rolling second. A rolling
window (no more than the rate within WINDOW_S) backs that up. When this process wakes
late from its sleeps the machine is busy, and requests reach the server bunched by
about as much: the window widens by the recent lateness (at most JITTER_MAX_S).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

PRIVATE_INTERVAL_S = 1.05
GROUP_INTERVAL_S = 3.1  # 20 per minute
SAFETY = 0.99
WINDOW_S = 1.03  # Telegram's rolling second, plus room for transit jitter
CATCH_UP = 0.5
JITTER_MAX_S = 0.15
JITTER_DECAY = 0.98  # per send: lateness seen 100 sends ago still counts ~13 %
GLOBAL_429_CHATS = 3  # this many chats hit by 429 within a second → pause everything


class Pacer:
    def __init__(self, rate_per_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / (rate_per_s * SAFETY)
        self._clock = clock
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._recent_429: list[tuple[float, int]] = []
        self._lock = asyncio.Lock()
        # When the last `rate` sends left: the oldest must be WINDOW_S old before another.
        self._sent: deque[float] = deque(maxlen=max(1, int(rate_per_s)))
        self.jitter = 0.0  # recent lateness of our own wake-ups, decaying

    def now(self) -> float:
        return self._clock()

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def ready(self, chat_id: int) -> bool:
        return self.chat_ready_at(chat_id) <= self.now()

    async def acquire(self, chat_id: int, chat_type: str) -> None:
        """Wait for the global slot, then book the chat's next slot."""
        async with self._lock:
            slot = max(self._next_global, self.chat_ready_at(chat_id))
            slept = False
            while True:
                now = self.now()
                planned = slot
                if len(self._sent) == self._sent.maxlen:
                    planned = max(planned, self._sent[0] + WINDOW_S + self.jitter)
                if planned <= now:
                    break
                await asyncio.sleep(planned - now)
                slept = True
            late = now - planned if slept else 0.0
            self.jitter = min(JITTER_MAX_S, max(late, self.jitter * JITTER_DECAY))
            self._sent.append(now)
            # Spacing counts from the planned slot, so late wake-ups on a busy machine do
            # not each cost the rate; after a late one the next send still waits at least
            # CATCH_UP of an interval (no burst), and the rolling window bounds the rest.
            self._next_global = max(planned + self.interval, now + self.interval * CATCH_UP)
            gap = PRIVATE_INTERVAL_S if chat_type == "private" else GROUP_INTERVAL_S
            self._next_chat[chat_id] = now + gap

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
