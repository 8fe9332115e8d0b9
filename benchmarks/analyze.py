"""Benchmark bot.news.analyze over the shared corpus, against a classic TextRank summary
of the same articles in the same run.

Prints one JSON line last (ratios first):
{"bench": "analyze", "vs_textrank_p50": ..., "vs_textrank_p99": ..., "articles": N,
 "per_article_ms_p50": ..., "per_article_ms_p99": ..., "cpu_ms_p50": ..., "cpu_ms_p99": ...,
 "textrank_ms_p50": ..., "textrank_ms_p99": ..., "top_costs": [[stage, share], ...],
 "articles_per_s": ..., "startup_s": ..., "peak_rss_mb": ...}

- vs_textrank_*: newsbot's whole analysis (clean, language, sentences, lemmas, summary,
  quotes, topics, fingerprint) over a TextRank summary alone (Mihalcea & Tarau 2004:
  word-overlap similarity, PageRank d = 0.85), both timed on each article in turn;
- cpu_ms_*: the same in process CPU time, which a busy machine disturbs less than the
  wall clock;
- top_costs: the steps analyze() calls, by their share of its time (a cProfile pass
  over the first 100 articles after the timed pass).
startup_s = import of bot.news + loading dictionaries and rules (a fresh process).
--quick analyses the first 100 articles once; the full run does all of them.
Targets: per_article_ms_p50 ≤ 5, per_article_ms_p99 ≤ 25.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import re  # noqa: E402
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
PROFILED = 100

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
WORD = re.compile(r"\w+")


def textrank(text: str, n: int = 3) -> list[str]:
    """A classic TextRank extractive summary: the n best sentences in text order."""
    sentences = [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 1]
    bags = [{w.lower() for w in WORD.findall(s)} for s in sentences]
    k = len(sentences)
    weights = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i + 1, k):
            if len(bags[i]) > 1 and len(bags[j]) > 1:
                overlap = len(bags[i] & bags[j])
                if overlap:
                    w = overlap / (math.log(len(bags[i])) + math.log(len(bags[j])))
                    weights[i][j] = weights[j][i] = w
    out = [sum(row) for row in weights]
    scores = [1.0] * k
    for _ in range(50):
        new = [
            0.15 + 0.85 * sum(weights[j][i] / out[j] * scores[j] for j in range(k) if out[j])
            for i in range(k)
        ]
        done = max((abs(a - b) for a, b in zip(new, scores, strict=True)), default=0) < 1e-4
        scores = new
        if done:
            break
    best = sorted(sorted(range(k), key=lambda i: -scores[i])[:n])
    return [sentences[i] for i in best]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def top_costs(records: list[dict[str, object]]) -> list[list[object]]:
    """The functions analyze() calls directly, by their share of its time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for record in records:
        analyze(str(record["text"]), title=str(record.get("title") or "") or None)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    root = next(key for key in stats if key[2] == "analyze" and key[0].endswith("analyze.py"))
    total = stats[root][3]
    shares = [
        (name, callers[root][3] / total)
        for (_, _, name), (*_, callers) in stats.items()
        if root in callers
    ]
    shares.sort(key=lambda item: -item[1])
    return [[name, round(share, 3)] for name, share in shares[:5]]


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
    cpu: list[float] = []
    baseline: list[float] = []
    busy = 0.0
    for record in records:
        text, title = str(record["text"]), str(record.get("title") or "") or None
        t, c = time.perf_counter(), time.process_time()
        analyze(text, title=title)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        busy += times[-1] / 1000
        t = time.perf_counter()
        textrank(text)
        baseline.append((time.perf_counter() - t) * 1000)
    costs = top_costs(records[:PROFILED])
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    p50, p99 = statistics.median(times), pct(times, 0.99)
    base50, base99 = statistics.median(baseline), pct(baseline, 0.99)
    print(
        json.dumps(
            {
                "bench": "analyze",
                "vs_textrank_p50": round(p50 / base50, 2),
                "vs_textrank_p99": round(p99 / base99, 2),
                "articles": len(times),
                "per_article_ms_p50": round(p50, 2),
                "per_article_ms_p99": round(p99, 2),
                "cpu_ms_p50": round(statistics.median(cpu), 2),
                "cpu_ms_p99": round(pct(cpu, 0.99), 2),
                "textrank_ms_p50": round(base50, 2),
                "textrank_ms_p99": round(base99, 2),
                "top_costs": costs,
                "articles_per_s": round(len(times) / busy, 1),
                "startup_s": round(STARTUP, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
