"""Telegram's flood limits on sending, as rolling windows.

- overall: at most `global_per_s` sends in any rolling second (30 by default);
- paid broadcasts (`allow_paid_broadcast`, a fee per message on Telegram) skip that
  limit, but every send, paid or not, counts in a rolling second of `paid_per_s`
  (1000, Telegram's ceiling for paid broadcasts);
- one private chat: at most `private_burst` sends in any rolling `private_burst`
  seconds. The average stays at 1/s, but a short burst (a reply plus a couple of
  follow-ups to a user's own command) passes, as it does on real Telegram;
- one group, supergroup or channel: at most `group_per_min` sends per rolling minute
  (`group_window_s`: a test may shorten the minute, and the sender's interval with it).

A send over any limit is refused with 429 and `retry_after` = whole seconds until
the window frees, at least 1. Refused sends do not count.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        *,
        enabled: bool = True,
        global_per_s: int = 30,
        private_burst: int = 3,
        group_per_min: int = 20,
        paid_per_s: int = 1000,
        group_window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.global_per_s = global_per_s
        self.private_burst = private_burst
        self.group_per_min = group_per_min
        self.paid_per_s = paid_per_s
        self.group_window_s = group_window_s
        self.clock = clock
        self._free: deque[float] = deque()  # sends without allow_paid_broadcast
        self._all: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}

    def configure(
        self,
        enabled: bool,
        global_per_s: int | None = None,
        private_burst: int | None = None,
        group_per_min: int | None = None,
    ) -> None:
        self.enabled = enabled
        if global_per_s is not None:
            self.global_per_s = global_per_s
        if private_burst is not None:
            self.private_burst = private_burst
        if group_per_min is not None:
            self.group_per_min = group_per_min

    def acquire(
        self, chat_id: int, chat_type: str, *, paid: bool = False, per_chat: bool = True
    ) -> int:
        """Record a send and return 0, or return retry_after seconds and record nothing.
        per_chat=False counts only overall (an edit in a private chat)."""
        now = self.clock()
        sent = self._chats.setdefault(chat_id, deque())
        if chat_type == "private":
            limit, window = self.private_burst, float(self.private_burst)
        else:
            limit, window = self.group_per_min, self.group_window_s
        _prune(self._free, now - 1.0)
        _prune(self._all, now - 1.0)
        _prune(sent, now - window)
        if self.enabled:
            wait = max(
                _wait(self._all, self.paid_per_s, 1.0, now),
                0.0 if paid else _wait(self._free, self.global_per_s, 1.0, now),
                _wait(sent, limit, window, now) if per_chat else 0.0,
            )
            if wait > 0:
                return max(1, math.ceil(wait))
        if not paid:
            self._free.append(now)
        self._all.append(now)
        if per_chat:
            sent.append(now)
        return 0


def _prune(times: deque[float], before: float) -> None:
    while times and times[0] <= before:
        times.popleft()


def _wait(times: deque[float], limit: int, window: float, now: float) -> float:
    """Seconds until one more send fits; `times` holds only sends inside the window."""
    if len(times) < limit:
        return 0.0
    return times[len(times) - limit] + window - now
