"""Bulk import: stories analysed in a pool of processes, stored a batch per transaction.

Analysis is CPU work (~10 ms a story), so a backfill of thousands spreads it over every
core; the event loop only reads results in order and writes each batch in one
transaction (articles, search index and seen keys together). Small imports analyse in
this process: starting a pool (each worker loads its dictionaries) costs more than it
saves below POOL_MIN stories.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from bot import news
from bot.news.model import Analysis
from bot.stories import Draft, StoryError, analyze_draft
from storage.seen import Key

BATCH = 64  # stories per analysis task and per write transaction
POOL_MIN = 200


@dataclass(frozen=True, slots=True)
class Item:
    number: int  # line in the file, for error messages
    draft: Draft
    keys: tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    item: Item
    analysis: Analysis | None
    error: str | None  # StoryError code when the story cannot be stored


def analyze_batch(drafts: Sequence[Draft]) -> list[Analysis | str]:
    """Runs in a worker process: the analysis of each draft, or its StoryError code."""
    out: list[Analysis | str] = []
    for draft in drafts:
        try:
            out.append(analyze_draft(draft))
        except StoryError as error:
            out.append(error.code)
    return out


def workers_for(count: int, workers: int | None = None) -> int:
    """0 means this process (small imports, one core)."""
    if workers is not None:
        return workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 0 if count < POOL_MIN or (cores or 1) < 2 else cores or 1


def _executor(workers: int) -> Executor:
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=1)  # off the event loop, one core
    # forkserver: a clean process per worker (forking this one would copy its threads).
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=news.warm_up)


async def analysed(items: Sequence[Item], *, workers: int) -> AsyncIterator[list[Outcome]]:
    """Batches of outcomes in file order, analysis running ahead on `workers` processes."""
    loop = asyncio.get_running_loop()
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    ahead = max(2, 2 * workers)  # tasks in flight: every worker busy, results not piling up
    with _executor(workers) as pool:
        pending: deque[tuple[Sequence[Item], asyncio.Future[list[Analysis | str]]]] = deque()
        for batch in batches:
            pending.append(
                (batch, loop.run_in_executor(pool, analyze_batch, [i.draft for i in batch]))
            )
            if len(pending) >= ahead:
                yield await _collect(*pending.popleft())
        while pending:
            yield await _collect(*pending.popleft())


async def _collect(
    batch: Sequence[Item], future: asyncio.Future[list[Analysis | str]]
) -> list[Outcome]:
    results = await future
    return [
        Outcome(item, None, result) if isinstance(result, str) else Outcome(item, result, None)
        for item, result in zip(batch, results, strict=True)
    ]
