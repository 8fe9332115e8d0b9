"""Bulk import benchmark: `main.py import` (bot.ingest.cli.import_jsonl) over the shared
corpus, against the one-story-at-a-time path (StoryService.publish + seen keys per story,
analysis in a thread: what `import` did before, and what `ingest` does) in the same run.

Prints one JSON line last (ratio first):
{"bench": "ingest", "vs_one_at_a_time": ..., "stories_per_s": ..., "baseline_stories_per_s":
 ..., "projected_stories_per_s": ..., "cpu_bound_stories_per_s": ...,
 "main_cpu_ms_per_story": ..., "worker_cpu_ms_per_story": ...,
 "worker_task_cpu_ms_per_story": ..., "worker_start_cpu_s": ...,
 "baseline_cpu_ms_per_story": ..., "pool_start_s": ..., "load_average": ...,
 "db_kb_per_story": ..., "stories": N, "workers": W, "cores": C}

main_cpu_ms_per_story is the importing process's own CPU (parsing, dedupe, writes);
worker_cpu_ms_per_story the pool's, on each worker's own clock from ready to its last
task: the analysis, search document and packing (worker_task_cpu_ms_per_story, the
tasks alone) plus receiving and sending each task. From these:
- projected_stories_per_s = 1000 / max(main, worker / workers): the rate on free cores
  when the importer has a core of its own beside the workers';
- cpu_bound_stories_per_s = 1000 × cores / (main + worker): the rate when the importer
  and the workers share the cores (one worker per core: the default), the stricter.
Both are readable on a loaded machine where the wall rate is not. With workers=0 the
analysis runs in a thread of this process, and main includes it.
worker_start_cpu_s: the workers' CPU from fork to ready, all of them (the forkserver
loads the dictionaries once, before it forks them: bot.ingest.preload).
db_kb_per_story: the imported database on disk (texts, analyses, search index) per story.

stories_per_s counts from the call to the last write (pool start-up included). Each run
writes a fresh database. --quick imports the first 200 corpus texts; the full run all
539. Target: ≥ 300 stories/s, i.e. on 2 cores main + worker CPU at most 6.7 ms a story.

    .venv/bin/python benchmarks/ingest.py [--quick] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The pool's workers run this script again as __mp_main__ (the forkserver does so for a
# script's __main__, CPython 3.11), so the project loads only in the benchmark's own
# process, as `main.py` loads it inside its commands: else each worker would import the
# CLI and its dependencies again (~0.4 s of CPU each) and the pool start would measure that.
if __name__ == "__main__" or TYPE_CHECKING:
    from bot import news
    from bot.ingest import bulk, cli, store
    from bot.ingest.keys import item_keys
    from bot.stories import Draft, StoryService
    from storage.backends import open_database

SHARED = Path(os.environ.get("NEWSBOT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "bruk_press_uk.jsonl"


def records(limit: int | None) -> list[dict[str, object]]:
    out = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    return out[:limit] if limit else out


async def one_at_a_time(path: Path, items: list[dict[str, object]]) -> float:
    db = await open_database(path)
    service = StoryService(db)
    try:
        started = time.perf_counter()
        for record in items:
            draft = Draft(text=str(record["text"]), title=str(record.get("title") or "") or None)
            keys = item_keys(urls=[], text=f"{draft.title}\n{draft.text}")
            await store.publish_once(db, service, draft, keys=keys, deliver=False)
        return time.perf_counter() - started
    finally:
        await db.close()


async def bulk_import(
    path: Path, source: Path, workers: int | None, stats: bulk.Stats
) -> tuple[float, str]:
    os.environ["DATABASE_PATH"] = str(path)
    out = io.StringIO()
    started = time.perf_counter()
    await cli.import_jsonl(source, out=out, progress=False, workers=workers, stats=stats)
    return time.perf_counter() - started, out.getvalue().strip()


def db_kb(path: Path) -> float:
    """The database's size on disk with its analyses (the WAL folded in first)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1000


def cpu() -> float:
    """CPU seconds of this process (the pool's workers are the forkserver's children)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


async def main(quick: bool, workers: int | None) -> dict[str, object]:
    items = records(200 if quick else None)
    news.warm_up()
    with tempfile.TemporaryDirectory(prefix="newsbot-import-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "corpus.jsonl"
        source.write_text(
            "\n".join(
                json.dumps({"title": r.get("title"), "text": r["text"]}, ensure_ascii=False)
                for r in items
            ),
            encoding="utf-8",
        )
        stats = bulk.Stats()
        own0 = cpu()
        seconds, summary = await bulk_import(tmp / "bulk.db", source, workers, stats)
        own1 = cpu()
        stored_kb = db_kb(tmp / "bulk.db")
        if not summary.startswith(f"import: {len(items)} stored"):
            raise RuntimeError(f"import did not store every story: {summary}")
        baseline_s = await one_at_a_time(tmp / "baseline.db", items)
        own2 = cpu()
    rate, base = len(items) / seconds, len(items) / baseline_s
    per_story = 1000 / len(items)
    main_ms = (own1 - own0) * per_story
    pooled = stats.workers > 0  # else the analysis ran in a thread: main holds it all
    worker_ms = (stats.worker_process_cpu_s if pooled else 0.0) * per_story
    task_ms = stats.worker_cpu_s * per_story
    cores = len(os.sched_getaffinity(0))
    projected_ms = max(main_ms, worker_ms / stats.workers) if pooled else main_ms
    shared_ms = (main_ms + worker_ms) / cores if pooled else main_ms
    return {
        "bench": "ingest",
        "vs_one_at_a_time": round(rate / base, 2),
        "stories_per_s": round(rate, 1),
        "baseline_stories_per_s": round(base, 1),
        "projected_stories_per_s": round(1000 / projected_ms, 1),
        "cpu_bound_stories_per_s": round(1000 / shared_ms, 1),
        "main_cpu_ms_per_story": round(main_ms, 2),
        "worker_cpu_ms_per_story": round(worker_ms, 2),
        "worker_task_cpu_ms_per_story": round(task_ms, 2),
        "worker_start_cpu_s": round(stats.worker_start_cpu_s if pooled else 0.0, 3),
        "baseline_cpu_ms_per_story": round((own2 - own1) * per_story, 2),
        "pool_start_s": round(stats.started_s, 2),
        "load_average": round(os.getloadavg()[0], 2),
        "db_kb_per_story": round(stored_kb / len(items), 2),
        "stories": len(items),
        "workers": bulk.workers_for(len(items), workers),
        "cores": cores,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the first 200 texts")
    parser.add_argument("--workers", type=int, help="analysis processes (default: per core)")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared")
    print(json.dumps(asyncio.run(main(args.quick, args.workers))))
