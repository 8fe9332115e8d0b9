"""OPML: read and written by bot/ingest/opml.py; `main.py feed import|export` and
/feeds_import, /feeds_export round trips (the CLI as a process, Telegram over the
sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.ingest.opml import OpmlError, OpmlFeed, read_opml, write_opml
from bot.sandbox import Upload
from storage import feeds
from tests.e2e import say
from tests.main_command import run_admin

LOCAL_SETTINGS = {"allow_private_urls": True}  # the conftest `local` reaches the test site
NESTED = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="World">
    <outline text="Wire" type="rss" xmlUrl="http://127.0.0.1:9/wire.xml" category="nato"/>
    <outline text="Blog &amp; co" xmlUrl="http://127.0.0.1:9/blog.atom"/>
  </outline>
  <outline text="Again" xmlUrl="http://127.0.0.1:9/wire.xml"/>
  <outline text="Local file" xmlUrl="file:///etc/passwd"/>
  <outline text="No feed here" htmlUrl="http://127.0.0.1:9/"/>
</body></opml>"""


def test_read_opml_folders_categories_and_duplicates() -> None:
    found = read_opml(NESTED)
    assert [f.url for f in found] == [
        "http://127.0.0.1:9/wire.xml",
        "http://127.0.0.1:9/blog.atom",
        "file:///etc/passwd",  # refused later, by the URL check
    ]
    assert found[0].categories == ("World", "nato") and found[1].title == "Blog & co"


def test_write_then_read_is_the_same_list() -> None:
    written = [
        OpmlFeed("https://example.com/a?x=1&y=2", 'A "quoted" <feed>', ("nato", "economy")),
        OpmlFeed("https://example.com/b", None, ()),
    ]
    again = read_opml(write_opml(written, now=0).encode())
    assert again == [written[0], OpmlFeed("https://example.com/b", "https://example.com/b")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<rss version='2.0'/>", "not_opml"),
        (b"<opml><body><outline", "not_xml"),
        (b"x" * (1024 * 1024 + 1), "too_big"),
    ],
)
def test_not_opml_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(OpmlError) as caught:
        read_opml(data)
    assert caught.value.code == code


def test_entities_are_not_expanded() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<opml><body><outline text="&x;" xmlUrl="http://127.0.0.1:9/f"/></body></opml>'
    )
    try:
        found = read_opml(hostile)
    except OpmlError:
        return  # refused outright is fine too
    assert all(f.title in (None, "", "&x;") or "etc" not in (f.title or "") for f in found)
    assert [f.url for f in found] == ["http://127.0.0.1:9/f"]


def test_cli_import_then_export_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "mine.opml"
    source.write_bytes(NESTED)
    db = tmp_path / "cli.db"
    imported = run_admin(db, "feed", "import", str(source))
    assert imported.returncode == 0, imported.stderr
    assert "2 added, 0 already polled, 1 refused" in imported.stdout
    again = run_admin(db, "feed", "import", str(source))
    assert "0 added, 2 already polled" in again.stdout
    exported = run_admin(db, "feed", "export")
    assert exported.returncode == 0
    back = read_opml(exported.stdout.encode())
    assert [(f.url, f.categories) for f in back] == [
        ("http://127.0.0.1:9/wire.xml", ("nato",)),  # "World" is no topic: not kept
        ("http://127.0.0.1:9/blog.atom", ()),
    ]
    # The exported file imports into a fresh database as the same feeds.
    (tmp_path / "back.opml").write_text(exported.stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    assert "2 added" in run_admin(other, "feed", "import", str(tmp_path / "back.opml")).stdout
    broken = tmp_path / "broken.opml"
    broken.write_text("<html>no</html>", encoding="utf-8")
    refused = run_admin(db, "feed", "import", str(broken))
    assert refused.returncode != 0 and "not an OPML file" in refused.stdout


async def test_telegram_import_then_export_round_trip(local: LocalBot) -> None:
    sb = local.sandbox
    upload = Upload(NESTED, "mine.opml", "text/x-opml")
    reply = await say(sb, ADMIN_ID, "/feeds_import", document=upload, language_code="en")
    assert "2 feeds added" in reply.plain and "1 address was refused" in reply.plain
    assert "file:///etc/passwd" in reply.plain
    stored = await feeds.list_all(local.services.db)
    assert [(f.url, f.topics, f.backlog) for f in stored] == [
        ("http://127.0.0.1:9/wire.xml", ("nato",), "3"),
        ("http://127.0.0.1:9/blog.atom", (), "3"),
    ]
    exported = await say(sb, ADMIN_ID, "/feeds_export", language_code="en")
    assert exported.kind == "document" and exported.file_name == "newsbot-feeds.opml"
    assert exported.file_id is not None and "2 feeds" in (exported.caption or "")
    back = read_opml(sb.file_content(exported.file_id))
    assert [f.url for f in back] == [f.url for f in stored]
    ukrainian = await say(sb, ADMIN_ID, "/feeds_import", document=upload)
    assert "вже" in ukrainian.plain  # uk catalog: both were polled already
    # Not an admin: refused, nothing added; not OPML: a clear reply.
    refused = await say(sb, 551, "/feeds_import", document=upload, language_code="en")
    assert "only the bot's admins" in refused.plain
    junk = Upload(b"<html></html>", "junk.opml", "text/x-opml")
    bad = await say(sb, ADMIN_ID, "/feeds_import", document=junk, language_code="en")
    assert "not an OPML file" in bad.plain
    assert len(await feeds.list_all(local.services.db)) == 2
