"""Search on PostgreSQL (migrations 0002, 0007): a `simple` tsvector of the lemma
columns under a GIN index finds the stories; bm25 computed as SQLite's FTS5 computes it
ranks them, so both backends order the same stories the same way.

Text is cut into tokens here as FTS5's unicode61 tokenizer cuts it (lower-cased runs of
letters and digits), so the `simple` parser sees only plain words and both indexes hold
the same terms. Every lemma reaches SQL as a parameter (phraseto_tsquery, tf keys),
never as tsquery syntax or SQL text. Two approximations: a phrase's frequency in a
story is that of its rarest word (FTS5 counts the phrase itself), and how many stories
hold a phrase is estimated from the newest PHRASE_SAMPLE stories holding all its words
when more do (exact otherwise); finding a phrase is exact.

What a query reads (issue 16, 100k stories): each word's document frequency from
search_df (kept by a trigger), a phrase's as above (checking a story for a phrase reads
its document, so a common pair's count is sampled, not walked; README: Running at scale); the newest
SCAN_CAP matches from the GIN index, inside a window of the newest ids sized from those
frequencies and the share of the newest FILTER_SAMPLE stories the filters pass (widened
when it still holds too few); per candidate its lemma counts from two arrays in the row.
"""

from __future__ import annotations

import hashlib
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
    day_range,
)

TOKEN = re.compile(r"[^\W_]+")
K1, B = 1.2, 0.75  # FTS5's bm25 constants
MAX_COUNT = 32767  # a lemma's weighted count in a story, as stored (SMALLINT)
PHRASE = "phraseto_tsquery('simple', ?)"
PHRASE_SAMPLE = 1000  # stories checked for a phrase's frequency (its idf)
FILTER_SAMPLE = 1000  # newest stories whose filters size the window


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _words(text: str) -> str:
    return " ".join(tokens(text))


def term_key(lemma: str) -> int:
    """A lemma's key in tf_keys: its SHA-256's first 4 bytes as a signed 32-bit number,
    as migration 0007 computes it in SQL. A story holding another lemma with the same
    key (~150 lemmas a story: about 1 in 30 million lookups) would lend it its count."""
    return int.from_bytes(hashlib.sha256(lemma.encode()).digest()[:4], "big", signed=True)


INDEXED = "search_index"  # a story is indexed when it has a row here


async def clear(conn: Connection) -> None:
    """Empty the index (a rebuild). TRUNCATE skips the per-row trigger (a DELETE would
    move ~150 lemma counts a story), so the totals and frequencies are reset here."""
    await conn.execute("TRUNCATE search_index")
    await conn.execute("UPDATE search_totals SET docs = 0, tokens = 0 WHERE id = 1")
    await conn.execute("DELETE FROM search_df")


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
    # Each text column ends with a word taken out again ('0.0.0', a token the `simple`
    # parser makes and `tokens` never does), leaving a gap: a phrase never runs from
    # the title into the summary or body (FTS5 matches phrases within a column).
    counts = sorted((term_key(word), min(n, MAX_COUNT)) for word, n in tf.items())
    await conn.execute(
        """
        INSERT INTO search_index
            (id, day, language, source, topics, doc, tf_keys, tf_counts, length)
        VALUES (?, ?, ?, to_tsvector('simple', ?), to_tsvector('simple', ?),
            ts_delete(setweight(to_tsvector('simple', ? || ' 0.0.0'), 'A')
                || setweight(to_tsvector('simple', ? || ' 0.0.0'), 'B')
                || setweight(to_tsvector('simple', ?), 'C'), '0.0.0'),
            ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET day = excluded.day, language = excluded.language,
            source = excluded.source, topics = excluded.topics, doc = excluded.doc,
            tf_keys = excluded.tf_keys, tf_counts = excluded.tf_counts,
            length = excluded.length
        """,
        (
            article_id,
            day,
            " ".join(filters[0]),
            " ".join(filters[1]),
            " ".join(filters[2]),
            *(" ".join(c) for c in columns),
            [k for k, _ in counts],
            [n for _, n in counts],
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


async def _frequencies(conn: Connection, phrases: list[str]) -> dict[str, int]:
    """How many stories hold each phrase: a word's from search_df; a longer phrase's
    (its words' frequencies cannot tell how often they stand together) from the
    stories holding all its words, checked for the phrase among the newest
    PHRASE_SAMPLE of them and scaled up (exact when there are no more)."""
    words = list(dict.fromkeys(w for p in phrases for w in p.split()))
    rows = await conn.fetchall(
        "SELECT lemma, docs FROM search_df WHERE lemma = ANY (CAST(? AS text[]))", (words,)
    )
    df = {str(r[0]): int(r[1]) for r in rows}
    out = {}
    for phrase in dict.fromkeys(phrases):
        if " " not in phrase:
            out[phrase] = df.get(phrase, 0)
        elif all(df.get(w) for w in phrase.split()):
            # Only a phrase needs each story's positions (the document read from the
            # row: ~5 µs a story); holding the words is answered by the GIN index.
            row = await conn.fetchone(
                f"""
                WITH holding AS MATERIALIZED (
                    SELECT id, doc FROM search_index
                    WHERE doc @@ plainto_tsquery('simple', ?)
                )
                SELECT (SELECT count(*) FROM holding), (
                    SELECT count(*) FROM (
                        SELECT doc FROM holding ORDER BY id DESC LIMIT ?
                    ) s WHERE s.doc @@ {PHRASE}
                )
                """,
                (phrase, PHRASE_SAMPLE, phrase),
            )
            assert row is not None
            holding, found = int(row[0]), int(row[1])
            out[phrase] = (
                found if holding <= PHRASE_SAMPLE else round(found * holding / PHRASE_SAMPLE)
            )
        else:
            out[phrase] = 0  # a word no story holds
    return out


def _idf(hits: int, docs: int) -> float:
    """FTS5's idf: log((N - hits + 0.5) / (hits + 0.5)), at least 1e-6."""
    idf = math.log((docs - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0 else 1e-6


def _freq(phrase: str, params: list[object]) -> str:
    """SQL: the phrase's weighted frequency in row r (its rarest word's, for a phrase)."""
    words = list(dict.fromkeys(phrase.split())) or [""]
    params.extend(term_key(w) for w in words)
    parts = [
        "CAST(COALESCE(r.tf_counts[idx(r.tf_keys, CAST(? AS integer))], 0) AS float8)"
        for _ in words
    ]
    return parts[0] if len(parts) == 1 else f"LEAST({', '.join(parts)})"


def _share(plan: SearchPlan, hits: dict[str, int], docs: int) -> float:
    """The share of stories expected to match the readings, taking words as
    independent (words of one sentence go together more often: the estimate errs low,
    which only widens the window)."""
    if not docs:
        return 1.0
    share = 0.0
    for reading in plan.readings:
        part = 1.0
        for group in reading:
            part *= hits[_words(" ".join(group))] / docs
        share += part
    for group in plan.excluded:
        share *= 1.0 - min(docs, hits.get(_words(" ".join(group)), 0)) / docs
    return min(1.0, share)


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
    # bm25 as FTS5 computes it: every phrase of every reading that matches the story
    # (FTS5 counts no instances in a branch that does not match), repeats included.
    readings = [[_words(" ".join(g)) for g in reading] for reading in plan.readings]
    distinct = list(dict.fromkeys(p for reading in readings for p in reading))
    # Excluded words narrow the window's estimate (a phrase's count is not worth it).
    excluded = [w for w in (_words(" ".join(g)) for g in plan.excluded) if " " not in w]
    cap = search_doc.SCAN_CAP  # read now: tests lower it
    async with db.transaction() as conn:
        totals = await conn.fetchone(
            "SELECT docs, tokens, (SELECT max(id) FROM search_index),"
            " (SELECT min(id) FROM search_index) FROM search_totals WHERE id = 1"
        )
        docs, total_tokens = (int(totals[0]), int(totals[1])) if totals else (0, 0)
        newest, oldest = (int(totals[2]), int(totals[3])) if totals and totals[2] else (0, 0)
        hits = await _frequencies(conn, distinct + excluded) if distinct else {}
        idf = {p: _idf(hits[p], docs) for p in distinct}
        avgdl = max(total_tokens / docs if docs else 1.0, 1e-9)
        window = 0  # how many of the newest ids are read; 0: all of them
        if plan.readings:
            expected = _share(plan, hits, docs) * docs
            if expected > 3 * cap:  # filters thin the matches: a wider window
                expected *= await _filter_share(conn, plan, since, until)
            # Candidates come from the GIN index, never from walking the primary key
            # backwards or the table and testing each story's tsvector (~10 µs each:
            # 35k of them for a word in 5 % of 100k stories, all 10k of a 10k index).
            await conn.fetchone(
                "SELECT set_config('enable_indexscan', 'off', true),"
                " set_config('enable_seqscan', 'off', true)"
            )
            if expected > 3 * cap:  # a window under half the ids (its bitmap costs too)
                window = math.ceil(1.5 * cap * (newest - oldest + 1) / expected)
        while True:
            lowest = newest - window + 1 if window else None
            sql, params = _ranking(plan, readings, idf, avgdl, since, until, lowest)
            rows = await conn.fetchall(sql, [*params, cap, now, limit, offset])
            total = int(rows[0][2])  # matches in the window, at most cap
            if lowest is None or lowest <= oldest or total >= cap:
                break  # the newest cap matches, or every match
            # Too few in the window (a filter the estimate left out): size it again
            # from the matches found in it.
            window = math.ceil(1.5 * cap * window / total) if total else 0
    ranked = tuple((int(r[0]), float(r[1])) for r in rows if r[0] is not None)
    return Matches(ranked, total if ranked else 0)  # as SQLite: a page past the end has none


def _filters(
    plan: SearchPlan, since: float | None, until: float | None, params: list[object]
) -> list[str]:
    """SQL conditions for the plan's filters (their values appended to params)."""
    where = []
    if plan.language:
        where.append("language = ?")
        params.append(_words(plan.language))
    if plan.source:
        where.append(f"source @@ {PHRASE}")
        params.append(_words(" ".join(plan.source)))
    if plan.topic:
        where.append(f"topics @@ {PHRASE}")
        params.append(_words(plan.topic))
    return where + day_range("day", since, until, params)


async def _filter_share(
    conn: Connection, plan: SearchPlan, since: float | None, until: float | None
) -> float:
    """The share of the newest FILTER_SAMPLE stories the filters let through (1 without
    filters): the window is over the newest ids, so its share is theirs, however
    dates, languages or outlets spread over the ids."""
    params: list[object] = []
    where = _filters(plan, since, until, params)
    if not where:
        return 1.0
    row = await conn.fetchone(
        f"SELECT count(*) FILTER (WHERE {' AND '.join(where)}), count(*) FROM ("
        " SELECT language, source, topics, day FROM search_index ORDER BY id DESC LIMIT ?) r",
        [*params, FILTER_SAMPLE],
    )
    passed, seen = (int(row[0]), int(row[1])) if row else (0, 0)
    return max(passed, 1) / seen if seen else 1.0


def _ranking(
    plan: SearchPlan,
    readings: list[list[str]],
    idf: dict[str, float],
    avgdl: float,
    since: float | None,
    until: float | None,
    lowest: int | None,
) -> tuple[str, list[object]]:
    """The ranking query and its parameters up to the cap (cap, now, limit and offset
    follow)."""
    distinct = list(idf)
    params: list[object] = []
    # Each candidate's counts are read in the scan, so that the sort for the newest
    # carries a few numbers a row, never the arrays.
    freqs = "".join(f", {_freq(p, params)} AS f{i}" for i, p in enumerate(distinct))
    where = []
    if plan.readings:
        where.append(f"doc @@ {_text_query(plan, params)}")
    where += _filters(plan, since, until, params)
    if lowest is not None:
        where.append("id >= ?")
        params.append(lowest)
    # Computed numbers go into the SQL as literals; lemmas only as parameters.
    norm = f"{K1!r} * (1 - {B!r} + {B!r} * CAST(r.length AS float8) / {avgdl!r})"
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
    # Placeholders bind in text order: frequency keys, filters, cap, now, limit, offset.
    # The page is joined to the count so that a page past the end still tells it.
    sql = f"""
        WITH recent AS MATERIALIZED (
            SELECT id, day, length{freqs} FROM search_index r
            WHERE {" AND ".join(where) or "TRUE"} ORDER BY id DESC LIMIT ?
        ), scored AS (
            SELECT r.id, -({bm25})
                * (1.0 + {LIFT!r} / (1.0 + GREATEST(0.0, ? - r.day) / {float(RECENCY_S)!r}))
                AS score
            FROM recent r
        )
        SELECT s.id, s.score, c.n FROM (SELECT count(*) AS n FROM recent) c
        LEFT JOIN LATERAL (
            SELECT id, score FROM scored ORDER BY score, id DESC LIMIT ? OFFSET ?
        ) s ON TRUE
        ORDER BY s.score, s.id DESC
    """
    return sql, params
