"""Topics by their names (issue 14): suggestions come from topic names, synonyms and
related words in any language (never from letters that look alike), as buttons with
names only; a word that names a topic follows it, with a button to watch the words
instead — the catalog, then the bot over the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from bot.harness import LocalBot
from bot.topics import TopicCatalog
from tests.e2e import say

READER = 4301
LOCAL_LIMITS = False


@pytest.fixture(scope="module")
def catalog() -> TopicCatalog:
    return TopicCatalog.load()


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("безпека", "us-russia-security"),
        ("Ned Price", "us-russia-security"),
        ("Прайс", "us-russia-security"),
        ("безопасность", "us-russia-security"),
        ("фронт", "ukraine-war"),
        ("inflation", "economy"),
        ("ekonomy", "economy"),  # a typo of a name still finds it
    ],
)
def test_suggestions_come_from_names_and_words(
    catalog: TopicCatalog, typed: str, topic: str
) -> None:
    close = [t.id for t in catalog.closest(typed)]
    assert close and close[0] == topic
    assert "energy" not in close


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("війна", "ukraine-war"),
        ("війни", "ukraine-war"),  # the lemmatizer's first reading is a verb (війнути)
        ("the war", "ukraine-war"),
        ("War in Ukraine", "ukraine-war"),
        ("гарантій безпеки", "us-russia-security"),  # an inflected synonym
        ("arms control", "us-russia-security"),
        ("альянс", "nato"),
        ("economy", "economy"),
    ],
)
def test_a_name_or_synonym_names_the_topic(catalog: TopicCatalog, typed: str, topic: str) -> None:
    named = catalog.named_by(typed)
    assert named is not None and named.id == topic


@pytest.mark.parametrize(
    "typed", ["Прайс", "безпека", '"гарантії безпеки"', "війна -Київ", "ракета"]
)
def test_other_words_name_no_topic(catalog: TopicCatalog, typed: str) -> None:
    assert catalog.named_by(typed) is None  # a keyword watch, not a topic


def _buttons(message: Any) -> list[dict[str, str]]:
    markup = message.reply_markup or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


async def test_words_get_a_watch_and_topic_buttons_with_names_only(local: LocalBot) -> None:
    sb = local.sandbox
    reply = await say(sb, READER, "/subscribe безпека", language_code="uk")
    assert "безпека" in reply.plain  # the watch is saved
    labels = [b["text"] for b in _buttons(reply)]
    assert labels == ["➕ Переговори США і Росії з безпеки"]
    assert "us-russia-security" not in reply.plain and "Енергетика" not in reply.plain

    price = await say(sb, READER + 1, "/subscribe Ned Price", language_code="en")
    labels = [b["text"] for b in _buttons(price)]
    assert labels == ["➕ US–Russia security talks"] and "Energy" not in price.plain
    # a tap follows the topic and ticks its button in place (the others are not added)
    sb.inject_callback(
        READER + 1, READER + 1, price.message_id, _buttons(price)[0]["callback_data"]
    )
    await local.settle()
    assert await local.services.readers.topics_of(READER + 1) == ["us-russia-security"]
    edited = sb.messages(READER + 1)[-1]
    assert [b["text"] for b in _buttons(edited)] == ["✅ US–Russia security talks"]
    assert [w.query for w in await local.services.watches.of_chat(READER + 1)] == ["Ned Price"]


async def test_a_word_that_names_a_topic_follows_it_and_can_be_a_watch(local: LocalBot) -> None:
    sb = local.sandbox
    reply = await say(sb, READER, "/subscribe війна", language_code="uk")
    assert "«війна» — це тема «Війна в Україні»" in reply.plain
    assert await local.services.readers.topics_of(READER) == ["ukraine-war"]
    assert await local.services.watches.of_chat(READER) == []
    [button] = _buttons(reply)
    assert "війна" in button["text"]
    sb.inject_callback(READER, READER, reply.message_id, button["callback_data"])
    await local.settle()
    assert await local.services.readers.topics_of(READER) == []
    assert [w.query for w in await local.services.watches.of_chat(READER)] == ["війна"]
    assert "війна" in sb.messages(READER)[-1].plain  # the message says what it watches now
    assert sb.callback_answers[-1]["callback_query_id"]

    en = await say(sb, READER + 2, "/subscribe the war", language_code="en")
    assert "names the topic “War in Ukraine”" in en.plain


async def test_latest_suggests_topics_by_name(local: LocalBot) -> None:
    reply = await say(local.sandbox, READER, "/latest безпека", language_code="en")
    assert "/latest US–Russia security talks" in reply.plain
    assert "us-russia-security" not in reply.plain
