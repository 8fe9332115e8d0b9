"""/push URL, file and forwarded post previews, and the feed commands, end to end: the
real bot over the sandbox, pages and feeds from a local site on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import i18n
from bot.app import ADMIN_COMMANDS
from bot.harness import ADMIN_ID, LocalBot
from bot.ingest import fetch
from bot.ingest.extract import ExtractError
from bot.ingest.files import FileError
from bot.sandbox import Sandbox, SentMessage, Upload
from handlers.common import Turn
from handlers.ingest import error_text
from storage import articles, feeds, previews
from tests.e2e import STORY, say, stories
from tests.fixtures.site.server import Item, Site, article_page, rss

# Original texts written for these tests: distinct stories, never near-duplicates.
PAGES = {
    "/talks.html": (
        "Diplomats from the United States and Russia resume security talks in Geneva",
        [
            "Delegations from the United States and Russia met in Geneva on Monday to discuss"
            " security guarantees, arms control and the deployment of missiles in Europe.",
            "The American side said it would not accept demands to close the door of NATO to"
            " new members, while the Russian delegation insisted on written guarantees.",
            "Both sides agreed to continue consultations next week and to keep the details of"
            " the proposals confidential until the allies have been briefed.",
        ],
    ),
    "/harvest.html": (
        "Farmers in the south report an early grain harvest after a warm spring",
        [
            "Farmers across the southern regions started harvesting barley two weeks earlier"
            " than usual this year, helped by a warm and dry spring season.",
            "Regional agronomists expect yields close to the five-year average, although some"
            " fields on lighter soils suffered from the heat in late May.",
            "Storage operators say their elevators are ready and that prices at the ports have"
            " been steady since the beginning of the month.",
        ],
    ),
    "/library.html": (
        "The city library opens a reading room for children in a restored mill",
        [
            "The old water mill on the river bank has been restored by volunteers and now"
            " houses a reading room for children with more than three thousand books.",
            "Librarians plan weekly story hours, a chess club and summer workshops where"
            " children can learn to bind their own notebooks by hand.",
            "The project was paid for by local businesses and a small grant from the regional"
            " cultural fund, the mayor told reporters at the opening.",
        ],
    ),
    "/bridge.html": (
        "Engineers finish repairs of the railway bridge ahead of schedule",
        [
            "Engineers completed the repair of the railway bridge over the river a month"
            " ahead of schedule, the national rail company said on Thursday.",
            "Freight trains will return to the route next week, and passenger services are"
            " expected to resume after the final safety inspections are signed off.",
            "The works replaced two spans damaged by floods last autumn and strengthened the"
            " supports with new concrete foundations and steel bearings.",
        ],
    ),
}
EN = {"language_code": "en"}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site().start()
    for path, (title, paragraphs) in PAGES.items():
        server.add(path, article_page(title, paragraphs, server.url(path)))
    server.add("/report.pdf", b"%PDF-1.4\n%binary\n", content_type="application/pdf")
    items = [
        Item(PAGES[p][0], server.url(p), f"guid{p}")
        for p in ("/harvest.html", "/library.html", "/bridge.html")
    ]
    server.add("/feed.xml", rss(items), content_type="application/rss+xml")
    server.add("/review.xml", rss(items[:2]), content_type="application/rss+xml")
    yield server
    server.stop()


LOCAL_SETTINGS = {"allow_private_urls": True}  # the test site is on 127.0.0.1


def buttons(message: SentMessage) -> dict[str, str]:
    """Button label → callback data."""
    markup = message.reply_markup or {"inline_keyboard": []}
    return {b["text"]: b.get("callback_data", "") for row in markup["inline_keyboard"] for b in row}


def button(message: SentMessage, word: str) -> str:
    return next(data for label, data in buttons(message).items() if word in label)


async def push_preview(sb: Sandbox, text: str, **kwargs: object) -> tuple[SentMessage, SentMessage]:
    """An admin pushes; the bot answers with the story preview and the control message."""
    before = len(sb.messages(ADMIN_ID))
    sb.inject_message(ADMIN_ID, text, language_code="en", **kwargs)  # type: ignore[arg-type]
    received = await sb.wait_for_messages(ADMIN_ID, before + 2, timeout=15)
    return received[before], received[before + 1]


async def press(sb: Sandbox, message: SentMessage, data: str) -> dict[str, object]:
    """The admin taps a button; returns the answer (the handlers answer last, after
    editing the message)."""
    query_id = sb.inject_callback(ADMIN_ID, ADMIN_ID, message.message_id, data)
    await sb.wait_until(lambda: sb.callback_answer(query_id) is not None, timeout=15)
    answer = sb.callback_answer(query_id)
    assert answer is not None
    return answer


async def test_push_url_preview_publish_once_then_already(local: LocalBot, site: Site) -> None:
    sb = local.sandbox
    await say(sb, 500, "/subscribe us-russia-security")
    url = site.url("/talks.html")
    story, control = await push_preview(sb, f"/push {url}")
    assert "Geneva" in story.plain and PAGES["/talks.html"][0] in story.plain
    assert "nothing has been sent" in control.plain
    assert {"Publish", "Change topics", "Cancel"} <= {
        label.split(" ", 1)[1] for label in buttons(control)
    }
    assert all(len(d.encode()) <= 64 for d in buttons(control).values())
    await local.settle()
    assert stories(sb, 500) == []  # nothing before Publish
    assert await articles.count(local.services.db) == 0

    publish = button(control, "Publish")
    await press(sb, control, publish)
    assert "Published as story #1" in control.plain and "Queued for 1 reader" in control.plain
    assert control.reply_markup is None
    await local.settle()
    [delivered] = stories(sb, 500)
    assert "Geneva" in delivered.plain

    # A second tap on the old button publishes nothing.
    answer = await press(sb, control, publish)
    assert "gone" in str(answer.get("text"))
    assert await articles.count(local.services.db) == 1

    again = await say(sb, ADMIN_ID, f"/push {url}?utm_source=x", **EN)
    assert "Already published as story #1" in again.plain
    await local.settle()
    assert len(stories(sb, 500)) == 1


async def test_push_url_keeps_the_lead_image_and_readers_get_a_photo(
    local: LocalBot, site: Site
) -> None:
    sb = local.sandbox
    await say(sb, 505, "/subscribe us-russia-security")
    title, paragraphs = PAGES["/talks.html"]
    page = article_page(title, paragraphs, site.url("/talks-photo.html")).replace(
        "</head>", '<meta property="og:image" content="/photos/geneva.jpg"></head>'
    )
    url = site.add("/talks-photo.html", page)
    image = site.url("/photos/geneva.jpg")
    story, control = await push_preview(sb, f"/push {url}")
    # The admin's preview shows the image as readers will see it, above the text.
    assert story.link_preview_options == {
        "url": image,
        "prefer_large_media": True,
        "show_above_text": True,
    }
    await press(sb, control, button(control, "Publish"))
    await local.settle()
    [delivered] = stories(sb, 505)
    assert (delivered.kind, delivered.photo) == ("photo", image)
    assert "Geneva" in delivered.plain and title in delivered.plain
    stored = await articles.get(local.services.db, 1)
    assert stored is not None and stored.image == image
    # The buttons under the photo work as under a text message.
    full_text = next(d for d in buttons(delivered).values() if d.startswith("full:"))
    before = len(sb.messages(505))
    query = sb.inject_callback(505, 505, delivered.message_id, full_text)
    await sb.wait_until(lambda: sb.callback_answer(query) is not None, timeout=15)
    full = (await sb.wait_for_messages(505, before + 1, timeout=15))[before]
    assert full.kind == "text" and paragraphs[-1] in full.plain


async def test_cancel_drops_the_draft(local: LocalBot, site: Site) -> None:
    sb = local.sandbox
    await say(sb, 510, "/subscribe us-russia-security")
    _story, control = await push_preview(sb, f"/push {site.url('/talks.html')}")
    await press(sb, control, button(control, "Cancel"))
    assert "Cancelled" in control.plain and control.reply_markup is None
    assert await previews.get(local.services.db, 1) is None
    await local.settle()
    assert stories(sb, 510) == [] and await articles.count(local.services.db) == 0


async def test_change_topics_changes_who_gets_it(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 520, "/subscribe us-russia-security")
    await say(sb, 521, "/subscribe energy")
    # Pasted text gets the same preview: Publish keeps the #topic it was given.
    _text, first = await push_preview(sb, f"/push #us-russia-security {STORY}")
    assert "Topics: US–Russia security talks" in first.plain
    await press(sb, first, button(first, "Publish"))
    assert "Published as story #1" in first.plain
    await local.settle()
    assert len(stories(sb, 520)) == 1

    forward = {
        "type": "channel",
        "chat": {"id": -1001, "type": "channel", "title": "Test Channel", "username": "testchan"},
        "message_id": 77,
    }
    text = PAGES["/bridge.html"][0] + "\n\n" + "\n\n".join(PAGES["/bridge.html"][1])
    _story, control = await push_preview(sb, text, forward_origin=forward)
    await press(sb, control, button(control, "Change topics"))
    toggles = buttons(control)
    assert any("Energy" in label for label in toggles)
    await press(sb, control, button(control, "Energy"))
    assert "✅ Energy" in buttons(control)
    for label, data in buttons(control).items():  # everything else off
        if label.startswith("✅") and "Energy" not in label:
            await press(sb, control, data)
    await press(sb, control, button(control, "Done"))
    assert "Topics: Energy" in control.plain
    await press(sb, control, button(control, "Publish"))
    assert "Queued for 1 reader" in control.plain
    await local.settle()
    assert len(stories(sb, 521)) == 1 and len(stories(sb, 520)) == 1
    stored = await articles.get(local.services.db, 2)
    assert stored is not None
    assert stored.url == "https://t.me/testchan/77" and stored.source == "Test Channel"
    assert stored.topics == ("energy",)


async def test_preview_survives_a_restart(tmp_path: Path, site: Site) -> None:
    async with Sandbox() as sb:
        async with LocalBot(tmp_path / "bot.db", sandbox=sb, allow_private_urls=True):
            await say(sb, 530, "/subscribe us-russia-security")
            _story, control = await push_preview(sb, f"/push {site.url('/talks.html')}")
        async with LocalBot(tmp_path / "bot.db", sandbox=sb, allow_private_urls=True) as restarted:
            await press(sb, control, button(control, "Publish"))
            assert "Published as story #1" in control.plain
            await restarted.settle()
            assert len(stories(sb, 530)) == 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/missing.html", "not found"), ("/report.pdf", "not a web page")],
)
async def test_url_failures_get_clear_replies(
    local: LocalBot, site: Site, path: str, expected: str
) -> None:
    reply = await say(local.sandbox, ADMIN_ID, f"/push {site.url(path)}", **EN)
    assert expected in reply.plain
    bad = await say(local.sandbox, ADMIN_ID, "/push ftp://example.org/story.html", **EN)
    assert "http://" in bad.plain
    assert await previews.get(local.services.db, 1) is None


async def test_document_upload_preview_publish_and_refusals(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 540, "/subscribe economy")
    title, paragraphs = PAGES["/harvest.html"]
    body = (title + "\n\n" + "\n\n".join(paragraphs)).encode()
    story, control = await push_preview(
        sb, "/push #economy", document=Upload(body, "harvest.txt", "text/plain")
    )
    assert "barley" in story.plain and "Topics: Economy" in control.plain
    await press(sb, control, button(control, "Publish"))
    await local.settle()
    assert len(stories(sb, 540)) == 1

    pdf = Upload(b"%PDF-1.4\n%binary\n", "report.pdf", "application/pdf")
    refused = await say(sb, ADMIN_ID, "/push", document=pdf, **EN)
    assert "Only .txt, .md and .html" in refused.plain
    # A file sent on its own, then /push as a reply to it.
    title, paragraphs = PAGES["/library.html"]
    markdown = f"# {title}\n\n" + "\n\n".join(paragraphs)
    before = len(sb.messages(ADMIN_ID))
    sent = sb.inject_message(ADMIN_ID, "", document=Upload(markdown.encode(), "mill.md", "x"))
    [hint] = (await sb.wait_for_messages(ADMIN_ID, before + 1))[before:]
    assert "/push" in (hint.text or "")  # the bot says how to publish it
    story, control = await push_preview(
        sb, "/push", reply_to_message_id=sent["message"]["message_id"]
    )
    assert title in story.plain and "#" not in story.plain.split("\n")[0]
    await press(sb, control, button(control, "Cancel"))
    disguised = Upload(b"%PDF-1.4\n%binary\n", "report.txt", "text/plain")
    refused = await say(sb, ADMIN_ID, "/push", document=disguised, **EN)
    assert "not text" in refused.plain
    assert await articles.count(local.services.db) == 1


async def test_feed_add_list_remove(local: LocalBot, site: Site) -> None:
    sb = local.sandbox
    url = site.url("/feed.xml")
    added = await say(sb, ADMIN_ID, f"/feed_add {url} economy", **EN)
    assert "Feed #1 added" in added.plain and "3 stories stored" in added.plain
    assert await articles.count(local.services.db) == 3
    twice = await say(sb, ADMIN_ID, f"/feed_add {url}", **EN)
    assert "already polled" in twice.plain
    listing = await say(sb, ADMIN_ID, "/feeds", **EN)
    assert url in listing.plain and "#1" in listing.plain and "Economy" in listing.plain
    removed = await say(sb, ADMIN_ID, "/feed_remove 1", **EN)
    assert "removed" in removed.plain
    assert await feeds.list_all(local.services.db) == []
    empty = await say(sb, ADMIN_ID, "/feeds", **EN)
    assert "No feeds" in empty.plain


async def test_review_feed_drafts_publish_and_drop(local: LocalBot, site: Site) -> None:
    sb = local.sandbox
    added = await say(sb, ADMIN_ID, f"/feed_add {site.url('/review.xml')} review", **EN)
    assert "2 stories wait for review" in added.plain
    assert await articles.count(local.services.db) == 0
    listing = await say(sb, ADMIN_ID, "/drafts", **EN)
    assert PAGES["/harvest.html"][0] in listing.plain
    await press(sb, listing, button(listing, "Publish #1"))
    assert await articles.count(local.services.db) == 1
    await press(sb, listing, button(listing, "Drop #2"))
    assert "No drafts" in listing.plain
    assert await articles.count(local.services.db) == 1


async def test_review_feed_draft_topics_chosen_before_publishing(
    local: LocalBot, site: Site
) -> None:
    sb = local.sandbox
    await say(sb, 700, "/subscribe energy")
    await say(sb, ADMIN_ID, f"/feed_add {site.url('/review.xml')} review", **EN)
    listing = await say(sb, ADMIN_ID, "/drafts", **EN)
    await press(sb, listing, button(listing, "Topics #1"))
    assert "Topics: from the analysis" in listing.plain  # the feed named none
    await press(sb, listing, button(listing, "Energy"))
    assert "Topics: Energy" in listing.plain and "✅ Energy" in buttons(listing)
    await press(sb, listing, button(listing, "Economy"))
    await press(sb, listing, button(listing, "Economy"))  # a second tap takes it out
    assert "Topics: Energy" in listing.plain
    await press(sb, listing, button(listing, "Done"))
    assert "Drafts waiting for review" in listing.plain
    answer = await press(sb, listing, button(listing, "Publish #1"))
    assert "published as story #1" in str(answer["text"]) and "1 reader" in str(answer["text"])
    story = await articles.get(local.services.db, 1)
    assert story is not None and story.topics == ("energy",)
    await local.settle()
    assert len(stories(sb, 700)) == 1  # the chosen topic's reader got it
    forged = await press(sb, listing, "fd:rg:2:no-such-topic")
    assert "no longer exists" in str(forged["text"])


async def test_non_admin_is_refused_everywhere(local: LocalBot, site: Site) -> None:
    sb = local.sandbox
    commands = [
        f"/push {site.url('/talks.html')}",
        f"/feed_add {site.url('/feed.xml')}",
        "/feed_remove 1",
        *(f"/{name}" for name, _ in ADMIN_COMMANDS),  # every admin command, bare
    ]
    for command in commands:
        reply = await say(sb, 550, command, **EN)
        assert "only the bot's admins" in reply.plain, command
    upload = Upload(b"A story in a file.", "story.txt", "text/plain")
    reply = await say(sb, 550, "/push", document=upload, **EN)
    assert "only the bot's admins" in reply.plain
    assert await articles.count(local.services.db) == 0
    assert await feeds.list_all(local.services.db) == []


def test_every_failure_code_has_its_own_reply() -> None:
    tn = Turn(None, 1, 1, "en", i18n.translator("en"))  # type: ignore[arg-type]
    fetch_codes = [
        fetch.BAD_SCHEME,
        fetch.BAD_URL,
        fetch.NOT_FOUND,
        fetch.HTTP_ERROR,
        fetch.NOT_HTML,
        fetch.TOO_BIG,
        fetch.TOO_SLOW,
        fetch.UNREACHABLE,
        fetch.TOO_MANY_REDIRECTS,
    ]
    errors: list[Exception] = [
        fetch.FetchError(code, "http://x/", "503", 503) for code in fetch_codes
    ]
    errors += [ExtractError("no_text")]
    errors += [FileError(code) for code in ("too_big", "unsupported", "binary", "empty")]
    replies = [error_text(tn, error) for error in errors]
    assert len(set(replies)) == len(replies)
    assert all("{" not in reply for reply in replies)  # every placeholder filled
    assert "503" in replies[fetch_codes.index(fetch.HTTP_ERROR)]
    assert "5 MB" in replies[fetch_codes.index(fetch.TOO_BIG)]
    assert "1024 KB" in error_text(tn, FileError("too_big"))
    # An unknown code still says what happened instead of failing.
    assert "weird" in error_text(tn, fetch.FetchError("weird", "http://x/"))
