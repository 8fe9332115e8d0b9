"""The sandbox's sendPhoto and link previews through a real python-telegram-bot client:
a photo by URL or file_id, its caption as Telegram reads it (HTML or caption_entities,
1024 UTF-16 units after parsing), a URL Telegram cannot use, and link_preview_options
checked and recorded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, LinkPreviewOptions, MessageEntity
from telegram.error import BadRequest

from bot.outcomes import MediaRefused, classify
from bot.sandbox import Sandbox
from bot.sender_http import SEND_PHOTO, AiohttpRequest, prepare, prepare_photo, send_prepared

USER = 42
SANDBOX_LIMITS = False  # the conftest sandbox: no flood limits, USER registered
SANDBOX_CHATS = (USER,)
PHOTO = "https://img.example.com/lead.jpg"


async def raw(sandbox: Sandbox, method: str, params: dict[str, object]) -> dict[str, object]:
    """A Bot API call as JSON, the answer as Telegram words it (no client rewording)."""
    url = f"{sandbox.base_url}{sandbox.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        answer: dict[str, object] = await response.json()
        return answer


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    async with Bot(
        sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url
    ) as client:
        yield client


async def test_a_photo_by_url_then_by_its_file_id(sandbox: Sandbox, bot: Bot) -> None:
    sent = await bot.send_photo(USER, PHOTO, caption="<b>Harbour</b> reopens", parse_mode="HTML")
    assert sent.photo and sent.caption == "Harbour reopens"
    assert [(e.type, e.offset, e.length) for e in sent.caption_entities] == [("bold", 0, 7)]
    again = await bot.send_photo(USER, sent.photo[-1].file_id, caption="again")
    first, second = sandbox.messages(USER)
    assert (first.kind, first.photo, first.caption) == ("photo", PHOTO, "<b>Harbour</b> reopens")
    assert first.entities == [{"type": "bold", "offset": 0, "length": 7}]
    assert second.photo == sent.photo[-1].file_id and again.photo[-1].file_id == second.file_id


async def test_caption_limit_counts_after_parsing(sandbox: Sandbox, bot: Bot) -> None:
    # Markup does not count, a reference counts 1, an astral character 2.
    await bot.send_photo(USER, PHOTO, caption="<i>" + "&lt;" * 1022 + "😀</i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(
            USER, PHOTO, caption="<i>" + "&lt;" * 1023 + "😀</i>", parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_photo(USER, PHOTO, caption="<b>open", parse_mode="HTML")
    assert len(sandbox.messages(USER)) == 1


async def test_caption_entities_instead_of_parse_mode(sandbox: Sandbox, bot: Bot) -> None:
    sent = await bot.send_photo(
        USER,
        PHOTO,
        caption="<i>as typed</i> text",
        caption_entities=[MessageEntity("bold", 0, 3), MessageEntity("italic", 17, 50)],
    )
    assert sent.caption == "<i>as typed</i> text"  # no markup parsed
    assert [(e.type, e.offset, e.length) for e in sent.caption_entities] == [
        ("bold", 0, 3),
        ("italic", 17, 3),  # cut at the end of the text, as Telegram fixes it
    ]
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(
            USER, PHOTO, caption="x" * 1025, caption_entities=[MessageEntity("bold", 0, 1)]
        )
    answer = await raw(
        sandbox,
        "sendPhoto",
        {
            "chat_id": USER,
            "photo": PHOTO,
            "caption": "x",
            "caption_entities": json.dumps([{"type": "sparkles", "offset": 0, "length": 1}]),
        },
    )
    assert answer["error_code"] == 400
    assert str(answer["description"]).startswith("Bad Request: can't parse MessageEntity")


async def test_a_photo_url_telegram_cannot_use(sandbox: Sandbox, bot: Bot) -> None:
    sandbox.refuse_photo_url(PHOTO)
    with pytest.raises(BadRequest, match=r"(?i)wrong type of the web page content") as refused:
        await bot.send_photo(USER, PHOTO, caption="x")
    assert isinstance(classify(refused.value), MediaRefused)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier/HTTP URL specified") as bad:
        await bot.send_photo(USER, "no-such-file-id")
    assert isinstance(classify(bad.value), MediaRefused)
    assert sandbox.messages(USER) == []


async def test_link_preview_options_are_checked_and_recorded(sandbox: Sandbox, bot: Bot) -> None:
    options = LinkPreviewOptions(url=PHOTO, prefer_large_media=True, show_above_text=True)
    sent = await bot.send_message(
        USER, "<b>Story</b>", parse_mode="HTML", link_preview_options=options
    )
    assert sent.link_preview_options == options
    [record] = sandbox.messages(USER)
    assert record.link_preview_options == {
        "url": PHOTO,
        "prefer_large_media": True,
        "show_above_text": True,
    }
    for value, error in (
        ("abc", "can't parse link preview options JSON object"),
        ("[]", "object expected as link preview options"),
        ('{"is_disabled": "1"}', 'field "is_disabled" must be of type Boolean'),
        ('{"url": 5}', 'field "url" must be of type String'),
    ):
        answer = await raw(
            sandbox, "sendMessage", {"chat_id": USER, "text": "x", "link_preview_options": value}
        )
        assert answer == {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
    assert len(sandbox.messages(USER)) == 1


async def test_prepared_photo_and_preview_bodies(sandbox: Sandbox) -> None:
    async with Bot(sandbox.token, base_url=sandbox.base_url, request=AiohttpRequest()) as fast:
        photo_id = await send_prepared(
            fast, USER, prepare_photo(PHOTO, "<b>Story</b>"), method=SEND_PHOTO
        )
        text_id = await send_prepared(fast, USER, prepare("<b>Long</b>", preview_image=PHOTO))
        sandbox.refuse_photo_url(
            "https://img.example.com/page.html", "failed to get HTTP URL content"
        )
        with pytest.raises(BadRequest, match=r"(?i)failed to get http url content"):
            await send_prepared(
                fast,
                USER,
                prepare_photo("https://img.example.com/page.html", "x"),
                method=SEND_PHOTO,
            )
    photo, text = sandbox.messages(USER)
    assert (photo.message_id, photo.kind, photo.photo, photo.plain) == (
        photo_id,
        "photo",
        PHOTO,
        "Story",
    )
    assert (text.message_id, text.kind, text.link_preview_options) == (
        text_id,
        "text",
        {"url": PHOTO, "prefer_large_media": True, "show_above_text": True},
    )
