"""Search from Telegram: /search with paging, /latest, /article, inline mode, keyword
watches delivered and removed — the real bot against the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.sandbox import Sandbox, SentMessage
from bot.stories import Draft
from handlers import inline
from tests.e2e import STORY, html, say, stories

# These tests push text as set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}

PRICE_STORY = (
    STORY + "\n\n«Це означає, що Кремлю теж доведеться щось робити для гарантування нашої"
    " безпеки», — сказав речник Держдепартаменту Нед Прайс."
)
IRAN_STORY = (
    "Іран відповів на пропозицію щодо ядерної угоди\n\n"
    "Тегеран надіслав відповідь на європейський проєкт ядерної угоди. Речник Держдепартаменту"
    " Нед Прайс сказав, що Вашингтон вивчає документ і відповість найближчими днями."
)
CITIES = ("Києві", "Львові", "Одесі", "Харкові", "Дніпрі", "Полтаві", "Черкасах", "Ужгороді")


# A reader here sends commands back to back; flood limits are tested elsewhere and
# would only add retry waits (settle() does not wait for a retry).
LOCAL_LIMITS = False


async def seed(local: LocalBot, count: int) -> list[int]:
    """Stories about rockets in different cities, stored without delivery (fast)."""
    ids = []
    for i in range(count):
        city = CITIES[i % len(CITIES)]
        text = (
            f"У {city} обговорили ракети, випуск {i}\n\n"
            f"Експерти в {city} говорили про ракети середньої дальності. Випуск номер {i}."
        )
        published = await local.services.stories.publish(Draft(text=text), deliver=False)
        ids.append(published.article_id)
    return ids


def buttons(message: SentMessage) -> list[dict[str, Any]]:
    markup = message.reply_markup or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


def data_of(message: SentMessage, prefix: str) -> list[str]:
    return [
        str(b["callback_data"])
        for b in buttons(message)
        if b.get("callback_data", "").startswith(prefix)
    ]


async def press(sb: Sandbox, chat: int, message: SentMessage, data: str) -> None:
    edits = len(message.edits)
    sb.inject_callback(chat, chat, message.message_id, data)
    await sb.wait_until(lambda: _edited(sb, chat, message.message_id, edits))


def _edited(sb: Sandbox, chat: int, message_id: int, edits: int) -> bool:
    found = [m for m in sb.messages(chat) if m.message_id == message_id]
    return bool(found) and len(found[0].edits) > edits


def current(sb: Sandbox, chat: int, message_id: int) -> SentMessage:
    return next(m for m in sb.messages(chat) if m.message_id == message_id)


async def test_search_finds_pushed_story_by_inflected_word(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, ADMIN_ID, f"/push {STORY}")
    reply = await say(sb, 50, "/search ракета", language_code="en")
    assert "Results 1–1" in reply.plain
    # the story says "ракет": the original word is shown, marked
    assert "<b>ракет</b>" in html(reply)
    assert "/article_1" in reply.plain
    assert reply.reply_markup is None  # one page: no paging buttons


async def test_search_paging_buttons_move_between_pages(local: LocalBot) -> None:
    sb = local.sandbox
    await seed(local, 7)
    first = await say(sb, 51, "/search ракета", language_code="en")
    assert "Results 1–5" in first.plain
    [forward] = data_of(first, "sp:")
    assert re.fullmatch(r"sp:1:[a-z0-9]+", forward) and len(forward.encode()) <= 64
    assert "ракета" not in forward  # the query lives in storage, not in the button
    shown_first = set(re.findall(r"/article_(\d+)", first.plain))

    await press(sb, 51, first, forward)
    second = current(sb, 51, first.message_id)
    assert "Results 6–7" in second.plain
    shown_second = set(re.findall(r"/article_(\d+)", second.plain))
    assert len(shown_second) == 2 and not shown_first & shown_second
    [back] = data_of(second, "sp:")  # last page: only "previous"
    assert back.startswith("sp:0:")

    await press(sb, 51, second, back)
    again = current(sb, 51, first.message_id)
    assert set(re.findall(r"/article_(\d+)", again.plain)) == shown_first


async def test_a_second_tap_on_the_page_shown_is_not_an_error(local: LocalBot) -> None:
    # The edit would change nothing, and Telegram refuses such an edit.
    sb = local.sandbox
    await seed(local, 7)
    first = await say(sb, 54, "/search ракета", language_code="en")
    [forward] = data_of(first, "sp:")
    await press(sb, 54, first, forward)
    again = sb.inject_callback(54, 54, first.message_id, forward)
    await sb.wait_until(lambda: sb.callback_answer(again) is not None)
    await say(sb, 54, "/start", language_code="en")  # a chat's updates are handled in order
    assert not [m for m in sb.messages(54) if "went wrong" in m.plain]
    assert "Results 6–7" in current(sb, 54, first.message_id).plain


async def test_search_stale_key_asks_to_search_again(local: LocalBot) -> None:
    sb = local.sandbox
    reply = await say(sb, 52, "/start", language_code="en")
    query_id = sb.inject_callback(52, 52, reply.message_id, "sp:1:zzzzzzzzzzzz")
    await sb.wait_until(lambda: sb.callback_answer(query_id) is not None)
    answer = sb.callback_answer(query_id)
    assert answer is not None and "/search" in answer["text"]


@pytest.mark.parametrize(
    "query",
    ['"( NEAR OR * ^', "AND NOT", "-Іран", "topic:nato", "😀" * 50, "x" * 3000, ")))*:^"],
)
async def test_any_search_input_gets_a_reply(local: LocalBot, query: str) -> None:
    sb = local.sandbox
    await seed(local, 1)
    reply = await say(sb, 53, f"/search {query}", language_code="en")
    assert reply.plain.strip()
    assert "Traceback" not in reply.plain and "error" not in reply.plain.lower()


async def test_empty_search_explains_the_query_language(local: LocalBot) -> None:
    sb = local.sandbox
    empty = await say(sb, 54, "/search", language_code="en")
    assert "Examples" in empty.plain and "-Іран" in empty.plain and "from:" in empty.plain
    symbols = await say(sb, 54, "/search *** ^^", language_code="en")
    assert "no word to look for" in symbols.plain and "Examples" in symbols.plain
    nothing = await say(sb, 54, "/search бегемот", language_code="en")
    assert "Nothing found" in nothing.plain


async def test_latest_with_and_without_topic(local: LocalBot) -> None:
    sb = local.sandbox
    none_yet = await say(sb, 55, "/latest", language_code="en")
    assert "No stories yet" in none_yet.plain
    await say(sb, ADMIN_ID, f"/push #energy {STORY}")
    ids = await seed(local, 2)
    everything = await say(sb, 55, "/latest", language_code="en")
    listed = re.findall(r"/article_(\d+)", everything.plain)
    assert listed[:2] == [str(ids[1]), str(ids[0])]  # newest first
    assert len(listed) == 3
    energy = await say(sb, 55, "/latest energy", language_code="en")
    assert re.findall(r"/article_(\d+)", energy.plain) == ["1"]
    unknown = await say(sb, 55, "/latest us-russia", language_code="en")
    assert "US–Russia security talks" in unknown.plain and "/article_" not in unknown.plain
    assert "us-russia-security" not in unknown.plain  # names, not internal ids


async def test_article_command_and_link(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, ADMIN_ID, f"/push {STORY}")
    story = await say(sb, 56, "/article 1", language_code="en")
    assert story.parse_mode == "HTML" and "Шерман" in story.plain
    assert "full:1" in data_of(story, "full:")
    assert "🔎" not in story.plain and "📌" not in story.plain  # requested: no "why" line
    linked = await say(sb, 56, "/article_1", language_code="en")
    assert linked.text == story.text
    missing = await say(sb, 56, "/article_999", language_code="en")
    assert "no story №999" in missing.plain
    which = await say(sb, 56, "/article", language_code="en")
    assert "/article 12" in which.plain


async def test_inline_query_pages_and_posts_the_story(
    local: LocalBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = local.sandbox
    monkeypatch.setattr(inline, "PAGE_SIZE", 2)
    ids = await seed(local, 3)

    async def answer(query: str, offset: str = "") -> dict[str, Any]:
        query_id = sb.inject_inline_query(57, query, offset)
        await sb.wait_until(lambda: sb.inline_answers(query_id) is not None)
        found = sb.inline_answers(query_id)
        assert found is not None
        return found

    first = await answer("ракетами")
    assert len(first["results"]) == 2 and first["next_offset"] == "2"
    result = first["results"][0]
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML" and "ракети" in content["message_text"]
    assert "ракети" in result["description"] and "<b>" not in result["description"]
    second = await answer("ракетами", first["next_offset"])
    assert len(second["results"]) == 1 and second["next_offset"] == ""
    seen = {r["id"] for r in first["results"] + second["results"]}
    assert seen == {str(i) for i in ids}

    newest = await answer("")
    assert [r["id"] for r in newest["results"]] == [str(ids[2]), str(ids[1])]
    assert newest["next_offset"] == "2"
    symbols = await answer("*** ^^ ()")
    assert len(symbols["results"]) == 2  # nothing to search for: the newest stories
    odd = await answer('"( NEAR *')  # FTS syntax is searched as words, never run
    assert odd["results"] == [] and odd["next_offset"] == ""


async def test_keyword_watch_delivered_once_with_why_line_and_unwatch(local: LocalBot) -> None:
    sb = local.sandbox
    added = await say(sb, 60, "/subscribe Прайс -Іран", language_code="en")
    assert "Прайс" in added.plain and "Іран" in added.plain
    again = await say(sb, 60, "/subscribe Прайс -Іран", language_code="en")
    assert "already" in again.plain
    # a reader who follows the topic and watches the word gets the story once
    await say(sb, 61, "/subscribe us-russia-security")
    await say(sb, 61, "/subscribe Прайс")
    listing = await say(sb, 60, "/mysubs", language_code="en")
    assert "Прайс -Іран" in listing.plain
    assert len(data_of(listing, "unw:")) == 1

    await say(sb, ADMIN_ID, f"/push {PRICE_STORY}")
    await local.settle()
    [story] = stories(sb, 60)
    assert "🔎" in story.plain and "Прайс" in story.plain.split("🔎")[1]
    [unwatch] = data_of(story, "unw:")
    assert len(stories(sb, 61)) == 1

    await say(sb, ADMIN_ID, f"/push {IRAN_STORY}")
    await local.settle()
    assert len(stories(sb, 60)) == 1  # excluded word: not delivered
    assert len(stories(sb, 61)) == 2  # the same word without the exclusion: delivered

    query_id = sb.inject_callback(60, 60, story.message_id, unwatch)
    await sb.wait_until(lambda: sb.callback_answer(query_id) is not None)
    answer = sb.callback_answer(query_id)
    assert answer is not None and "no longer watch" in answer["text"]
    assert await local.services.watches.of_chat(60) == []
    empty = await say(sb, 60, "/mysubs", language_code="en")
    assert "nothing" in empty.plain


async def test_mysubs_remove_button_and_unsubscribe_words(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 62, "/subscribe ракета", language_code="en")
    await say(sb, 62, '/subscribe "гарантії безпеки"', language_code="en")
    listing = await say(sb, 62, "/mysubs", language_code="en")
    first, second = data_of(listing, "unw:")
    await press(sb, 62, listing, first)
    edited = current(sb, 62, listing.message_id)
    assert "ракета" not in edited.plain and "гарантії безпеки" in edited.plain
    assert data_of(edited, "unw:") == [second]
    gone = await say(sb, 62, '/unsubscribe "гарантії безпеки"', language_code="en")
    assert "no longer watch" in gone.plain
    assert await local.services.watches.of_chat(62) == []


async def test_more_like_this_uses_the_story_words(local: LocalBot) -> None:
    sb = local.sandbox
    ids = await seed(local, 3)
    start = await say(sb, 63, "/start", language_code="en")
    sb.inject_callback(63, 63, start.message_id, f"more:{ids[0]}")
    [*_, similar] = await sb.wait_for_messages(63, 2)
    listed = re.findall(r"/article_(\d+)", similar.plain)
    assert str(ids[0]) not in listed and set(listed) == {str(ids[1]), str(ids[2])}


async def test_results_full_of_matches_stay_within_entity_limit(local: LocalBot) -> None:
    sb = local.sandbox
    for i in range(5):
        text = f"Ракети ракети ракети {CITIES[i]}\n\n" + "Ракети, ракети і ракети. " * 40
        await local.services.stories.publish(Draft(text=text), deliver=False)
    reply = await say(sb, 64, "/search ракета", language_code="en")
    assert "Results 1–5" in reply.plain
    assert reply.entity_count <= 100
