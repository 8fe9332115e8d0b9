"""The real bot (handlers, job queue, delivery worker) against the sandbox on loopback."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.harness import ADMIN_ID, LocalBot
from storage import chats, outbox
from tests.e2e import STORY, html, say, stories

# These tests push text as set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}


async def test_start_help_and_command_menu(local: LocalBot) -> None:
    reply = await say(local.sandbox, 10, "/start")
    assert "/subscribe" in reply.plain and reply.parse_mode == "HTML"
    english = await say(local.sandbox, 11, "/help", language_code="en")
    assert "Follow a topic".lower() in english.plain.lower() or "follow" in english.plain.lower()
    menus = local.sandbox.commands
    assert any(c["command"] == "topics" for c in menus.get("", menus.get("default", [])) or [])
    assert "en" in menus


async def test_topics_buttons_update_in_place(local: LocalBot) -> None:
    sb = local.sandbox
    listing = await say(sb, 20, "/topics")
    assert listing.reply_markup is not None
    buttons = [b for row in listing.reply_markup["inline_keyboard"] for b in row]
    target = next(b for b in buttons if b["callback_data"] == "sub:us-russia-security")
    sb.inject_callback(20, 20, listing.message_id, target["callback_data"])

    def datas() -> list[str]:
        markup = sb.messages(20)[-1].reply_markup or {"inline_keyboard": []}
        return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]

    await sb.wait_until(lambda: "unsub:us-russia-security" in datas())
    assert "sub:us-russia-security" not in datas()
    assert "Переговори" in sb.callback_answers[-1]["text"]
    reply = await say(sb, 20, "/mysubs")
    assert "США" in reply.plain


async def test_subscribe_unknown_topic_suggests_closest(local: LocalBot) -> None:
    reply = await say(local.sandbox, 30, "/subscribe us-russia", language_code="en")
    assert reply.reply_markup is not None
    labels = [b["text"] for row in reply.reply_markup["inline_keyboard"] for b in row]
    assert "➕ US–Russia security talks" in labels  # a tappable name, never the id
    assert "us-russia-security" not in reply.plain
    ok = await say(local.sandbox, 30, "/subscribe nato", language_code="en")
    assert "NATO" in ok.plain
    again = await say(local.sandbox, 30, "/subscribe nato", language_code="en")
    assert "already" in again.plain
    gone = await say(local.sandbox, 30, "/unsubscribe nato", language_code="en")
    assert "no longer" in gone.plain


async def test_push_reaches_each_subscriber_once_and_nobody_else(local: LocalBot) -> None:
    sb = local.sandbox
    for user in (101, 102, 103):
        await say(sb, user, "/subscribe us-russia-security")
    await say(sb, 104, "/subscribe energy")  # follows another topic
    await say(sb, 105, "/start")  # follows nothing
    confirmation = await say(sb, ADMIN_ID, f"/push {STORY}")
    assert "№1" in confirmation.plain
    await local.settle()
    for user in (101, 102, 103):
        [story] = stories(sb, user)
        assert "<b>" in html(story) and "Шерман" in html(story)
    assert stories(sb, 104) == [] and stories(sb, 105) == []
    assert sb.stats()["rate_limited"] == 0


async def test_push_with_explicit_topic_and_reply(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 201, "/subscribe energy")
    await say(sb, ADMIN_ID, f"/push #energy {STORY}")
    await local.settle()
    assert len(stories(sb, 201)) == 1
    # /push as a reply to a message that holds the story
    hint = await say(sb, ADMIN_ID, STORY.replace("Женеві", "Відні"))
    assert "/search" in (hint.text or "")  # plain text gets a hint, and nothing is stored
    reply = await say(sb, ADMIN_ID, "/push #energy", reply_to_message_id=1)
    assert "№2" in reply.plain


async def test_non_admin_refused_and_logged(
    local: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = await say(local.sandbox, 300, f"/push {STORY}", language_code="en")
    assert "only" in reply.plain.lower()
    assert "300" in caplog.text
    from storage import articles

    assert await articles.count(local.services.db) == 0


@pytest.mark.parametrize("body", ["", "   ", "x" * 100_001])
async def test_empty_or_huge_story_gets_clear_reply(local: LocalBot, body: str) -> None:
    from storage import articles

    if len(body) > 4096:
        # Telegram messages cannot carry that much: exercise the service limit directly.
        from bot.stories import Draft, StoryError

        with pytest.raises(StoryError):
            await local.services.stories.publish(Draft(text=body))
    else:
        reply = await say(local.sandbox, ADMIN_ID, f"/push {body}", language_code="en")
        assert "/push" in reply.plain
    assert await articles.count(local.services.db) == 0


async def test_blocked_chat_stops_and_start_reactivates(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 401, "/subscribe us-russia-security")
    await say(sb, 402, "/subscribe us-russia-security")
    sb.block_chat(402)
    await say(sb, ADMIN_ID, f"/push {STORY}")
    await local.settle()
    assert len(stories(sb, 401)) == 1 and stories(sb, 402) == []
    chat = await chats.get(local.services.db, 402)
    assert chat is not None and chat.status == chats.BLOCKED

    sb.unblock_chat(402)
    await say(sb, 402, "/start")
    chat = await chats.get(local.services.db, 402)
    assert chat is not None and chat.status == chats.ACTIVE
    await say(sb, ADMIN_ID, "/push " + STORY.replace("Женеві", "Гельсінкі") + " Нове речення.")
    await local.settle()
    assert len(stories(sb, 402)) >= 1


async def test_restart_mid_delivery_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    from bot.sandbox import Sandbox

    readers = list(range(500, 530))
    async with Sandbox("123456:SANDBOX-local-token", global_per_s=6) as sb:
        first = LocalBot(tmp_path / "bot.db", sandbox=sb, send_rate=5.0, **LOCAL_SETTINGS)
        await first.start()
        sb.set_limits(False)
        for user in readers:
            await say(sb, user, "/subscribe us-russia-security")
        sb.set_limits(True, global_per_s=6)
        await say(sb, ADMIN_ID, f"/push {STORY}")
        await sb.wait_until(lambda: sum(len(stories(sb, u)) for u in readers) >= 5, timeout=20)
        await first.stop()  # mid-broadcast
        delivered_before = sum(len(stories(sb, u)) for u in readers)
        assert delivered_before < len(readers)

        second = LocalBot(tmp_path / "bot.db", sandbox=sb, send_rate=25.0, **LOCAL_SETTINGS)
        await second.start()
        sb.set_limits(True, global_per_s=30)
        try:
            await second.settle(within_s=30)
            # A 429 (the first run's sends still count in the sandbox's rolling second)
            # postpones a row by its retry_after: settle sees nothing due, drained waits.
            assert await second.delivery.drained(30)
            counts = {u: len(stories(sb, u)) for u in readers}
            assert set(counts.values()) == {1}, counts
            assert await outbox.next_due_at(second.services.db) is None
        finally:
            await second.stop()


async def test_token_never_reaches_logs(local: LocalBot, caplog: pytest.LogCaptureFixture) -> None:
    from bot import logs

    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info(
            "POST %s/getMe", local.sandbox.base_url + local.sandbox.token
        )
        await say(local.sandbox, 600, "/start")
    handler = logging.StreamHandler()
    handler.addFilter(logs.RedactToken(local.sandbox.token))
    for record in caplog.records:
        handler.filter(record)
        assert local.sandbox.token not in record.getMessage()
    await asyncio.sleep(0)
