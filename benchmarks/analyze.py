"""Benchmark bot.news.analyze over the shared corpus, against a classic TextRank summary
of the same articles in the same run.

Prints one JSON line last (ratios first):
{"bench": "analyze", "vs_textrank_p50": ..., "vs_textrank_p99": ..., "articles": N,
 "per_article_ms_p50": ..., "per_article_ms_p99": ..., "cpu_ms_p50": ..., "cpu_ms_p99": ...,
 "warm_ms_p50": ..., "warm_ms_p99": ..., "warm_cpu_ms_p50": ..., "warm_cpu_ms_p99": ...,
 "textrank_ms_p50": ..., "textrank_ms_p99": ..., "top_costs": [[stage, share], x3],
 "warm_top_costs": [[stage, share], x3], "articles_per_s": ..., "startup_s": ...,
 "peak_rss_mb": ...}

- per_article_ms_* / cpu_ms_*: the first pass over the articles in a fresh process
  (cold): every word form's first pymorphy3 parse and every other per-word cache miss
  is paid inside it, as by a bot that has just started; cpu_ms_* is process CPU time,
  which a busy machine disturbs less than the wall clock;
- warm_*: a second pass over the same articles, every word form already cached, as in a
  bot that has been running for a while (its caches hold the vocabulary of the news);
- vs_textrank_*: the cold pass over a TextRank summary alone (Mihalcea & Tarau 2004:
  word-overlap similarity, PageRank d = 0.85), both timed on each article in turn;
- top_costs: the stages analyze() runs (clean, language, sentences, lemmas, summary,
  quotes, topics, fingerprint), the three biggest by their share of analyze()'s time
  under cProfile over the first 100 articles in a fresh child process (cold, like
  per_article_ms_*); warm_top_costs: the same in this process after the timed passes.
startup_s = import of bot.news + loading dictionaries and rules (a fresh process).
--quick analyses the first 100 articles; the full run does all of them.
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
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

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


# analyze()'s direct callees by stage (helpers not listed fall under "other")
STAGES = {
    "clean_text": "clean",
    "detect_language": "language",
    "split_paragraph": "sentences",
    "speech_label": "summary",  # the transcript labels summarize() leaves out
    "_lemmas_of": "lemmas",
    "content": "lemmas",
    "summarize": "summary",
    "_quotes": "quotes",
    "match_topics": "topics",
    "sketch": "fingerprint",
    "entities": "fingerprint",
}


def top_costs(records: list[dict[str, object]], n: int = 3) -> list[list[object]]:
    """The stages of analyze() by their share of its time (cProfile), the n biggest."""
    profiler = cProfile.Profile()
    profiler.enable()
    for record in records:
        analyze(str(record["text"]), title=str(record.get("title") or "") or None)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def key_of(name: str) -> Any:
        return next(key for key in stats if key[2] == name and key[0].endswith("analyze.py"))

    total = stats[key_of("analyze")][3]
    root = key_of("_analyze")  # the stages' caller; analyze() adds the collector's pause
    shares: dict[str, float] = {}
    for (_, _, name), (*_, callers) in stats.items():
        if root in callers:
            stage = STAGES.get(name, "other")
            shares[stage] = shares.get(stage, 0.0) + callers[root][3] / total
    ranked = sorted(shares.items(), key=lambda item: -item[1])
    return [[stage, round(share, 3)] for stage, share in ranked if stage != "other"][:n]


def cold_top_costs() -> list[list[object]]:
    """top_costs() over the first PROFILED articles in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--profile-cold"],
        capture_output=True,
        text=True,
        check=True,
    )
    costs: list[list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return costs


def timed(
    records: list[dict[str, object]], baseline: list[float] | None
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of analyze() per article; TextRank's into `baseline`."""
    times: list[float] = []
    cpu: list[float] = []
    for record in records:
        text, title = str(record["text"]), str(record.get("title") or "") or None
        t, c = time.perf_counter(), time.process_time()
        analyze(text, title=title)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        if baseline is not None:
            t = time.perf_counter()
            textrank(text)
            baseline.append((time.perf_counter() - t) * 1000)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="first 100 articles only")
    parser.add_argument("--profile-cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared")
    records = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    if args.profile_cold:
        print(json.dumps(top_costs(records[:PROFILED])))
        return
    if args.quick:
        records = records[:100]
    baseline: list[float] = []
    times, cpu = timed(records, baseline)  # cold: the first pass in this process
    warm, warm_cpu = timed(records, None)  # every word form seen before
    warm_costs = top_costs(records[:PROFILED])
    costs = cold_top_costs()
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
                "warm_ms_p50": round(statistics.median(warm), 2),
                "warm_ms_p99": round(pct(warm, 0.99), 2),
                "warm_cpu_ms_p50": round(statistics.median(warm_cpu), 2),
                "warm_cpu_ms_p99": round(pct(warm_cpu, 0.99), 2),
                "textrank_ms_p50": round(base50, 2),
                "textrank_ms_p99": round(base99, 2),
                "top_costs": costs,
                "warm_top_costs": warm_costs,
                "articles_per_s": round(len(times) / (sum(times) / 1000), 1),
                "startup_s": round(STARTUP, 3),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
