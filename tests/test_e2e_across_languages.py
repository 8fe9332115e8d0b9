"""Across languages (issue 14): names match across scripts in search and keyword
watches (Price ↔ Прайс, Blinken ↔ Блінкен ↔ Блинкен), results say the story's language,
and an English reader's empty search is offered the same words in Ukrainian/Russian when
those find stories — unit checks of the spellings, then the bot over the sandbox."""

from __future__ import annotations

import re

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.news.names import spellings
from bot.search.glossary import alternatives
from bot.stories import Draft
from tests.e2e import STORY, buttons, say, stories

LOCAL_LIMITS = False
# The text push is set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}
READER = 7301
PRICE_STORY = (
    STORY + "\n\n«Це означає, що Кремлю теж доведеться щось робити для гарантування нашої"
    " безпеки», — сказав речник Держдепартаменту Нед Прайс."
)
BLINKEN_STORY = (
    "Блінкен зустрівся з Лавровим у Женеві\n\n"
    "Держсекретар США Ентоні Блінкен провів переговори з міністром закордонних справ Росії"
    " Сергієм Лавровим у Женеві. Сторони обговорили гарантії безпеки."
)
RU_STORY = (
    "Блинкен прибыл в Женеву\n\n"
    "Госсекретарь США Энтони Блинкен прибыл в Женеву на переговоры о гарантиях безопасности"
    " с министром иностранных дел России."
)


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Price", "Прайс"),
        ("Прайс", "Price"),
        ("Прайса", "Price"),
        ("Blinken", "Блінкен"),
        ("Blinken", "Блинкен"),
        ("Блінкен", "Blinken"),
        ("Блинкен", "Блінкен"),
        ("Lavrov", "Лавров"),
    ],
)
def test_names_have_their_other_spellings(name: str, other: str) -> None:
    assert other in spellings(name)


def test_a_lowercase_english_word_is_not_a_name() -> None:
    assert spellings("price") == ()  # the noun, not Ned Price


def test_english_words_translate_for_the_search_offer() -> None:
    offers = dict(alternatives("security guarantees"))
    assert offers == {"uk": "безпека гарантії", "ru": "безопасность гарантии"}
    assert alternatives("pizza recipe") == []  # a word the glossary lacks: no offer
    assert alternatives("безпека") == []  # already in Cyrillic


async def test_search_finds_names_across_scripts_and_says_the_language(local: LocalBot) -> None:
    publish = local.services.stories.publish
    price = await publish(Draft(text=PRICE_STORY), deliver=False)
    blinken = await publish(Draft(text=BLINKEN_STORY), deliver=False)
    russian = await publish(Draft(text=RU_STORY), deliver=False)
    sb = local.sandbox
    found = await say(sb, READER, "/search Price", language_code="en")
    assert re.findall(r"/article_(\d+)", found.plain) == [str(price.article_id)]
    assert "in Ukrainian" in found.plain
    found = await say(sb, READER, "/search Blinken", language_code="en")
    ids = set(re.findall(r"/article_(\d+)", found.plain))
    assert ids == {str(blinken.article_id), str(russian.article_id)}
    assert "in Ukrainian" in found.plain and "in Russian" in found.plain
    found = await say(sb, READER, "/search Блинкен", language_code="uk")  # Russian spelling
    assert str(blinken.article_id) in set(re.findall(r"/article_(\d+)", found.plain))
    assert "українською" in found.plain


async def test_a_keyword_watch_matches_a_name_in_another_script(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, READER, "/subscribe Blinken", language_code="en")
    await say(sb, ADMIN_ID, f"/push {BLINKEN_STORY}")
    await local.settle()
    [delivered] = stories(sb, READER)
    assert "Блінкен" in delivered.plain


async def test_an_english_readers_empty_search_offers_ukrainian(local: LocalBot) -> None:
    await local.services.stories.publish(Draft(text=STORY), deliver=False)
    sb = local.sandbox
    reply = await say(sb, READER, "/search security guarantees", language_code="en")
    assert "Nothing found" in reply.plain
    assert "In Ukrainian, “безпека гарантії” finds 1 story." in reply.plain
    [button] = buttons(reply)
    assert button["text"] == "🔎 безпека гарантії"
    sb.inject_callback(READER, READER, reply.message_id, button["callback_data"])
    await local.settle()
    assert "/article_1" in sb.messages(READER)[-1].plain  # the same message, now results
    uk = await say(sb, READER + 1, "/search security guarantees", language_code="uk")
    assert "безпека гарантії" not in uk.plain  # the offer is for English readers
