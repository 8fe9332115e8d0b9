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
    assert "I searched the stories for your words" in reply.text
    assert f"/article_{published.article_id}" in reply.text
    assert reply.parse_mode == "HTML"
    uk = await say(local.sandbox, READER + 1, "гарантія", language_code="uk")
    assert "пошукав" in uk.text and f"/article_{published.article_id}" in uk.text
    await local.settle()
    assert len(local.sandbox.messages(READER)) == 1  # one answer, not a hint and a search


async def test_plain_text_that_finds_nothing_still_gets_an_answer(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "hello there", language_code="en")
    assert "I searched the stories" in reply.text and "Nothing found" in reply.text
    symbols = await say(local.sandbox, READER, "!!! ???", language_code="en")
    assert "no word to look for" in symbols.text


async def test_an_unknown_command_gets_a_short_help(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "/frobnicate now", language_code="en")
    assert "/frobnicate" in reply.text and "/search" in reply.text and "/help" in reply.text
    assert "now" not in reply.text.replace("know", "")
    uk = await say(local.sandbox, READER, "/щось", language_code="uk")
    assert "Я не знаю команди" in uk.text
