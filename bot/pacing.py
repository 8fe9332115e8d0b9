"""Send pacing at Telegram's limits: a global rate, 1 message/s per private chat,
20/min per group, and pauses after a 429.

Sends are spaced evenly (not in bursts) so network jitter cannot push more than the
limit into any rolling second; we run 2 % under the nominal rate for the same reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

PRIVATE_INTERVAL_S = 1.05
GROUP_INTERVAL_S = 3.1  # 20 per minute
SAFETY = 0.98
GLOBAL_429_CHATS = 3  # this many chats hit by 429 within a second → pause everything


class Pacer:
    def __init__(self, rate_per_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / (rate_per_s * SAFETY)
        self._clock = clock
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._recent_429: list[tuple[float, int]] = []
        self._lock = asyncio.Lock()

    def now(self) -> float:
        return self._clock()

    def chat_ready_at(self, chat_id: int) -> float:
        return self._next_chat.get(chat_id, 0.0)

    def ready(self, chat_id: int) -> bool:
        return self.chat_ready_at(chat_id) <= self.now()

    async def acquire(self, chat_id: int, chat_type: str) -> None:
        """Wait for the global slot, then book the chat's next slot."""
        async with self._lock:
            now = self.now()
            start = max(now, self._next_global, self.chat_ready_at(chat_id))
            self._next_global = start + self.interval
            gap = PRIVATE_INTERVAL_S if chat_type == "private" else GROUP_INTERVAL_S
            self._next_chat[chat_id] = start + gap
        if start > now:
            await asyncio.sleep(start - now)

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


def retry_seconds(retry_after: object) -> float:
    """RetryAfter.retry_after is a timedelta (PTB_TIMEDELTA) or seconds."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]
