"""/settings, /stats and /retry through the real application and the sandbox."""

from __future__ import annotations

from typing import Any

from bot.harness import ADMIN_ID, LocalBot
from storage import chats
from tests.e2e import STORY, say, stories

# These tests push text as set-up: published at once (PUSH_TEXT_IMMEDIATE), no preview.
LOCAL_SETTINGS = {"push_text_immediate": True}


def button_data(markup: dict[str, Any] | None) -> list[str]:
    rows = (markup or {"inline_keyboard": []})["inline_keyboard"]
    return [b["callback_data"] for row in rows for b in row]


async def test_settings_digest_mode_holds_instant_messages(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 801, "/subscribe us-russia-security", language_code="en")
    await say(sb, 802, "/subscribe us-russia-security", language_code="en")
    menu = await say(sb, 801, "/settings", language_code="en")
    assert "Delivery" in menu.plain and "set:m:digest" in button_data(menu.reply_markup)

    sb.inject_callback(801, 801, menu.message_id, "set:t:1800")
    await sb.wait_until(lambda: "18:00" in sb.messages(801)[-1].plain)
    sb.inject_callback(801, 801, menu.message_id, "set:q:22000700")
    await sb.wait_until(lambda: "22:00–07:00" in sb.messages(801)[-1].plain)
    chat = await chats.get(local.services.db, 801)
    assert chat is not None and (chat.mode, chat.digest_time) == ("digest", "18:00")
    assert (chat.quiet_start, chat.quiet_end) == ("22:00", "07:00")

    await say(sb, ADMIN_ID, f"/push {STORY}")
    await local.settle()
    assert stories(sb, 801) == [] and len(stories(sb, 802)) == 1


async def test_stats_text_and_chart_for_admins_only(local: LocalBot) -> None:
    sb = local.sandbox
    await say(sb, 811, "/subscribe us-russia-security", language_code="en")
    await say(sb, ADMIN_ID, f"/push {STORY}")
    await local.settle()
    report = await say(sb, ADMIN_ID, "/stats", language_code="en")
    assert "Recent stories" in report.plain and "№1" in report.plain
    assert "waiting 0 · sent 1 · failed 0 · blocked 0" in report.plain
    await sb.wait_until(lambda: sb.stats()["methods"].get("sendPhoto", 0) == 1)

    refused = await say(sb, 812, "/stats", language_code="en")
    assert "only" in refused.plain.lower()
    again = await say(sb, ADMIN_ID, "/retry 1", language_code="en")
    assert "0 failed messages queued again" in again.plain
