"""Faults on demand for send requests: 5xx answers, hangs, latency, transit jitter, 429
bursts.

Every decision comes from one seeded random generator, so a run with a seed is
repeatable. A hung request is processed normally once the hang ends (as on real
Telegram, a request the client gave up on may still have been delivered).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from bot.sandbox.errors import ApiError, too_many_requests


@dataclass
class FaultConfig:
    error_rate: float = 0.0  # share of sends answered 500 / 502
    timeout_rate: float = 0.0  # share of sends that hang for hang_s first
    hang_s: float = 10.0
    latency_s: float = 0.0  # added to every Bot API request
    # A random delay in [0, jitter_s] before a request is counted: the transit of a busy
    # machine, where a request reaches Telegram some time between its send and answer.
    jitter_s: float = 0.0
    burst_429: int = 0  # the next K sends answer 429
    retry_after: int = 1  # retry_after of those 429s


@dataclass(frozen=True)
class Decision:
    error: ApiError | None = None
    hang_s: float = 0.0


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self.config = FaultConfig()
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()

    def configure(
        self,
        *,
        error_rate: float = 0.0,
        timeout_rate: float = 0.0,
        hang_s: float = 10.0,
        latency_s: float = 0.0,
        burst_429: int = 0,
        retry_after: int = 1,
        seed: int | None = None,
        jitter_s: float = 0.0,
    ) -> None:
        if not (0 <= error_rate <= 1 and 0 <= timeout_rate <= 1 and error_rate + timeout_rate <= 1):
            raise ValueError("error_rate and timeout_rate are shares in [0, 1] summing to ≤ 1")
        if retry_after < 1:
            raise ValueError("retry_after is whole seconds ≥ 1")
        if jitter_s < 0:
            raise ValueError("jitter_s is seconds ≥ 0")
        self.config = FaultConfig(
            error_rate=error_rate,
            timeout_rate=timeout_rate,
            hang_s=hang_s,
            latency_s=latency_s,
            jitter_s=jitter_s,
            burst_429=burst_429,
            retry_after=retry_after,
        )
        if seed is not None:
            self.rng = random.Random(seed)

    def latency(self) -> float:
        if self.config.latency_s > 0:
            self.counts["latency"] += 1
        if self.config.jitter_s > 0:
            self.counts["jitter"] += 1
            return self.config.latency_s + self.rng.uniform(0.0, self.config.jitter_s)
        return self.config.latency_s

    def decide(self) -> Decision:
        """Pick the fault, if any, for one send request."""
        cfg = self.config
        if cfg.burst_429 > 0:
            cfg.burst_429 -= 1
            self.counts["burst_429"] += 1
            return Decision(error=too_many_requests(cfg.retry_after))
        if cfg.error_rate == 0 and cfg.timeout_rate == 0:
            return Decision()
        draw = self.rng.random()
        if draw < cfg.error_rate:
            if self.rng.random() < 0.5:
                self.counts["error_500"] += 1
                return Decision(error=ApiError(500, "Internal Server Error"))
            self.counts["error_502"] += 1
            return Decision(error=ApiError(502, "Bad Gateway"))
        if draw < cfg.error_rate + cfg.timeout_rate:
            self.counts["timeout"] += 1
            return Decision(hang_s=cfg.hang_s)
        return Decision()
