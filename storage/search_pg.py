"""Search on PostgreSQL (migration 0002): a `simple` tsvector of the lemma columns under
a GIN index finds the stories; bm25 computed as SQLite's FTS5 computes it ranks them,
so both backends order the same stories the same way.

Text is cut into tokens here as FTS5's unicode61 tokenizer cuts it (lower-cased runs of
letters and digits), so the `simple` parser sees only plain words and both indexes hold
the same terms. Every lemma reaches SQL as a parameter (phraseto_tsquery, tf keys),
never as tsquery syntax or SQL text. One approximation: a phrase's frequency in a
story is that of its rarest word (FTS5 counts the phrase itself); finding it is exact.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter

from storage import search_doc
from storage.db import Connection, Database
from storage.search_doc import (
    LIFT,
    RECENCY_S,
    WEIGHTS,
    Matches,
    SearchDocument,
    SearchPlan,
)

TOKEN = re.compile(r"[^\W_]+")
K1, B = 1.2, 0.75  # FTS5's bm25 constants
PHRASE = "phraseto_tsquery('simple', ?)"


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _words(text: str) -> str:
    return " ".join(tokens(text))


INDEXED = "search_index"  # a story is indexed when it has a row here


async def clear(conn: Connection) -> None:
    """Empty the index (a rebuild). DELETE, not TRUNCATE: the totals trigger follows."""
    await conn.execute("DELETE FROM search_index")


async def index_document(
    conn: Connection, article_id: int, document: SearchDocument, *, day: float
) -> None:
    columns = [tokens(document.title), tokens(document.summary), tokens(document.body)]
    tf: Counter[str] = Counter()
    for weight, words in zip(WEIGHTS, columns, strict=True):
        for word in words:
            tf[word] += int(weight)
    filters = [tokens(document.language), tokens(document.source), tokens(document.topics)]
    length = sum(len(c) for c in columns) + sum(len(f) for f in filters)
    await conn.execute(
        """
        INSERT INTO search_index (id, day, language, source, topics, doc, tf, length)
        VALUES (?, ?, ?, to_tsvector('simple', ?), to_tsvector('simple', ?),
            setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B')
                || setweight(to_tsvector('simple', ?), 'C'),
            CAST(? AS jsonb), ?)
        ON CONFLICT (id) DO UPDATE SET day = excluded.day, language = excluded.language,
            source = excluded.source, topics = excluded.topics, doc = excluded.doc,
            tf = excluded.tf, length = excluded.length
        """,
        (
            article_id,
            day,
            " ".join(filters[0]),
            " ".join(filters[1]),
            " ".join(filters[2]),
            *(" ".join(c) for c in columns),
            json.dumps(tf, ensure_ascii=False),
            length,
        ),
    )


def _text_query(plan: SearchPlan, params: list[object]) -> str:
    """The readings as one tsquery expression (its lemmas appended to params)."""
    alternatives = []
    for reading in plan.readings:
        for group in reading:
            params.append(_words(" ".join(group)))
        alternatives.append("(" + " && ".join(PHRASE for _ in reading) + ")")
    query = "(" + " || ".join(alternatives) + ")"
    excluded = list(dict.fromkeys(_words(" ".join(g)) for g in plan.excluded))
    if excluded:
        params.extend(excluded)
        query = f"({query} && !!({' || '.join(PHRASE for _ in excluded)}))"
    return query


async def _idf(db: Database, phrases: list[str], docs: int) -> dict[str, float]:
    """FTS5's idf per phrase: log((N - hits + 0.5) / (hits + 0.5)), at least 1e-6."""
    out = {}
    for phrase in dict.fromkeys(phrases):
        hits = int(
            await db.fetchval(f"SELECT COUNT(*) FROM search_index WHERE doc @@ {PHRASE}", (phrase,))
        )
        idf = math.log((docs - hits + 0.5) / (hits + 0.5))
        out[phrase] = idf if idf > 0 else 1e-6
    return out


def _freq(phrase: str, params: list[object]) -> str:
    """SQL: the phrase's weighted frequency in row r (its rarest word's, for a phrase)."""
    words = list(dict.fromkeys(phrase.split())) or [""]
    params.extend(words)
    parts = ["COALESCE(CAST(r.tf ->> CAST(? AS text) AS float8), 0)" for _ in words]
    return parts[0] if len(parts) == 1 else f"LEAST({', '.join(parts)})"


async def match(
    db: Database,
    plan: SearchPlan,
    *,
    now: float,
    since: float | None,
    until: float | None,
    limit: int,
    offset: int,
) -> Matches | None:
    params: list[object] = []
    where = []
    if plan.readings:
        where.append(f"doc @@ {_text_query(plan, params)}")
    if plan.language:
        where.append("language = ?")
        params.append(_words(plan.language))
    if plan.source:
        where.append(f"source @@ {PHRASE}")
        params.append(_words(" ".join(plan.source)))
    if plan.topic:
        where.append(f"topics @@ {PHRASE}")
        params.append(_words(plan.topic))
    if since is not None:
        where.append("day >= ?")
        params.append(since)
    if until is not None:
        where.append("day < ?")
        params.append(until)
    # bm25 as FTS5 computes it: every phrase of every reading that matches the story
    # (FTS5 counts no instances in a branch that does not match), repeats included.
    readings = [[_words(" ".join(g)) for g in reading] for reading in plan.readings]
    distinct = list(dict.fromkeys(p for reading in readings for p in reading))
    totals = await db.fetchone("SELECT docs, tokens FROM search_totals WHERE id = 1")
    docs, total_tokens = (int(totals[0]), int(totals[1])) if totals else (0, 0)
    avgdl = max(total_tokens / docs if docs else 1.0, 1e-9)
    idf = await _idf(db, distinct, docs) if distinct else {}
    params.append(search_doc.SCAN_CAP)
    freqs = "".join(f", {_freq(p, params)} AS f{i}" for i, p in enumerate(distinct))
    # Computed numbers go into the SQL as literals; lemmas only as parameters.
    norm = f"{K1!r} * (1 - {B!r} + {B!r} * r.length / {avgdl!r})"
    parts = []
    for reading in readings:
        names = [f"r.f{distinct.index(p)}" for p in reading]
        terms = " + ".join(
            f"{idf[p]!r} * ({n} * {K1 + 1!r}) / ({n} + {norm})"
            for p, n in zip(reading, names, strict=True)
        )
        matched = " AND ".join(f"{n} > 0" for n in names)
        parts.append(f"CASE WHEN {matched} THEN {terms} ELSE 0.0 END")
    bm25 = " + ".join(parts) if parts else "0.0"
    params += [now, limit, offset]
    sql = f"""
        WITH recent AS (
            SELECT id, day, length, tf FROM search_index
            WHERE {" AND ".join(where) or "TRUE"} ORDER BY id DESC LIMIT ?
        ), counted AS (
            SELECT r.id, r.day, r.length{freqs} FROM recent r
        )
        SELECT id, score, count(*) OVER () FROM (
            SELECT r.id, -({bm25})
                * (1.0 + {LIFT!r} / (1.0 + GREATEST(0.0, ? - r.day) / {float(RECENCY_S)!r}))
                AS score
            FROM counted r
        ) s ORDER BY score, id DESC LIMIT ? OFFSET ?
    """
    rows = await db.fetchall(sql, params)
    ranked = tuple((int(r[0]), float(r[1])) for r in rows)
    return Matches(ranked, int(rows[0][2]) if rows else 0)
