"""Every private message gets a short answer, whatever its kind (issue 12 follow-up):
stickers, photos without a caption, voice, locations, contacts, edits, files and
forwarded channel posts from readers — over the sandbox, in en and uk."""

from __future__ import annotations

from typing import Any

import pytest

from bot.harness import ADMIN_ID, LocalBot
from bot.sandbox import Upload
from storage import articles, previews
from tests.e2e import say

READER = 3101
FILE = {"file_id": "f1", "file_unique_id": "u1"}
CHANNEL = {
    "type": "channel",
    "chat": {"id": -1002, "type": "channel", "title": "Some Channel", "username": "somechan"},
    "message_id": 5,
    "date": 1,
}
KINDS: dict[str, dict[str, Any]] = {
    "sticker": {
        "sticker": {
            **FILE,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "photo": {"photo": [{**FILE, "width": 90, "height": 90}]},
    "voice": {"voice": {**FILE, "duration": 3}},
    "location": {"location": {"latitude": 50.45, "longitude": 30.52}},
    "contact": {"contact": {"phone_number": "+10000000000", "first_name": "Ann"}},
    "video_note": {"video_note": {**FILE, "length": 240, "duration": 2}},
}


async def _answer(local: LocalBot, user: int, content: dict[str, Any], lang: str, **kw: Any) -> str:
    sb = local.sandbox
    before = len(sb.messages(user))
    sb.inject_content(user, content, language_code=lang, **kw)
    received = await sb.wait_for_messages(user, before + 1, timeout=10)
    await local.settle()
    assert len(sb.messages(user)) == before + 1  # one answer, not two
    return received[before].plain


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_a_message_without_text_gets_a_hint(local: LocalBot, kind: str) -> None:
    answer = await _answer(local, READER, KINDS[kind], "en")
    assert "only text" in answer and "/search" in answer
    uk = await _answer(local, READER + 1, KINDS[kind], "uk")
    assert "/search" in uk and "text" not in uk  # translated, not the English fallback


async def test_a_reader_forwarding_a_channel_post_is_told_only_admins_publish(
    local: LocalBot,
) -> None:
    sb = local.sandbox
    text = "Делегації обговорили гарантії безпеки і домовилися зустрітися знову."
    reply = await say(sb, READER, text, forward_origin=CHANNEL, language_code="en")
    assert "Only the bot's admins can publish channel posts" in reply.plain
    assert "/search" in reply.plain
    uk = await say(sb, READER + 1, text, forward_origin=CHANNEL, language_code="uk")
    assert "адмін" in uk.plain and "/search" in uk.plain
    await local.settle()
    assert await articles.count(local.services.db) == 0
    assert await previews.get(local.services.db, 1) is None
    # the admin's forward still becomes a preview
    preview = await say(sb, ADMIN_ID, text * 2, forward_origin=CHANNEL, language_code="en")
    assert "Only the bot's admins" not in preview.plain


async def test_files_from_readers_and_admins_get_different_answers(local: LocalBot) -> None:
    sb = local.sandbox
    upload = Upload(b"A story in a file, sent without a caption.", "story.txt", "text/plain")
    reply = await say(sb, READER, "", document=upload, language_code="en")
    assert "Only the bot's admins can publish files" in reply.plain
    admin = await say(sb, ADMIN_ID, "", document=upload, language_code="en")
    assert "reply /push to it" in admin.plain


async def test_an_edited_message_gets_an_answer(local: LocalBot) -> None:
    sb = local.sandbox
    update = sb.inject_message(READER, "hello there", language_code="en")
    await sb.wait_for_messages(READER, 1, timeout=10)
    message_id = update["message"]["message_id"]
    answer = await _answer(local, READER, {"text": "hello again"}, "en", edit_of=message_id)
    assert "edits" in answer


async def test_an_edited_push_publishes_nothing_twice(local: LocalBot) -> None:
    sb = local.sandbox
    text = "/push Делегації США і Росії обговорили в Женеві гарантії безпеки і озброєння."
    command = {"type": "bot_command", "offset": 0, "length": len("/push")}
    update = sb.inject_message(ADMIN_ID, text, language_code="en")
    await sb.wait_for_messages(ADMIN_ID, 1, timeout=10)
    await local.settle()
    stored = await articles.count(local.services.db)
    edit = {"text": text + " Оновлено.", "entities": [command]}
    message_id = update["message"]["message_id"]
    answer = await _answer(local, ADMIN_ID, edit, "en", edit_of=message_id)
    assert "edits" in answer
    assert await articles.count(local.services.db) == stored
