"""A bot that always answers (issue 14): plain text in a private chat is a search with a
one-line hint, an unknown command gets a short help — over the sandbox, in uk and en."""

from __future__ import annotations

from bot.harness import LocalBot
from bot.stories import Draft
from tests.e2e import STORY, say

READER = 4101
LOCAL_LIMITS = False


async def test_plain_text_is_a_search_with_a_hint(local: LocalBot) -> None:
    published = await local.services.stories.publish(Draft(text=STORY), deliver=False)
    reply = await say(local.sandbox, READER, "гарантії безпеки", language_code="en")
    assert "I searched the stories for your words" in reply.plain
    assert f"/article_{published.article_id}" in reply.plain
    assert reply.parse_mode == "HTML"
    uk = await say(local.sandbox, READER + 1, "гарантія", language_code="uk")
    assert "пошукав" in uk.plain and f"/article_{published.article_id}" in uk.plain
    await local.settle()
    assert len(local.sandbox.messages(READER)) == 1  # one answer, not a hint and a search


async def test_plain_text_that_finds_nothing_still_gets_an_answer(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "hello there", language_code="en")
    assert "I searched the stories" in reply.plain and "Nothing found" in reply.plain
    symbols = await say(local.sandbox, READER, "!!! ???", language_code="en")
    assert "no word to look for" in symbols.plain


async def test_an_unknown_command_gets_a_short_help(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "/frobnicate now", language_code="en")
    assert "/frobnicate" in reply.plain and "/search" in reply.plain and "/help" in reply.plain
    assert "now" not in reply.plain.replace("know", "")
    uk = await say(local.sandbox, READER, "/щось", language_code="uk")
    assert "Я не знаю команди" in uk.plain
