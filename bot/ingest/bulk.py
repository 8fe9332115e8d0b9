"""Bulk import: stories analysed and packed in a pool of processes, stored a batch per
transaction.

Analysis is CPU work (~10 ms a story), so a backfill of thousands spreads it over every
core. A worker does everything pure for its stories — the analysis, the search
document, compression, JSON — and sends back the row values (storage.backfill.packed),
so the importing process only dedupes, binds and writes: its CPU per story, not the
workers', is what bounds the import once there are enough cores. Small imports analyse
in this process: starting a pool costs more than it saves below POOL_MIN stories.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.stories import Draft, StoryError, analyze_draft, article_to_store, without_surrogates
from storage.backfill import PackedArticle, packed
from storage.seen import Key

CHUNK = 16  # stories per task sent to a worker: small tails, little IPC per story
BATCH = 64  # stories per write transaction
POOL_MIN = 200
# Imported by the forkserver before it forks the workers: each starts with the code,
# the dictionaries and the rules in place (bot.ingest.preload warms them).
PRELOAD = ["bot.ingest.bulk", "bot.ingest.preload"]


@dataclass(frozen=True, slots=True)
class Item:
    number: int  # line in the file, for error messages
    draft: Draft
    keys: tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    item: Item
    article: PackedArticle | None
    error: str | None  # StoryError code when the story cannot be stored


@dataclass(slots=True)
class Stats:
    """The workers' CPU (their own clocks) and how many stories they took: the import's
    CPU per story apart from the importing process."""

    worker_cpu_s: float = 0.0  # in prepare_chunk: the stories' own work
    analysed: int = 0
    workers: int = 0
    started_s: float = field(default=0.0)  # wall seconds until every worker was ready
    _clocks: dict[int, list[float]] = field(default_factory=dict)  # pid: [ready, last]

    @property
    def worker_start_cpu_s(self) -> float:
        """The workers' CPU from fork to ready, all of them."""
        return sum(ready for ready, _ in self._clocks.values())

    @property
    def worker_process_cpu_s(self) -> float:
        """The workers' whole CPU from ready to their last task: the stories plus
        receiving and sending each task (pickling, the pool's queues)."""
        return sum(last - ready for ready, last in self._clocks.values())

    def ready(self, pid: int, cpu_s: float) -> None:
        self._clocks.setdefault(pid, [cpu_s, cpu_s])

    def took(self, pid: int, cpu_s: float, clock_s: float) -> None:
        self.worker_cpu_s += cpu_s
        clocks = self._clocks.setdefault(pid, [clock_s - cpu_s, clock_s])
        clocks[1] = max(clocks[1], clock_s)


def prepare(draft: Draft) -> PackedArticle:
    """One story, ready to store; StoryError when it cannot be."""
    draft = without_surrogates(draft)
    return packed(article_to_store(draft, analyze_draft(draft)))


Chunk = tuple[list[PackedArticle | str], float, int, float]


def prepare_chunk(drafts: Sequence[Draft]) -> Chunk:
    """Runs in a worker: each draft packed, or its StoryError code; the CPU it took, the
    worker's pid and its CPU clock (since its fork) at the end."""
    started = time.process_time()
    out: list[PackedArticle | str] = []
    for draft in drafts:
        try:
            out.append(prepare(draft))
        except StoryError as error:
            out.append(error.code)
    ended = time.process_time()
    return out, ended - started, os.getpid(), ended


def _ready() -> tuple[int, float]:
    return os.getpid(), time.process_time()


def workers_for(count: int, workers: int | None = None) -> int:
    """0 means this process (small imports, one core)."""
    if workers is not None:
        return workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 0 if count < POOL_MIN or (cores or 1) < 2 else cores or 1


def _executor(workers: int) -> Executor:
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=1)  # off the event loop, one core
    # forkserver: a clean process per worker (forking this one would copy its threads),
    # forked from one that warmed up already (PRELOAD).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


class Pool:
    """The analysis processes, started once and warmed before the file is read."""

    def __init__(self, workers: int, stats: Stats | None = None) -> None:
        self.workers = workers
        self.stats = stats if stats is not None else Stats()
        self.stats.workers = workers
        self._executor = _executor(workers)
        self._warming: list[asyncio.Future[tuple[int, float]]] = []

    def start(self) -> None:
        """Start every worker now (the pool starts them on demand otherwise)."""
        loop = asyncio.get_running_loop()
        self._warming = [
            loop.run_in_executor(self._executor, _ready) for _ in range(max(1, self.workers))
        ]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def analysed(self, items: Sequence[Item]) -> AsyncIterator[list[Outcome]]:
        """Batches of up to BATCH outcomes in file order, the workers running ahead."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        for pid, cpu_s in await asyncio.gather(*self._warming):
            self.stats.ready(pid, cpu_s)
        self.stats.started_s = time.perf_counter() - started
        chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
        ahead = max(4, 4 * self.workers)  # every worker busy, results not piling up
        pending: deque[tuple[Sequence[Item], asyncio.Future[Chunk]]] = deque()
        batch: list[Outcome] = []
        for chunk in chunks:
            drafts = [i.draft for i in chunk]
            pending.append((chunk, loop.run_in_executor(self._executor, prepare_chunk, drafts)))
            while len(pending) >= ahead or (pending and pending[0][1].done()):
                batch += await self._collect(*pending.popleft())
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
        while pending:
            batch += await self._collect(*pending.popleft())
            if len(batch) >= BATCH or not pending:
                yield batch
                batch = []

    async def _collect(
        self,
        chunk: Sequence[Item],
        future: asyncio.Future[Chunk],
    ) -> list[Outcome]:
        results, cpu_s, pid, clock_s = await future
        self.stats.took(pid, cpu_s, clock_s)
        self.stats.analysed += len(chunk)
        return [
            Outcome(item, None, result) if isinstance(result, str) else Outcome(item, result, None)
            for item, result in zip(chunk, results, strict=True)
        ]
