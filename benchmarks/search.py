"""Search benchmark: index real-text articles, time queries and keyword-watch matching,
against a plain FTS5 index (unicode61, the words as written) over the same stories in
the same run.

Articles are recombined sentences of ../shared/corpus/bruk_press_uk.jsonl (read in
place, never copied). Prints one JSON line last (ratios first):

  {"bench": "search", "vs_baseline_p50": …, "vs_baseline_p99": …, "recall": …,
   "baseline_recall": …, "articles": N, "query_ms_p50": …, "query_ms_p99": …,
   "baseline_ms_p50": …, "db_mb": …, "db_mb_per_100k": …, "watch_match_ms": …, …}

- baseline: SQLite FTS5 with unicode61 over title and text as written, the same
  queries' words (filters dropped), `ORDER BY rank LIMIT 10`, title of each hit read;
- recall / baseline_recall: word-form queries (the rarest form of a word that has
  several forms in the stories): the share of stories holding any form of the word
  that come back among the first 50 (of at most 50 such stories per query).

Targets: query_ms_p50 ≤ 5, query_ms_p99 ≤ 30 and db_mb_per_100k ≤ 400 at 100,000
stories, watch_match_ms ≤ 100 (20,000 watches; the slowest of the stories matched),
morphology_ok true (exits 1 when it is not; speed never fails the run).

    .venv/bin/python benchmarks/search.py [--quick] [--articles N] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import news  # noqa: E402
from bot.search import engine as search  # noqa: E402
from bot.search.index import new_article  # noqa: E402
from bot.search.lemmas import TOKEN, lemmatize  # noqa: E402
from bot.search.watch import WatchMatcher  # noqa: E402
from storage import articles  # noqa: E402
from storage.backends import open_database  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.sqlite import SqliteDatabase  # noqa: E402
from storage.watches import Watch  # noqa: E402

SHARED = Path(os.environ.get("NEWSBOT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "bruk_press_uk.jsonl"
TOPICS = ("us-russia-talks", "nato", "war", "economy", "energy", "culture", "sport")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(]?[А-ЯІЇЄҐA-Z0-9])|\n+")
BATCH = 200
QUERIES = 200
WATCHES = 20_000
MATCH_STORIES = 30
RECALL_AT = 50
RECALL_WORDS = 40
FILTER = re.compile(r'\b(?:topic|lang|source|from|to):(?:"[^"]*"|\S+)')


def load_corpus() -> tuple[list[str], list[str], list[str]]:
    """Sentences, titles and source names of the corpus."""
    sentences: list[str] = []
    titles: list[str] = []
    sources: list[str] = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            titles.append(str(record.get("title") or ""))
            sources.append(str(record.get("source") or ""))
            for sentence in SENTENCE_END.split(str(record.get("text") or "")):
                sentence = sentence.strip()
                if 30 <= len(sentence) <= 400:
                    sentences.append(sentence)
    return sentences, [t for t in titles if t], [s for s in sources if s]


def make_articles(
    n: int, rng: random.Random, sentences: list[str], titles: list[str], sources: list[str]
) -> list[dict[str, Any]]:
    start = datetime(2023, 1, 1, tzinfo=UTC)
    out = []
    for _ in range(n):
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(6, 14)))
        title = rng.choice(titles) if rng.random() < 0.5 else rng.choice(sentences)[:90]
        out.append(
            {
                "title": title,
                "text": body,
                "language": "uk",
                "topics": tuple(rng.sample(TOPICS, rng.randint(1, 2))),
                "source": rng.choice(sources),
                "published": start + timedelta(seconds=rng.randint(0, 2 * 365 * 86400)),
            }
        )
    return out


def vocabulary(sentences: list[str]) -> tuple[list[str], dict[str, Counter[str]]]:
    """Content word forms (4+ letters, seen 3+ times) and surface forms per lemma."""
    forms: Counter[str] = Counter()
    for sentence in sentences:
        forms.update(w.lower() for w in TOKEN.findall(sentence) if len(w) >= 4 and w.isalpha())
    common = [w for w, c in forms.items() if c >= 3]
    by_lemma: dict[str, Counter[str]] = defaultdict(Counter)
    for word in common:
        by_lemma[lemmatize(word, "uk")[0]][word] = forms[word]
    return common, by_lemma


def make_queries(
    rng: random.Random, words: list[str], sentences: list[str], sources: list[str]
) -> list[str]:
    """1–3 vocabulary words taken from one corpus sentence (so they can co-occur)."""
    known = set(words)
    queries: list[str] = []
    while len(queries) < QUERIES:
        forms = list(
            dict.fromkeys(w for w in TOKEN.findall(rng.choice(sentences)) if w.lower() in known)
        )
        if not forms:
            continue
        parts = rng.sample(forms, min(len(forms), rng.randint(1, 3)))
        roll = rng.random()
        if roll < 0.1:
            parts.append(f"topic:{rng.choice(TOPICS)}")
        elif roll < 0.2:
            parts.append("lang:uk")
        elif roll < 0.3:
            parts.append(f"from:{rng.randint(2023, 2024)}-{rng.randint(1, 12):02d}-01")
        elif roll < 0.35:
            parts.append(f'source:"{rng.choice(sources)}"')
        elif roll < 0.4 and len(parts) > 1:
            parts = [f'"{parts[0]} {parts[1]}"', *parts[2:]]
        queries.append(" ".join(parts))
    return queries


def make_watches(rng: random.Random, words: list[str]) -> list[Watch]:
    watches = []
    for i in range(WATCHES):
        parts = rng.sample(words, rng.randint(1, 3))
        if rng.random() < 0.2:
            parts.append("-" + rng.choice(words))
        if rng.random() < 0.1:
            parts.append(f"topic:{rng.choice(TOPICS)}")
        watches.append(Watch(i + 1, 1_000_000 + i // 3, " ".join(parts)))
    return watches


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def morphology(
    db: Database, rng: random.Random, by_lemma: dict[str, Counter[str]]
) -> tuple[bool, str]:
    """An inflected query must find stories that only have other forms of the word."""
    fixed = [
        ("ракета", "Уночі ворог атакував область ракетами і дронами."),
        ("гарантія безпеки", "Сторони обговорили питання гарантій безпеки для Європи."),
    ]
    now = time.time()
    ok = True
    for query, text in fixed:
        async with db.transaction() as conn:
            article_id = await articles.insert(
                conn,
                new_article(title="Зонд", text=text, language="uk", topics=("probe",)),
                now=now,
            )
        page = await search.search(db, f"{query} topic:probe", limit=5)
        ok = ok and article_id in [h.article_id for h in page.hits]
    # Corpus probes: query the rarest form of a word that has several frequent forms.
    groups = [c for c in by_lemma.values() if len(c) >= 3]
    rng.shuffle(groups)
    passed = total = 0
    for forms in groups[:40]:
        rare = min(forms, key=lambda f: forms[f])
        page = await search.search(db, rare, limit=50)
        total += 1
        for hit in page.hits:
            article = await articles.get(db, hit.article_id)
            assert article is not None
            if rare not in {w.lower() for w in TOKEN.findall(article.title + " " + article.text)}:
                passed += 1  # found through another form of the word only
                break
    return ok and passed >= 0.9 * total, f"fixed {'ok' if ok else 'FAILED'}, {passed}/{total}"


def recall_probes(by_lemma: dict[str, Counter[str]], rng: random.Random) -> list[list[str]]:
    """Words with several forms: [rarest form, every form …]."""
    groups = [c for c in by_lemma.values() if len(c) >= 3]
    rng.shuffle(groups)
    return [[min(forms, key=lambda f: forms[f]), *forms] for forms in groups[:RECALL_WORDS]]


def relevant_sets(stories: list[dict[str, Any]], probes: list[list[str]]) -> list[set[int]]:
    """Per probe, the article ids (1-based, in insertion order) holding any of its forms."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, probe in enumerate(probes):
        for form in probe[1:]:
            wanted[form].append(i)
    out: list[set[int]] = [set() for _ in probes]
    for article_id, story in enumerate(stories, start=1):
        for word in {w.lower() for w in TOKEN.findall(story["title"] + " " + story["text"])}:
            for i in wanted.get(word, ()):
                out[i].add(article_id)
    return out


def recall(found: list[set[int]], relevant: list[set[int]]) -> float:
    shares = [
        len(hits & rel) / min(RECALL_AT, len(rel))
        for hits, rel in zip(found, relevant, strict=True)
        if rel
    ]
    return round(statistics.mean(shares), 3)


class PlainFts:
    """The baseline: FTS5 unicode61 over the words as written, ranked by bm25."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path)
        self.conn.execute(
            "CREATE VIRTUAL TABLE plain USING fts5(title, text, tokenize = 'unicode61')"
        )

    def index(self, stories: list[dict[str, Any]]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT INTO plain (rowid, title, text) VALUES (?, ?, ?)",
                ((i, s["title"], s["text"]) for i, s in enumerate(stories, start=1)),
            )
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def search(self, query: str, limit: int = 10) -> list[int]:
        words = TOKEN.findall(FILTER.sub(" ", query))
        if not words:
            return []
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.conn.execute(
            "SELECT p.rowid, p.title FROM plain p WHERE plain MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def mb(self) -> float:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*")) / 1e6


async def on_postgres(
    url: str, stories: list[dict[str, Any]], queries: list[str], top10: list[list[int]], now: float
) -> dict[str, object]:
    """The same stories and queries on PostgreSQL: its speed, and how often its top 10
    holds the same stories as SQLite's (ids match: both number the stories 1, 2, …)."""
    db = await open_database(url)
    try:
        t0 = time.perf_counter()
        for i in range(0, len(stories), BATCH):
            async with db.transaction() as conn:
                for fields in stories[i : i + BATCH]:
                    await articles.insert(conn, new_article(**fields), now=now)
        index_s = time.perf_counter() - t0
        await db.execute("ANALYZE")
        for q in queries[:10]:
            await search.search(db, q, now=now)
        times, same, same_order = [], 0, 0
        for q, theirs in zip(queries, top10, strict=True):
            t = time.perf_counter()
            page = await search.search(db, q, now=now)
            times.append((time.perf_counter() - t) * 1000)
            ours = [h.article_id for h in page.hits]
            same += set(ours) == set(theirs)
            same_order += ours == theirs
        size = await db.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await db.close()
    return {
        "pg_agreement_top10": round(same / len(queries), 3),
        "pg_same_order_top10": round(same_order / len(queries), 3),
        "pg_query_ms_p50": round(statistics.median(times), 2),
        "pg_query_ms_p99": round(pct(times, 0.99), 2),
        "pg_index_docs_per_s": round(len(stories) / index_s, 1),
        "pg_db_mb": round(int(size) / 1e6, 1),
    }


async def run(n: int, path: Path, pg_url: str | None = None) -> dict[str, object]:
    rng = random.Random(6)
    sentences, titles, sources = load_corpus()
    stories = make_articles(n, rng, sentences, titles, sources)
    words, by_lemma = vocabulary(sentences)
    news.warm_up()

    db = await open_database(path)
    t0 = time.perf_counter()
    now = time.time()
    for i in range(0, n, BATCH):
        async with db.transaction() as conn:
            for fields in stories[i : i + BATCH]:
                # The search document (lemmas) is built here, inside the timing.
                await articles.insert(conn, new_article(**fields), now=now)
    index_s = time.perf_counter() - t0
    if isinstance(db, SqliteDatabase):
        await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6

    queries = make_queries(rng, words, sentences, sources)
    for q in queries[:10]:  # warm the page cache and lemma caches like a running bot
        await search.search(db, q)
    times, cpu, found = [], [], 0
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        page = await search.search(db, q)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)  # every thread: aiosqlite's too
        found += bool(page.hits)

    probe_words = recall_probes(by_lemma, random.Random(7))
    relevant = relevant_sets(stories, probe_words)
    ours_found = []
    for probe in probe_words:
        page = await search.search(db, probe[0], limit=RECALL_AT)
        ours_found.append({h.article_id for h in page.hits})

    # The top 10 with one fixed `now`, for comparing backends (recency is part of the score).
    fixed_now = time.time()
    top10 = [
        [h.article_id for h in (await search.search(db, q, now=fixed_now)).hits] for q in queries
    ]
    morphology_ok, probes = await morphology(db, rng, by_lemma)
    await db.close()

    plain = PlainFts(path.parent / "plain_fts.db")
    plain.index(stories)
    for q in queries[:10]:
        plain.search(q)
    base_times, base_cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        plain.search(q)
        base_times.append((time.perf_counter() - t) * 1000)
        base_cpu.append((time.process_time() - c) * 1000)
    base_found = [set(plain.search(probe[0], RECALL_AT)) for probe in probe_words]
    base_mb = plain.mb()
    plain.conn.close()

    matcher = WatchMatcher(make_watches(rng, words))
    analyses = [news.analyze(s["text"], title=s["title"]) for s in stories[:MATCH_STORIES]]
    match_ms, matched = [], 0
    for analysis in analyses:
        t = time.perf_counter()
        matched += len(matcher.match(analysis))
        match_ms.append((time.perf_counter() - t) * 1000)

    p50, p99 = statistics.median(times), pct(times, 0.99)
    base50, base99 = statistics.median(base_times), pct(base_times, 0.99)
    return {
        "bench": "search",
        "vs_baseline_p50": round(p50 / base50, 2),
        "vs_baseline_p99": round(p99 / base99, 2),
        "vs_baseline_cpu_p50": round(statistics.median(cpu) / statistics.median(base_cpu), 2),
        "recall": recall(ours_found, relevant),
        "baseline_recall": recall(base_found, relevant),
        "vs_baseline_db_mb": round(db_mb / base_mb, 2),
        "articles": n,
        "index_docs_per_s": round(n / index_s, 1),
        "db_mb": round(db_mb, 1),
        "db_mb_per_100k": round(db_mb * 100_000 / n, 1),
        "query_ms_p50": round(p50, 2),
        "query_ms_p99": round(p99, 2),
        "query_cpu_ms_p50": round(statistics.median(cpu), 2),
        "query_cpu_ms_p99": round(pct(cpu, 0.99), 2),
        "baseline_ms_p50": round(base50, 2),
        "baseline_cpu_ms_p50": round(statistics.median(base_cpu), 2),
        "baseline_ms_p99": round(base99, 2),
        "baseline_db_mb": round(base_mb, 1),
        "queries_with_hits": found,
        "watches": len(matcher),
        "watch_match_ms": round(max(match_ms), 2),
        "watch_match_ms_p50": round(statistics.median(match_ms), 2),
        "watch_recipients_per_story": round(matched / len(analyses), 1),
        "morphology_ok": morphology_ok,
        "morphology_probes": probes,
        **(await on_postgres(pg_url, stories, queries, top10, fixed_now) if pg_url else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 articles instead of 100,000")
    parser.add_argument("--articles", type=int, help="how many articles to index")
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="postgres: also index and search on PostgreSQL (DATABASE_URL, else a throwaway"
        " cluster) and report pg_* figures and the top-10 agreement with SQLite",
    )
    args = parser.parse_args()
    n = args.articles or (10_000 if args.quick else 100_000)
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is absent: the benchmark needs ../shared beside the repository")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "search_bench.db"
        if path.exists():
            sys.exit(f"{path} exists: give a new file")
        if args.backend == "postgres":
            from tests import pg_cluster

            given = os.environ.get("DATABASE_URL")
            with pg_cluster.given_or_throwaway(given, Path(tmp)) as pg_url:
                result = asyncio.run(run(n, path, pg_url))
        else:
            result = asyncio.run(run(n, path, None))
    print(json.dumps(result, ensure_ascii=False))
    if not result["morphology_ok"]:
        sys.exit(1)  # correctness: inflected queries must find the other forms


if __name__ == "__main__":
    main()
