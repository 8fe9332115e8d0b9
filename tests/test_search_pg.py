"""PostgreSQL search (storage/search_pg.py, migration 0007): the lemma frequencies kept
beside the index stay right through index, re-index, delete and rebuild; the lemma
counts written by SQL (the migration) and by Python (index writes) are the same; and
on a small corpus both backends return the same pages, also when only the newest
SCAN_CAP matches are ranked."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.search import engine
from bot.search.index import new_article, reindex
from storage import articles, search, search_doc, search_pg
from storage.db import Database
from storage.postgres import PostgresConnection, PostgresDatabase
from storage.search_doc import SearchDocument
from storage.sqlite import SqliteDatabase
from tests.backends import SERVER

NOW = 1_790_000_000.0
WORDS = [
    *("ракета", "дрон", "місто", "область", "уряд", "закон", "ціна", "енергія", "світло"),
    *("вода", "школа", "лікар", "поле", "зерно", "порт", "море", "кордон", "армія", "мир"),
    *("переговори", "безпека", "гарантія", "союз"),
]
TOPICS = ("war", "economy", "energy")
SOURCES = ("Главком", "Бі-Бі-Сі")


async def recount(db: Database) -> dict[str, int]:
    """The frequencies counted from the index itself."""
    rows = await db.fetchall(
        "SELECT t, count(*) FROM search_index, unnest(tsvector_to_array(doc)) AS t GROUP BY t"
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def kept(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT lemma, docs FROM search_df")
    return {str(r[0]): int(r[1]) for r in rows}


async def totals(db: Database) -> tuple[int, int]:
    row = await db.fetchone("SELECT docs, tokens FROM search_totals WHERE id = 1")
    assert row is not None
    counted = await db.fetchone("SELECT count(*), COALESCE(sum(length), 0) FROM search_index")
    assert counted is not None and (int(row[0]), int(row[1])) == (int(counted[0]), int(counted[1]))
    return int(row[0]), int(row[1])


def stories(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """Stories of a small vocabulary: a few words in most of them, the rest rarer."""
    rng = random.Random(seed)
    start = datetime(2026, 6, 1, tzinfo=UTC)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()

    out: list[dict[str, Any]] = []
    for i in range(n):
        text = ". ".join(sentence() for _ in range(rng.randint(1, 4))) + "."
        if rng.random() < 0.8:
            text += f" {rng.choice(WORDS[:4]).capitalize()} і {rng.choice(WORDS[:4])}."
        out.append(
            {
                "title": " ".join(rng.sample(WORDS, 3)).capitalize(),
                "text": text,
                "language": "uk",
                "topics": (TOPICS[i % 3],) if i % 5 else (TOPICS[i % 3], TOPICS[(i + 1) % 3]),
                "source": SOURCES[i % 7 == 0],
                "published": start + timedelta(hours=rng.randint(0, 24 * 90)),
            }
        )
    return out


async def store(db: Database, fields: list[dict[str, Any]]) -> list[int]:
    ids = []
    for f in fields:
        async with db.transaction() as conn:
            ids.append(await articles.insert(conn, new_article(**f), now=NOW))
    return ids


async def test_frequencies_follow_index_reindex_delete_and_rebuild(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "WRITE_BATCH", 4)  # the rebuild: several transactions
    db = await PostgresDatabase.connect(pg_url)
    try:
        ids = await store(db, stories(30))
        assert await kept(db) == await recount(db) and len(await kept(db)) > 10
        assert (await totals(db))[0] == 30
        # Re-index one story with other words: lemmas that went down, new ones up.
        doc = SearchDocument(
            title="нововведення", summary="", body="нововведення ракета", language="uk"
        )
        async with db.transaction() as conn:
            await search_pg.index_document(conn, ids[0], doc, day=NOW)
        assert (await kept(db))["нововведення"] == 1
        assert await kept(db) == await recount(db) and (await totals(db))[0] == 30
        # Deleting articles cascades to the index; a lemma no story holds any more goes.
        async with db.transaction() as conn:
            await conn.execute(
                "DELETE FROM articles WHERE id = ANY (CAST(? AS bigint[]))", (ids[:5],)
            )
        assert "нововведення" not in await kept(db)
        assert await kept(db) == await recount(db) and (await totals(db))[0] == 25
        # A rebuild empties the index at once and fills it again.
        assert await reindex(db, rebuild=True) == 25
        assert await kept(db) == await recount(db) and (await totals(db))[0] == 25
    finally:
        await db.close()


async def test_migration_keys_its_counts_as_python_does(pg_url: str) -> None:
    """Rows indexed before 0007 (tf as JSON) get the keys and counts an index write
    would give them, and their frequencies."""
    base = SERVER.rpartition("/")[0]
    name = "t_mig_" + pg_url.rpartition("/")[2][2:]
    admin = await asyncpg.connect(SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        db = await PostgresDatabase.connect(f"{base}/{name}", migrate=False)
        try:
            await db.migrate(target=6)
            fields = stories(6)
            for n, f in enumerate(fields, start=1):
                await db.execute(
                    "INSERT INTO articles (id, title, text, language, created_at)"
                    " VALUES (?, ?, ?, 'uk', ?)",
                    (n, f["title"], str(f["text"]).encode(), NOW),
                )
            old = [new_article(**f).search for f in fields]
            for n, document in enumerate(old, start=1):
                assert document is not None
                await _old_index_write(db, n, document)
            await db.migrate()
            for n, document in enumerate(old, start=1):
                assert document is not None
                row = await db.fetchone(
                    "SELECT tf_keys, tf_counts FROM search_index WHERE id = ?", (n,)
                )
                assert row is not None
                async with db.transaction() as conn:  # what an index write stores now
                    await search_pg.index_document(conn, n, document, day=NOW)
                again = await db.fetchone(
                    "SELECT tf_keys, tf_counts FROM search_index WHERE id = ?", (n,)
                )
                assert again is not None and list(row[0]) == list(again[0]) and row[0]
                assert list(row[1]) == list(again[1])
            assert await kept(db) == await recount(db)
        finally:
            await db.close()
    finally:
        admin = await asyncpg.connect(SERVER)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _old_index_write(db: Database, article_id: int, document: SearchDocument) -> None:
    """storage/search_pg.py's index write before migration 0007 (tf as JSON)."""
    import json
    from collections import Counter

    columns = [search_pg.tokens(c) for c in (document.title, document.summary, document.body)]
    tf: Counter[str] = Counter()
    for weight, words in zip(search_doc.WEIGHTS, columns, strict=True):
        for word in words:
            tf[word] += int(weight)
    await db.execute(
        "INSERT INTO search_index (id, day, language, source, topics, doc, tf, length)"
        " VALUES (?, ?, 'uk', to_tsvector('simple', ''), to_tsvector('simple', ''),"
        " setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B')"
        " || setweight(to_tsvector('simple', ?), 'C'), CAST(? AS jsonb), ?)",
        (
            article_id,
            NOW,
            *(" ".join(c) for c in columns),
            json.dumps(tf, ensure_ascii=False),
            sum(len(c) for c in columns),
        ),
    )


QUERIES = [
    "ракета",
    "дрон",
    "місто уряд",
    "ракета дрон область",
    "енергія -ракета",
    '"ракета дрон"',
    "зерно topic:economy",
    'ракета source:"Бі-Бі-Сі"',
    "уряд lang:uk",
    "світло from:2026-07-15",
    "мир переговори безпека",
    "нічогонемає",
]


@pytest.mark.parametrize("cap", [search_doc.SCAN_CAP, 7])
async def test_same_pages_as_sqlite(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """The same stories in both: every query gives the same stories on each page and
    the same total; with a low cap (the newest `cap` matches ranked) windows of the
    newest ids are read and widened when a filter leaves too few in them."""
    monkeypatch.setattr(search_doc, "SCAN_CAP", cap)
    fields = stories(150)
    pg = await PostgresDatabase.connect(pg_url)
    lite = await SqliteDatabase.connect(tmp_path / "lite.db")
    try:
        assert await store(pg, fields) == await store(lite, fields)
        await pg.execute("ANALYZE")
        for query in QUERIES:
            for offset in (0, 5):
                ours = await engine.search(pg, query, now=NOW, limit=5, offset=offset)
                theirs = await engine.search(lite, query, now=NOW, limit=5, offset=offset)
                assert ours.total == theirs.total, query
                got = [h.article_id for h in ours.hits]
                want = [h.article_id for h in theirs.hits]
                assert sorted(got) == sorted(want), (query, offset)
                if '"' not in query:  # a phrase's frequency is approximated on PostgreSQL
                    assert got == want, (query, offset)
                    for a, b in zip(ours.hits, theirs.hits, strict=True):
                        assert a.score == pytest.approx(b.score, rel=1e-6), query
        capped = await engine.search(pg, "ракета", now=NOW)
        assert capped.capped == (cap < 100) and capped.total == min(cap, capped.total)
    finally:
        await pg.close()
        await lite.close()


async def test_phrase_frequency_from_the_newest_stories_holding_its_words(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phrase's frequency (its idf) is counted exactly while few stories hold all its
    words, else estimated from the newest PHRASE_SAMPLE of them."""
    db = await PostgresDatabase.connect(pg_url)
    phrase = "і ракета"
    try:
        await store(db, stories(80))
        rows = await db.fetchall(
            "SELECT id, doc @@ phraseto_tsquery('simple', ?) FROM search_index"
            " WHERE doc @@ plainto_tsquery('simple', ?) ORDER BY id DESC",
            (phrase, phrase),
        )
        holding = [bool(r[1]) for r in rows]
        assert len(holding) > 10 and 0 < sum(holding[:10]) < sum(holding)
        async with db.transaction() as conn:
            exact = await search_pg._frequencies(conn, [phrase, "ракета"])
        assert exact[phrase] == sum(holding) and exact["ракета"] >= len(holding)
        monkeypatch.setattr(search_pg, "PHRASE_SAMPLE", 10)
        async with db.transaction() as conn:
            sampled = await search_pg._frequencies(conn, [phrase])
        assert sampled[phrase] == round(sum(holding[:10]) * len(holding) / 10)
    finally:
        await db.close()


async def test_window_sized_for_the_filters(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date filter letting few of a common word's stories through widens the window
    of newest ids at once (the share the filters pass among the newest stories): one
    ranking statement, not one too narrow and then another; the page as SQLite's."""
    monkeypatch.setattr(search_doc, "SCAN_CAP", 7)
    statements: list[str] = []
    fetchall = PostgresConnection.fetchall

    async def counted(self: PostgresConnection, sql: str, params: Any = ()) -> Any:
        statements.append(sql)
        return await fetchall(self, sql, params)

    fields = stories(150)
    pg = await PostgresDatabase.connect(pg_url)
    lite = await SqliteDatabase.connect(tmp_path / "lite.db")
    try:
        await store(pg, fields)
        await store(lite, fields)
        query = "світло from:2026-08-20"
        monkeypatch.setattr(PostgresConnection, "fetchall", counted)
        ours = await engine.search(pg, query, now=NOW, limit=5)
        monkeypatch.setattr(PostgresConnection, "fetchall", fetchall)
        theirs = await engine.search(lite, query, now=NOW, limit=5)
        assert ours.total == theirs.total > 0
        assert [h.article_id for h in ours.hits] == [h.article_id for h in theirs.hits]
        assert sum("WITH recent" in sql for sql in statements) == 1
    finally:
        await pg.close()
        await lite.close()
