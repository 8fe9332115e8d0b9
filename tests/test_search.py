"""Search: morphology, phrases, exclusions, filters, ranking, snippets, index upkeep."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import news
from bot.search import engine as search
from bot.search.engine import Status
from bot.search.index import new_article, reindex
from bot.search.query import NoteKind, parse
from bot.search.terms import readings
from storage import articles, search_doc
from storage import search as stored_index
from storage.backends import open_database
from storage.codec import pack
from storage.db import Database
from tests.shared_data import seed_text
from tests.stored import sqlite_of

DAY = 86400.0
NOW = datetime(2025, 3, 1, tzinfo=UTC).timestamp()


async def put(
    db: Database,
    title: str,
    text: str,
    *,
    language: str = "uk",
    topics: tuple[str, ...] = (),
    source: str | None = None,
    published: datetime | None = None,
    now: float = NOW,
) -> int:
    new = new_article(
        title=title,
        text=text,
        language=language,
        topics=topics,
        source=source,
        published=published,
    )
    article_id, _ = await articles.publish(db, new, now=now)
    return article_id


async def ids(db: Database, query: str, **kwargs: object) -> list[int]:
    page = await search.search(db, query, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert page.status is Status.OK, page
    return [hit.article_id for hit in page.hits]


async def test_inflected_query_finds_other_forms(db: Database) -> None:
    rockets = await put(db, "Нічна атака", "Вночі ворог обстріляв місто ракетами.")
    guarantees = await put(db, "Переговори", "Сторони обговорили питання гарантій безпеки.")
    await put(db, "Погода", "Завтра буде сонячно і тепло.")
    assert await ids(db, "ракета") == [rockets]
    assert await ids(db, "ракет") == [rockets]
    assert await ids(db, "гарантія безпеки") == [guarantees]
    assert await ids(db, '"гарантія безпеки"') == [guarantees]


async def test_abbreviations_keep_their_reading(db: Database) -> None:
    nato = await put(db, "Саміт", "Лідери НАТО зібралися у Брюсселі.")
    assert await ids(db, "НАТО") == [nato]
    assert await ids(db, "нато") == [nato]


async def test_seed_story_found_by_bar_queries(db: Database) -> None:
    analysis = news.analyze(seed_text())
    new = new_article(
        title=analysis.title,
        text=analysis.text,
        language=analysis.language,
        topics=analysis.topics,
        analysis=analysis,
    )
    article_id, _ = await articles.publish(db, new)
    await put(db, "Інше", "Футбольний клуб виграв матч.")
    for query in ("ракета", "гарантія безпеки"):
        page = await search.search(db, query)
        assert [h.article_id for h in page.hits] == [article_id], query
        assert page.hits[0].snippet.marks, query


async def test_phrase_needs_adjacent_words(db: Database) -> None:
    together = await put(db, "А", "Йдеться про гарантії безпеки для країни.")
    apart = await put(db, "Б", "Безпеки не буде без гарантій з боку партнерів.")
    assert set(await ids(db, "гарантія безпеки")) == {together, apart}
    assert await ids(db, '"гарантія безпеки"') == [together]


async def test_excluded_words_and_phrases(db: Database) -> None:
    iran = await put(db, "Прайс про Іран", "Речник Прайс говорив про Іран.")
    plain = await put(db, "Брифінг", "Речник Прайс відповів журналістам.")
    assert set(await ids(db, "Прайс")) == {iran, plain}
    assert await ids(db, "Прайс -Іран") == [plain]
    assert await ids(db, "Прайс -Ірану") == [plain]  # excluded words are lemmatized too
    assert await ids(db, "Прайс —Іран") == [plain]  # a phone's dash works as a minus
    assert await ids(db, 'Прайс -"відповісти журналістам"') == [iran]


async def test_filters(db: Database) -> None:
    day = datetime(2025, 1, 10, tzinfo=UTC)
    a = await put(
        db, "Ракети", "Ракети над містом.", topics=("war",), source="Голос України", published=day
    )
    b = await put(
        db,
        "Ракети",
        "Ракети над містом.",
        topics=("nato", "war"),
        source="ZAXID.NET",
        published=datetime(2025, 2, 20, tzinfo=UTC),
    )
    c = await put(db, "Missiles", "Missiles over the city.", language="en", topics=("nato",))
    assert set(await ids(db, "ракета")) == {a, b}
    assert await ids(db, "ракета topic:nato") == [b]
    assert set(await ids(db, "ракета topic:war")) == {a, b}
    assert await ids(db, "ракета source:україни") == [a]  # case-insensitive substring
    assert await ids(db, 'ракета source:"голос україни"') == [a]
    assert await ids(db, "ракета source:zaxid") == [b]
    assert await ids(db, "ракета from:2025-02-01") == [b]
    assert await ids(db, "ракета to:2025-01-10") == [a]  # the to: day is included
    assert await ids(db, "ракета from:2025-01 to:2025-01") == [a]
    assert await ids(db, "missile") == [c]
    assert await ids(db, "missiles lang:en") == [c]
    assert await ids(db, "missiles lang:uk") == []


async def test_title_match_ranks_above_body_match(db: Database) -> None:
    filler = " Інші новини дня стосувалися погоди, спорту і культури."
    body = await put(db, "Огляд дня", "Згадали також і про санкції." + filler)
    title = await put(db, "Нові санкції", "Уряд ухвалив рішення." + filler)
    assert await ids(db, "санкції") == [title, body]


async def test_recent_story_lifted_among_equals(db: Database) -> None:
    old = await put(db, "Санкції", "Нові санкції проти агресора.", now=NOW - 400 * DAY)
    new = await put(db, "Санкції", "Нові санкції проти агресора.", now=NOW - DAY)
    assert await ids(db, "санкції") == [new, old]
    page = await search.search(db, "санкції", now=NOW)
    assert page.hits[0].score < page.hits[1].score  # lower is better


async def test_snippet_shows_original_words_marked(db: Database) -> None:
    long_text = (
        "Початок тексту без потрібних слів. " * 20
        + "Вночі ворог обстріляв місто ракетами <і дронами>. "
        + "Кінець тексту теж без них. " * 20
    )
    await put(db, "Атака ракетою", long_text)
    page = await search.search(db, "ракета", now=NOW)
    hit = page.hits[0]
    assert hit.snippet.marked() == ("ракетами",)
    assert "ракетами" in hit.snippet.text and len(hit.snippet.text) < len(long_text)
    assert hit.snippet.text.startswith("…") and hit.snippet.text.endswith("…")
    assert "<b>ракетами</b> &lt;і дронами&gt;" in hit.snippet.html()
    assert hit.title.marked() == ("ракетою",)


async def test_paging(db: Database) -> None:
    stored = [await put(db, f"Санкції {i}", "Санкції.", now=NOW - i * DAY) for i in range(5)]
    first = await search.search(db, "санкції", limit=2, now=NOW)
    second = await search.search(db, "санкції", limit=2, offset=2, now=NOW)
    last = await search.search(db, "санкції", limit=2, offset=4, now=NOW)
    assert first.has_more and second.has_more and not last.has_more
    seen = [h.article_id for page in (first, second, last) for h in page.hits]
    assert sorted(seen) == sorted(stored)
    beyond = await search.search(db, "санкції", offset=search.MAX_OFFSET + 1, now=NOW)
    assert beyond.status is Status.OK and beyond.hits == () and not beyond.has_more


async def test_total_counts_the_matches_on_every_page(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = [
        await put(db, f"Санкції {i}", f"Нові санкції, день {i}.", now=NOW - i * DAY)
        for i in range(6)
    ]
    await put(db, "Інше", "Нічого спільного.")
    async with db.transaction() as conn:  # a deleted story is no longer counted
        await conn.execute("DELETE FROM articles WHERE id = ?", (stored[0],))
    pages = [await search.search(db, "санкції", limit=2, offset=o, now=NOW) for o in (0, 2, 4)]
    assert [len(p.hits) for p in pages] == [2, 2, 1]
    assert [p.total for p in pages] == [5, 5, 5]
    recent = await search.search(db, "санкції from:2025-02-27", now=NOW)  # days 1 and 2
    assert recent.total == 2 and len(recent.hits) == 2
    assert (await search.search(db, "дрони", now=NOW)).total == 0
    monkeypatch.setattr(search_doc, "SCAN_CAP", 3)
    capped = await search.search(db, "санкції", limit=2, now=NOW)
    assert capped.capped and capped.total == 3


async def test_a_page_and_its_stories_are_what_match_and_stories_give(db: Database) -> None:
    for i in range(4):
        await put(db, f"Санкції {i}", f"Нові санкції проти агресора, день {i}.", now=NOW - i * DAY)
    await put(db, "Ракети", "Удар ракетами по місту.", topics=("war",), source="Укрінформ")
    for text in ("санкції", "ракета topic:war", "агресор from:2025-02-27", "дрони"):
        query = parse(text)
        plan = search.search_plan(query, readings(query))
        assert plan is not None
        since, until = search._bounds(query)
        for offset in (0, 2):
            page = await stored_index.match_page(
                db, plan, now=NOW, since=since, until=until, limit=3, offset=offset
            )
            matches = await stored_index.match(
                db, plan, now=NOW, since=since, until=until, limit=3, offset=offset
            )
            assert page is not None and matches is not None
            assert page[0] == matches, text
            ids = [article_id for article_id, _ in matches.ranked]
            assert page[1] == await stored_index.stories(db, ids), text


async def test_a_date_range_keeps_its_start_and_drops_its_end(db: Database) -> None:
    # since is inclusive and until exclusive, on both backends: a story on either edge.
    days = [await put(db, f"Санкції {i}", "Нові санкції.", now=NOW - i * DAY) for i in range(4)]
    plan = search.search_plan(parse("санкції"), readings(parse("санкції")))
    assert plan is not None
    matches = await stored_index.match(
        db, plan, now=NOW, since=NOW - 2 * DAY, until=NOW - DAY, limit=10, offset=0
    )
    assert matches is not None and [i for i, _ in matches.ranked] == [days[2]]
    opened = await stored_index.match(
        db, plan, now=NOW, since=None, until=NOW - DAY, limit=10, offset=0
    )
    assert opened is not None and {i for i, _ in opened.ranked} == {days[2], days[3]}


async def test_nothing_to_search_is_a_structured_outcome(db: Database) -> None:
    await put(db, "Санкції", "Санкції.")
    for query in ("", "   ", "topic:nato", "-санкції", "*** ( ) ^", "😀😀"):
        page = await search.search(db, query)
        assert page.status is Status.EMPTY and page.hits == (), query
    page = await search.search(db, "санкції from:2025-13-45 lang:xx")
    assert page.status is Status.OK and len(page.hits) == 1
    assert {n.kind for n in page.notes} == {NoteKind.BAD_DATE, NoteKind.BAD_LANGUAGE}


async def test_fts_syntax_is_searched_as_words(db: Database) -> None:
    hit = await put(db, "Логіка", "Правило NOT OR AND NEAR для пошуку.")
    await put(db, "Інше", "Нічого спільного.")
    for query in ("NOT", "OR", "NEAR(OR AND)", 'AND "NOT" ^NEAR*', "NOT:", "{OR}:", "правило:NOT"):
        page = await search.search(db, query)
        assert page.status is Status.OK, query
        assert [h.article_id for h in page.hits] == [hit], query


async def test_index_follows_publish_and_delete(db: Database) -> None:
    first = await put(db, "Ракети", "Ракети над містом.")
    second = await put(db, "Ракети знову", "Ракети над селом.")
    assert set(await ids(db, "ракета")) == {first, second}
    async with db.transaction() as conn:  # any delete path: the trigger follows it
        await conn.execute("DELETE FROM articles WHERE id = ?", (first,))
    assert await ids(db, "ракета") == [second]


async def test_failed_publish_leaves_no_index_row(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction() as conn:
            new = new_article(title="Ракети", text="Ракети.", language="uk")
            await articles.insert(conn, new, now=NOW)
            raise Boom
    assert await ids(db, "ракета") == []


async def test_reindex_covers_stories_stored_before_search(db: Database) -> None:
    async with db.transaction() as conn:  # a story from before migration 0003
        await conn.execute(
            "INSERT INTO articles (title, text, language, topics, created_at)"
            " VALUES ('Ракети', ?, 'uk', '[]', 0)",
            (pack("Удар ракетами."),),
        )
    assert await ids(db, "ракета") == []
    assert await reindex(db) == 1
    assert len(await ids(db, "ракета")) == 1
    assert await reindex(db) == 0


def test_parse_round_trips_through_text() -> None:
    query = parse('ракета "гарантія безпеки" -Іран -"мирний план" topic:nato lang:uk from:2025')
    assert query.words == ("ракета",)
    assert query.phrases == ("гарантія безпеки",)
    assert query.excluded == ("Іран", "мирний план")
    assert query.topic == "nato" and query.language == "uk"
    assert query.since is not None and query.since.isoformat() == "2025-01-01"
    assert parse(query.text()) == query


def test_search_runs_from_sync_code(tmp_path: Path) -> None:
    # The CLI (`main.py search`) calls it through asyncio.run.
    async def run() -> list[int]:
        database = await open_database(tmp_path / "cli.db")
        try:
            await put(database, "Ракети", "Ракети.")
            return [h.article_id for h in (await search.search(database, "ракета")).hits]
        finally:
            await database.close()

    assert asyncio.run(run()) == [1]


async def test_very_common_words_rank_the_newest_matches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = [await put(db, "Санкції", "Санкції.") for _ in range(5)]
    page = await search.search(db, "санкції", now=NOW)
    assert not page.capped and len(page.hits) == 5
    monkeypatch.setattr(search_doc, "SCAN_CAP", 3)
    page = await search.search(db, "санкції", now=NOW)
    assert page.capped
    assert sorted(h.article_id for h in page.hits) == stored[-3:]


async def test_stories_in_other_languages_are_found_by_their_words(db: Database) -> None:
    # Detected as Bulgarian and German: indexed by words as written, lower-cased.
    bg_text = "Министрите обсъдиха преговорите в България. Срещата ще продължи."
    de_text = "Die Regierung hat die Verhandlungen in Genf fortgesetzt."
    bg = await put(db, "Преговорите продължават", bg_text, language=news.analyze(bg_text).language)
    de = await put(db, "Verhandlungen", de_text, language=news.analyze(de_text).language)
    uk = await put(db, "Переговори", "Переговори тривають у Женеві.")
    assert news.analyze(bg_text).language == "bg" and news.analyze(de_text).language == "de"
    assert await ids(db, "преговорите") == [bg]
    assert await ids(db, "България") == [bg]  # a uk/ru reading would guess "българий"
    assert await ids(db, "Verhandlungen") == [de]
    assert await ids(db, "Verhandlungen lang:de") == [de]
    assert await ids(db, "Verhandlungen lang:uk") == []
    assert await ids(db, "переговори") == [uk]  # stories in our languages: as before
    page = await search.search(db, "преговорите lang:bg", now=NOW)
    assert [h.article_id for h in page.hits] == [bg] and not page.notes


@pytest.mark.sqlite_only("SQLite reuses the highest id; FTS5's search_gone")
async def test_deleted_story_id_reused_by_a_new_one_matches_only_the_new_words(
    db: Database,
) -> None:
    await put(db, "Погода", "Завтра буде сонячно.")
    old = await put(db, "Ракети", "Ракети над містом.")
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM articles WHERE id = ?", (old,))
    assert await ids(db, "ракета") == []  # gone from the results before any write
    new = await put(db, "Врожай", "Фермери зібрали пшеницю.")
    assert new == old  # SQLite hands the highest id out again
    assert await ids(db, "ракета") == []  # the old postings were taken out
    assert await ids(db, "пшениця") == [new]
    async with sqlite_of(db).conn.execute("SELECT COUNT(*) FROM search_gone") as cursor:
        assert tuple(await cursor.fetchone() or ()) == (0,)


async def test_reindexing_a_story_replaces_its_postings(db: Database) -> None:
    story = await put(db, "Ракети", "Ракети над містом.")
    async with db.transaction() as conn:
        changed = new_article(title="Врожай", text="Фермери зібрали пшеницю.", language="uk")
        assert changed.search is not None
        await stored_index.index_document(conn, story, changed.search, day=NOW)
    assert await ids(db, "ракета") == []
    assert await ids(db, "пшениця") == [story]
    assert await reindex(db, rebuild=True) == 1
    assert await ids(db, "ракета") == [story]  # rebuilt from the stored article


@pytest.mark.sqlite_only("FTS5's search_docs")
async def test_text_analysis_and_search_document_are_stored_packed(db: Database) -> None:
    text = " ".join(["Уночі ворог атакував область ракетами і дронами."] * 20)
    analysis = news.analyze(text, title="Атака")
    new = new_article(title="Атака", text=text, language="uk", analysis=analysis)
    article_id, _ = await articles.publish(db, new, now=NOW)
    async with sqlite_of(db).conn.execute(
        "SELECT a.text, a.analysis, d.doc FROM articles a JOIN search_docs d ON d.id = a.id"
    ) as cursor:
        row = await cursor.fetchone()
        assert row is not None
        stored_text, stored_analysis, doc = row
    assert isinstance(stored_text, bytes) and len(stored_text) < len(text.encode()) / 4
    assert isinstance(stored_analysis, bytes) and isinstance(doc, bytes)
    story = await articles.get(db, article_id)
    assert story is not None and story.text == text and story.analysis == analysis
    assert await ids(db, "дрон") == [article_id]


@pytest.mark.sqlite_only("SQLite's migration 0012")
async def test_migration_keeps_an_index_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await open_database(path, migrate=False)
    assert await old.migrate(target=11) == 11
    for row_id, title, text, lemmas in (
        (1, "Ракети", "Ракети над містом.", "ракета над місто"),
        (2, "Погода", "Завтра сонячно.", "завтра сонячно"),
    ):
        await sqlite_of(old).conn.execute(
            "INSERT INTO articles (id, title, text, language, topics, created_at)"
            " VALUES (?, ?, ?, 'uk', '[]', ?)",
            (row_id, title, text, NOW),
        )
        await sqlite_of(old).conn.execute(
            "INSERT INTO search_index (rowid, title, summary, body, language, source, topics)"
            " VALUES (?, ?, '', ?, 'uk', '', '')",
            (row_id, title.lower(), lemmas),
        )
        await sqlite_of(old).conn.execute(
            "INSERT INTO search_meta (id, day) VALUES (?, ?)", (row_id, NOW)
        )
    await old.close()

    db = await open_database(path)
    try:
        assert await ids(db, "ракета") == [1]
        story = await articles.get(db, 1)
        assert story is not None and story.text == "Ракети над містом."  # unpacked text
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM articles WHERE id = 1")
        assert await put(db, "Врожай", "Зібрали пшеницю.") == 3
        assert await ids(db, "ракета") == [] and await ids(db, "сонячно") == [2]
        async with sqlite_of(db).conn.execute(
            "SELECT COUNT(*) FROM search_index WHERE search_index MATCH 'ракета'"
        ) as cursor:
            assert tuple(await cursor.fetchone() or ()) == (
                0,
            )  # postings taken out, not just hidden
    finally:
        await db.close()
