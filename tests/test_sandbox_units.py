"""Sandbox parts without a server: the flood limits, seeded faults (HTML: test_sandbox_html)."""

from __future__ import annotations

import pytest

from bot.sandbox.faults import Faults
from bot.sandbox.limits import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_private_chat_allows_a_burst_of_three_then_one_per_second() -> None:
    clock = Clock()
    limits = RateLimiter(clock=clock)
    assert [limits.acquire(5, "private") for _ in range(3)] == [0, 0, 0]
    assert limits.acquire(5, "private") == 3  # the burst used the 3 s window
    assert limits.acquire(6, "private") == 0  # other chats are not affected
    clock.now += 3.0
    # Steady 1/s passes; a second message within the same second does not.
    for _ in range(5):
        assert limits.acquire(5, "private") == 0
        clock.now += 1.0
    assert limits.acquire(5, "private") == 0
    assert limits.acquire(5, "private") >= 1


def test_group_allows_twenty_per_minute() -> None:
    clock = Clock()
    limits = RateLimiter(clock=clock, global_per_s=1000)
    for _ in range(20):
        assert limits.acquire(-5, "group") == 0
        clock.now += 0.5
    retry = limits.acquire(-5, "group")
    assert 40 <= retry <= 51
    clock.now += retry
    assert limits.acquire(-5, "group") == 0


def test_global_limit_and_switch() -> None:
    clock = Clock()
    limits = RateLimiter(clock=clock, global_per_s=30)
    assert all(limits.acquire(chat, "private") == 0 for chat in range(1, 31))
    assert limits.acquire(31, "private") == 1
    limits.configure(False)
    assert limits.acquire(31, "private") == 0
    limits.configure(True, global_per_s=1000)
    assert limits.acquire(32, "private") == 0


def test_refused_sends_do_not_count() -> None:
    clock = Clock()
    limits = RateLimiter(clock=clock)
    for _ in range(3):
        limits.acquire(5, "private")
    for _ in range(10):
        assert limits.acquire(5, "private") > 0
    clock.now += 3.01
    assert limits.acquire(5, "private") == 0


def test_faults_repeat_with_a_seed() -> None:
    def run() -> list[str]:
        faults = Faults()
        faults.configure(error_rate=0.3, timeout_rate=0.2, hang_s=1, seed=11)
        out = []
        for _ in range(50):
            decision = faults.decide()
            out.append(str(decision.error.code) if decision.error else f"hang{decision.hang_s}")
        return out

    first = run()
    assert first == run()
    assert {"500", "502", "hang1"} <= set(first)
    assert "hang0.0" in first  # most requests go through untouched


def test_burst_429_counts_down() -> None:
    faults = Faults()
    faults.configure(burst_429=2, retry_after=4)
    codes = [faults.decide().error for _ in range(3)]
    assert [e.parameters if e else None for e in codes] == [
        {"retry_after": 4},
        {"retry_after": 4},
        None,
    ]
    assert faults.counts["burst_429"] == 2
    with pytest.raises(ValueError):
        faults.configure(error_rate=0.8, timeout_rate=0.5)
