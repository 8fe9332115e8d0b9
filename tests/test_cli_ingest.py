"""The admin CLI: `main.py ingest URL`, `import FILE.jsonl`, `feed add|list|poll|remove`."""

from __future__ import annotations

import asyncio
import gc
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest import bulk, cli
from bot.search import engine as search
from storage import articles, chats, watches
from storage.backends import open_database
from tests.fixtures.site.server import Item, Site, article_page, rss
from tests.main_command import run_admin
from tests.shared_data import corpus_records, seed_parts, seed_text


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    title, body = seed_parts()
    server.add("/page.html", article_page(title, body, server.url("/page.html")))
    picked = [r for r in corpus_records() if len(str(r["text"])) > 1500][:3]
    entries = []
    for number, record in enumerate(picked, 1):
        path = f"/news/{number}.html"
        paragraphs = str(record["text"]).split("\n")
        server.add(path, article_page(str(record["title"]), paragraphs, server.url(path)))
        entries.append(Item(str(record["title"]), server.url(path), f"n-{number}"))
    server.add("/rss.xml", rss(entries), content_type="application/rss+xml")
    yield server
    server.stop()


def stored_titles(path: Path) -> list[str]:
    async def read() -> list[str]:
        db = await open_database(path)
        try:
            return [a.title for a in await articles.latest(db, limit=100)]
        finally:
            await db.close()

    return asyncio.run(read())


def test_main_ingest_url_stores_seed_headline(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "bar.db"
    done = run_admin(db, "ingest", site.url("/page.html"))
    assert done.returncode == 0, done.stdout + done.stderr
    title = seed_parts()[0]
    assert stored_titles(db) == [title]
    assert "stored story #1" in done.stdout
    again = run_admin(db, "ingest", site.url("/page.html") + "?utm_source=tg")
    assert again.returncode == 0 and "already taken in" in again.stdout
    assert stored_titles(db) == [title]


def test_main_feed_add_then_poll_twice(tmp_path: Path, site: Site) -> None:
    db = tmp_path / "feeds.db"
    added = run_admin(db, "feed", "add", site.url("/rss.xml"), "nato")
    assert added.returncode == 0 and "feed #1 added" in added.stdout
    first = run_admin(db, "feed", "poll", "--once")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "3 stories stored" in first.stdout and len(stored_titles(db)) == 3
    second = run_admin(db, "feed", "poll", "--once", "--all")  # due or not: nothing new
    assert second.returncode == 0 and "0 stories stored" in second.stdout
    assert len(stored_titles(db)) == 3
    listed = run_admin(db, "feed", "list")
    assert site.url("/rss.xml") in listed.stdout and "topics=nato" in listed.stdout
    assert run_admin(db, "feed", "remove", "1").returncode == 0
    assert "no feeds" in run_admin(db, "feed", "list").stdout


@pytest.mark.parametrize("command", ["ingest", "import", "feed"])
def test_each_command_has_help(tmp_path: Path, command: str) -> None:
    done = run_admin(tmp_path / "h.db", command, "--help")
    assert done.returncode == 0 and "usage:" in done.stdout


async def test_import_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "import.db"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    records = [r for r in corpus_records() if len(str(r["text"])) > 800][:4]
    lines = [
        json.dumps(
            {
                "title": r["title"],
                "text": r["text"],
                "url": r.get("url"),
                "published": r.get("date"),
                "source": r.get("source"),
            },
            ensure_ascii=False,
        )
        for r in records
    ]
    lines[1] = json.dumps({"title": records[1]["title"], "text": records[1]["text"]})  # no URL
    lines.append("{not json")
    path = tmp_path / "backfill.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    out = io.StringIO()
    assert await cli.import_jsonl(path, out=out, progress=False) == cli.EXIT_FAILED  # bad line
    assert out.getvalue().strip() == "import: 4 stored, 0 already there, 1 failed (backfill.jsonl)"
    out = io.StringIO()
    await cli.import_jsonl(path, out=out, progress=False)
    assert out.getvalue().startswith("import: 0 stored, 4 already there")

    database = await open_database(db)
    try:
        stored = await articles.latest(database, limit=10)
    finally:
        await database.close()
    assert len(stored) == 4
    first = next(a for a in stored if a.url == records[0].get("url"))
    assert first.source == records[0].get("source")
    assert first.published is not None and str(first.published.year) == records[0]["date"]


def _loaded() -> tuple[int, bool]:
    from bot.news import morph

    return morph.analyzer.cache_info().currsize, gc.get_freeze_count() > 0


def test_pool_workers_start_warm() -> None:
    """A worker has the dictionaries (uk and ru: pymorphy3's) before its first story,
    out of the collector's reach: the forkserver loaded them once (bot.ingest.preload)
    instead of each worker on its first stories."""
    executor = bulk._executor(1)
    try:
        assert executor.submit(_loaded).result() == (2, True)
    finally:
        executor.shutdown()


@pytest.mark.parametrize("workers", [0, 2])
async def test_import_in_batches_on_a_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """More stories than one batch, analysed in worker processes (or this one): each is
    stored once with its analysis and searchable; a repeat inside the file is known, an
    empty text fails with its line, and the order of the file is kept."""
    db = tmp_path / "bulk.db"
    monkeypatch.setenv("DATABASE_PATH", str(db))
    bodies = [
        f"Делегації обговорили гарантії безпеки, раунд {n}. Наступна зустріч у {n} місті."
        for n in range(bulk.BATCH + 6)
    ]
    lines = [json.dumps({"title": f"Раунд {n}", "text": t}) for n, t in enumerate(bodies)]
    lines.insert(10, lines[3])  # the same story again
    lines.insert(20, json.dumps({"title": "Порожньо", "text": "   "}))
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    code = await cli.import_jsonl(path, out=out, progress=False, workers=workers)
    assert code == cli.EXIT_FAILED
    assert out.getvalue().strip() == (
        f"import: {len(bodies)} stored, 1 already there, 1 failed (bulk.jsonl)"
    )
    database = await open_database(db)
    try:
        stored = await articles.latest(database, limit=len(bodies) + 5)
        page = await search.search(database, "гарантія", limit=5)
    finally:
        await database.close()
    assert sorted(a.title for a in stored) == sorted(f"Раунд {n}" for n in range(len(bodies)))
    by_id = sorted(stored, key=lambda a: a.id)
    assert [a.title for a in by_id[:3]] == ["Раунд 0", "Раунд 1", "Раунд 2"]
    assert all(a.analysis for a in stored) and page.hits
    out = io.StringIO()
    await cli.import_jsonl(path, out=out, progress=False, workers=workers)
    assert out.getvalue().startswith(f"import: 0 stored, {len(bodies) + 1} already there")


async def test_ingest_text_file_and_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Site
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "f.db"))
    story = tmp_path / "story.txt"
    story.write_text(seed_text(), encoding="utf-8")
    out = io.StringIO()
    assert await cli.ingest(str(story), topics=("nato",), out=out) == cli.EXIT_OK
    assert "stored story #1" in out.getvalue() and "topics=nato" in out.getvalue()

    monkeypatch.delenv("ALLOW_PRIVATE_URLS", raising=False)
    out = io.StringIO()
    assert await cli.ingest(site.url("/nothing.html"), out=out) == cli.EXIT_FAILED
    assert "private_address" in out.getvalue()  # the site is on 127.0.0.1

    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    for target, reason in [
        (str(tmp_path / "report.pdf"), "no such file"),
        (site.url("/nothing.html"), "not_found"),
        ("ftp://example.com/story.html", "bad_scheme"),
    ]:
        out = io.StringIO()
        assert await cli.ingest(target, out=out) == cli.EXIT_FAILED
        assert reason in out.getvalue()


def test_main_ingest_publish_reaches_keyword_reader(tmp_path: Path) -> None:
    """The CLI uses the bot's wiring (bot.services): keyword watches match its stories."""
    db = tmp_path / "watch.db"

    async def prepare() -> None:
        database = await open_database(db)
        try:
            await chats.touch(database, 77, telegram_language="uk")
            await watches.add(database, 77, "водогін")
        finally:
            await database.close()

    asyncio.run(prepare())
    story = tmp_path / "story.txt"
    story.write_text(
        "Новий водогін у місті запрацює навесні\n\n"
        "Міська рада затвердила план будівництва водогону через річку. "
        "Роботи почнуться у квітні, а перша вода піде до осені.",
        encoding="utf-8",
    )
    done = run_admin(db, "ingest", str(story), "--publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "queued=1" in done.stdout

    async def queued() -> list[tuple[int, str]]:
        database = await open_database(db)
        try:
            rows = await database.fetchall("SELECT chat_id, reason_kind FROM outbox")
            return [(row[0], row[1]) for row in rows]
        finally:
            await database.close()

    assert asyncio.run(queued()) == [(77, "keyword")]
