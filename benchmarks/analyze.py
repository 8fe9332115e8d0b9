"""Benchmark bot.news.analyze over the shared corpus.

Prints one JSON line last:
{"bench": "analyze", "articles": N, "per_article_ms_p50": ..., "per_article_ms_p99": ...,
 "articles_per_s": ..., "startup_s": ..., "peak_rss_mb": ...}
startup_s = import of bot.news + loading dictionaries and rules (a fresh process).
--quick analyses the first 100 articles once; the full run does all of them.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.news import analyze, warm_up  # noqa: E402

warm_up()
STARTUP = time.perf_counter() - _T0

SHARED = Path(os.environ.get("NEWSBOT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus" / "bruk_press_uk.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="first 100 articles only")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared")
    records = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    if args.quick:
        records = records[:100]
    times: list[float] = []
    started = time.perf_counter()
    for record in records:
        t = time.perf_counter()
        analyze(str(record["text"]), title=str(record.get("title") or "") or None)
        times.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - started
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "bench": "analyze",
                "articles": len(times),
                "per_article_ms_p50": round(statistics.median(times), 2),
                "per_article_ms_p99": round(p99, 2),
                "articles_per_s": round(len(times) / total, 1),
                "startup_s": round(STARTUP, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
