"""Hostile input from readers and admins: every update answered, nothing half-stored,
numbers parsed with bounds, replies that always fit (issue 12, failures 6, 7 and 9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from benchmarks.hostile_catalogue import (
    FORGED,  # one list of forged buttons for the test and the benchmark
)
from bot.harness import ADMIN_ID, LocalBot
from bot.inputs import has_content, parse_id, parse_offset, strip_surrogates, words
from bot.replies import TEXT_LIMIT, fit
from bot.tghtml import utf16_len
from storage import articles, feeds
from tests.e2e import STORY, say, stories

READER = 2001


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("#12", 12),
        (" 7 ", 7),
        ("-1", None),
        ("0", None),
        ("1e9", None),
        ("²", None),  # a digit to str.isdigit, not to int()
        ("١٢", None),  # Arabic-Indic digits
        ("9" * 30, None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_bounds(text: str | None, value: int | None) -> None:
    assert parse_id(text) == value


def test_parse_offset_bounds() -> None:
    assert parse_offset("²", high=100) == 0
    assert parse_offset("40", high=100) == 40
    assert parse_offset("9" * 40, high=100) == 0
    assert parse_offset("500", high=100) == 100


@pytest.mark.parametrize(
    "text", ["😀", '"' * 1000, "...", "1", "\u200b" * 20, "!!! ??? 123 456", "—"]
)
def test_content_free_text(text: str) -> None:
    assert not has_content(text)


def test_real_sentences_have_content() -> None:
    assert has_content("Путін сказав ні.")
    assert has_content(STORY)


def test_format_characters_do_not_split_words() -> None:
    # A zero-width space, a soft hyphen, a BOM or a direction mark inside a word
    # leaves one word; between words it is no word of its own.
    assert words("Пу\u200bтін ска\u00adзав \ufeff\u200e ні") == ["Путін", "сказав", "ні"]
    assert not has_content("ab\u200bcd\u200bef\u200bgh\u200bij")  # one word
    assert has_content("ab\u2060cd ef\u00adgh ij")


def test_content_anywhere_in_a_long_text() -> None:
    # has_content reads a long text's opening first; what comes later still counts.
    assert has_content("…" * 2000 + " Путін сказав ні.")
    assert has_content("Пу" + "\u200b" * 2000 + "тін сказав ні")
    assert not has_content("— " * 2000 + "1 2 3 ab")


def test_lone_surrogates_removed() -> None:
    assert strip_surrogates("a\ud800b\udfffc") == "abc"
    assert strip_surrogates("😀") == "😀"


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[LocalBot]:
    # Text pushes publish at once here (PUSH_TEXT_IMMEDIATE): these tests are about input.
    async with LocalBot(tmp_path / "bot.db", push_text_immediate=True) as running:
        sb = running.sandbox
        sb.inject_message(READER, "/start")
        await sb.wait_for_messages(READER, 1)
        sb.inject_message(READER, "/subscribe us-russia-security")
        await sb.wait_for_messages(READER, 2)
        yield running


@pytest.mark.parametrize(
    "body",
    [
        "😀",
        '"' * 1000,
        "...",
        "1",
        "\u200b\u200b\u200b\u200b",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "#us-russia-security 😀",
    ],
)
async def test_content_free_push_is_refused_and_nothing_stored(local: LocalBot, body: str) -> None:
    reply = await say(local.sandbox, ADMIN_ID, f"/push {body}", language_code="en")
    assert reply.text is not None
    assert "nothing was stored" in reply.text or "http" in reply.text
    assert await articles.count(local.services.db) == 0
    await local.settle()
    assert stories(local.sandbox, READER) == []


async def test_two_hundred_tags_report_success(local: LocalBot) -> None:
    tags = " ".join(["#us-russia-security"] * 200)
    reply = await say(local.sandbox, ADMIN_ID, f"/push {tags} {STORY}", language_code="en")
    assert reply.text is not None and reply.text.startswith("Published story #1")
    assert await articles.count(local.services.db) == 1


async def test_many_unknown_tags_get_a_reply_that_fits(local: LocalBot) -> None:
    tags = " ".join(f"#no-such-topic-{n}" for n in range(300))
    reply = await say(local.sandbox, ADMIN_ID, f"/push {tags} {STORY}", language_code="en")
    assert reply.text is not None and "Nothing was published" in reply.text
    assert await articles.count(local.services.db) == 0


async def test_long_feed_url_refused_and_feeds_still_listed(local: LocalBot) -> None:
    url = "https://news.example/" + "a" * 4000
    reply = await say(local.sandbox, ADMIN_ID, f"/feed_add {url}", language_code="en")
    assert reply.text is not None and "valid link" in reply.text
    assert await feeds.list_all(local.services.db) == []
    listed = await say(local.sandbox, ADMIN_ID, "/feeds", language_code="en")
    assert listed.text


@pytest.mark.parametrize("command", ["/article -1", "/article 1e9", "/article ²", "/article_-1"])
async def test_bad_story_numbers_get_usage_not_story_one(local: LocalBot, command: str) -> None:
    await say(local.sandbox, ADMIN_ID, f"/push {STORY}")
    await local.settle()  # the story itself has reached the reader
    reply = await say(local.sandbox, READER, command, language_code="en")
    assert reply.text is not None
    assert "Which story?" in reply.text or "/help" in reply.text
    assert "Женеві" not in reply.text


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/retry ²", "Usage: /retry"),
        ("/feed_remove 99999999999999999999999", "Usage: /feed_remove"),
        ("/feed_remove ²", "Usage: /feed_remove"),
    ],
)
async def test_admin_numbers_with_bounds(local: LocalBot, command: str, usage: str) -> None:
    reply = await say(local.sandbox, ADMIN_ID, command, language_code="en")
    assert reply.text is not None and reply.text.startswith(usage)


async def test_inline_offset_that_is_no_number(local: LocalBot) -> None:
    await say(local.sandbox, ADMIN_ID, f"/push {STORY}")
    await local.settle()
    query = local.sandbox.inject_inline_query(READER, "гарантії", offset="²")
    await local.settle()
    answer = local.sandbox.inline_answers(query)
    assert answer is not None and answer["results"]


async def test_lone_surrogate_in_a_message_is_handled(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "/search гарантії\ud800", language_code="en")
    assert reply.text is not None and "Something went wrong" not in reply.text


async def test_unknown_command_points_to_help(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "/nonsense", language_code="en")
    assert reply.text is not None and "/help" in reply.text


async def test_every_forged_button_is_answered(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, ADMIN_ID, f"/push {STORY}")
    await local.settle()
    [story] = stories(sb, READER)
    ids = [sb.inject_callback(READER, READER, story.message_id, data) for data in FORGED]
    ids += [
        sb.inject_callback(ADMIN_ID, ADMIN_ID, sb.messages(ADMIN_ID)[-1].message_id, d)
        for d in FORGED
    ]
    await local.settle()
    pressed = zip(ids, FORGED + FORGED, strict=True)
    unanswered = [data for query, data in pressed if sb.callback_answer(query) is None]
    assert unanswered == []


def test_replies_are_shortened_to_fit() -> None:
    plain = {"text": "Опубліковано. " * 600}
    fit(plain, "text", TEXT_LIMIT)
    assert 0 < utf16_len(plain["text"]) <= TEXT_LIMIT and plain["text"].endswith("…")
    html = {"text": "<b>" + "слово " * 1000 + "</b>", "parse_mode": "HTML"}
    fit(html, "text", TEXT_LIMIT)
    assert "parse_mode" not in html and "<b>" not in html["text"]
    assert utf16_len(html["text"]) <= TEXT_LIMIT
    short = {"text": "<b>ok</b>", "parse_mode": "HTML"}
    fit(short, "text", TEXT_LIMIT)
    assert short == {"text": "<b>ok</b>", "parse_mode": "HTML"}
