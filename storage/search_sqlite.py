"""Search on SQLite: FTS5 with bm25, the plan written as one MATCH expression in which
every lemma is a double-quoted FTS5 string, so no user character is ever read as FTS
syntax (NEAR, *, ^, column filters, parentheses).

The index is contentless (migration 0012): FTS5 keeps only its inverted index, and
the document it was given is kept once, packed (storage.codec), in search_docs —
FTS5 needs those exact values to take a row out again. A deleted article leaves the
results at once (its search_meta row cascades and every match joins search_meta); a
trigger notes its id in search_gone, and the next index write takes its postings out.
"""

from __future__ import annotations

import sqlite3

from bot.domain import Article
from storage import search_doc
from storage.article_rows import HIT_COLUMNS, article_of
from storage.codec import pack, unpack
from storage.db import Connection, Database
from storage.search_doc import (
    COLUMNS,
    LIFT,
    RECENCY_S,
    SEPARATOR,
    WEIGHTS,
    Matches,
    Phrase,
    SearchDocument,
    SearchPlan,
    day_range,
)

TEXT_COLUMNS = "{title summary body}"


def _quote(group: Phrase) -> str:
    return '"' + " ".join(lem.replace('"', '""') for lem in group) + '"'


def _all(phrases: tuple[Phrase, ...]) -> str:
    return " AND ".join(_quote(g) for g in phrases)


def _any(readings: list[tuple[Phrase, ...]]) -> str:
    """The readings OR-ed, their shared phrases factored out so that each appears once
    ("a" AND ("b" OR "c"), not ("a" AND "b") OR ("a" AND "c")): bm25 walks every row
    holding each phrase of the expression, and a query's readings repeat its words. The
    stories matched are the same; a story matching several readings counts a shared
    phrase once, where the unfactored expression counted it once per reading."""
    if len(readings) == 1:
        return _all(readings[0])
    common = tuple(g for g in readings[0] if all(g in r for r in readings[1:]))
    rests = [tuple(g for g in r if g not in common) for r in readings]
    if common and all(rests):
        return f"{_all(common)} AND ({_any(rests)})"
    if common:  # a reading that is the shared phrases alone: nothing to factor
        return " OR ".join(f"({_all(r)})" for r in readings)
    groups: dict[Phrase, list[tuple[Phrase, ...]]] = {}
    for reading in readings:  # no phrase in all of them: factor those sharing the first
        groups.setdefault(reading[0], []).append(reading)
    return " OR ".join(f"({_any(group)})" for group in groups.values())


def match_expression(plan: SearchPlan) -> str:
    """The readings over the text columns, AND the filters over their columns."""
    parts = []
    if plan.readings:  # none: filters alone (the admin CLI's listing)
        text = _any(list(plan.readings))
        excluded = list(dict.fromkeys(_quote(g) for g in plan.excluded))
        if excluded:
            text = f"({text}) NOT ({' OR '.join(excluded)})"
        parts.append(f"{TEXT_COLUMNS} : ({text})")
    if plan.language:
        parts.append(f"{{language}} : {_quote((plan.language,))}")
    if plan.source:
        parts.append(f"{{source}} : {_quote(plan.source)}")
    if plan.topic:
        parts.append(f"{{topics}} : {_quote((plan.topic,))}")
    return " AND ".join(parts)


INDEXED = "search_meta"  # a story is indexed when it has a row here


async def index_document(
    conn: Connection, article_id: int, document: SearchDocument, *, day: float
) -> None:
    kept = pack(SEPARATOR.join(document.fields()))
    await index_many(conn, [(article_id, document, kept, day)])


async def clear(conn: Connection) -> None:
    """Empty the index (a rebuild)."""
    await conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
    for table in ("search_docs", "search_meta", "search_gone"):
        await conn.execute(f"DELETE FROM {table}")


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
    found = await _page(db, plan, now, since, until, limit, offset, with_stories=False)
    return None if found is None else found[0]


async def match_page(
    db: Database,
    plan: SearchPlan,
    *,
    now: float,
    since: float | None,
    until: float | None,
    limit: int,
    offset: int,
) -> tuple[Matches, dict[int, Article]] | None:
    """match() and the page's stories (storage.search.stories) in one statement: one
    trip to aiosqlite's thread, not two."""
    return await _page(db, plan, now, since, until, limit, offset, with_stories=True)


async def _page(
    db: Database,
    plan: SearchPlan,
    now: float,
    since: float | None,
    until: float | None,
    limit: int,
    offset: int,
    *,
    with_stories: bool,
) -> tuple[Matches, dict[int, Article]] | None:
    where = ["search_index MATCH ?"]
    params: list[object] = [now, match_expression(plan)]
    where += day_range("m.day", since, until, params)
    params += [search_doc.SCAN_CAP, limit, offset]  # read now: tests lower it
    weights = ", ".join(str(w) for w in (*WEIGHTS, 0.0, 0.0, 0.0))
    stories = "".join(f", a.{c} AS {c}" for c in HIT_COLUMNS[1:]) if with_stories else ""
    # recent: the newest SCAN_CAP matches (FTS5 walks rowids backwards and stops).
    # page: best first, with how many matched (a count over the kept rows costs less
    # than count(*) OVER (), which sorts them once more); then the page's stories.
    # Placeholders bind in text order: `now`, MATCH, dates, limits.
    sql = (
        "WITH recent AS ("
        f" SELECT f.rowid AS id, bm25(search_index, {weights})"
        f" * (1.0 + {LIFT} / (1.0 + max(0.0, ? - m.day) / {RECENCY_S}.0)) AS score"
        " FROM search_index f JOIN search_meta m ON m.id = f.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY f.rowid DESC LIMIT ?),"
        " page AS (SELECT id, score, (SELECT count(*) FROM recent) AS total FROM recent"
        " ORDER BY score, id DESC LIMIT ? OFFSET ?)"
        f" SELECT page.id AS id, score, total{stories} FROM page"
        + (" LEFT JOIN articles a ON a.id = page.id" if with_stories else "")
        + " ORDER BY score, page.id DESC"
    )
    try:
        rows = await db.fetchall(sql, params)
    except sqlite3.OperationalError as error:
        if "fts5" not in str(error):
            raise
        return None
    ranked = tuple((int(r["id"]), float(r["score"])) for r in rows)
    found = {r["id"]: article_of(r) for r in rows if with_stories and r["title"] is not None}
    return Matches(ranked, int(rows[0]["total"]) if rows else 0), found


async def index_many(
    conn: Connection, documents: list[tuple[int, SearchDocument, bytes, float]]
) -> None:
    """Index a batch of stories, a statement per table: (article id, document, its kept
    form packed (storage.backfill.packed), day). A story indexed before has its old
    postings taken out first, and so have deleted stories (noted by the trigger): a new
    article may get a deleted one's id."""
    if not documents:
        return
    ids = [article_id for article_id, _, _, _ in documents]
    marks = ",".join("?" * len(ids))
    old = await conn.fetchall(
        "SELECT id, doc FROM search_docs"
        f" WHERE id IN (SELECT id FROM search_gone) OR id IN ({marks})",
        ids,
    )
    if old:
        await conn.executemany(
            f"INSERT INTO search_index (search_index, rowid, {COLUMNS})"
            " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            [(row_id, *unpack(doc).split(SEPARATOR)) for row_id, doc in old],
        )
        gone = ",".join("?" * len(old))
        await conn.execute(f"DELETE FROM search_docs WHERE id IN ({gone})", [r[0] for r in old])
        await conn.execute("DELETE FROM search_gone")
    await conn.executemany(
        f"INSERT INTO search_index (rowid, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(article_id, *document.fields()) for article_id, document, _, _ in documents],
    )
    await conn.executemany(
        "INSERT INTO search_docs (id, doc) VALUES (?, ?)",
        [(article_id, doc) for article_id, _, doc, _ in documents],
    )
    await conn.executemany(
        "INSERT INTO search_meta (id, day) VALUES (?, ?)"
        " ON CONFLICT (id) DO UPDATE SET day = excluded.day",
        [(article_id, day) for article_id, _, _, day in documents],
    )
