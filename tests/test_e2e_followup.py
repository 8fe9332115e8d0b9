"""Follow-ups: the same story again reaches a reader only when it adds something, and
then as a reply to the earlier message, marked as an update."""

from __future__ import annotations

from pathlib import Path

from bot.harness import ADMIN_ID, LocalBot
from tests.e2e import STORY, say, stories

NEW_QUOTE = (
    "«Наступна зустріч відбудеться в лютому, і ми очікуємо конкретних відповідей»,"
    " — заявив речник Держдепартаменту США Нед Прайс."
)


async def test_update_is_a_reply_and_a_repeat_is_not_sent(tmp_path: Path) -> None:
    # The pushes publish at once (PUSH_TEXT_IMMEDIATE): this is about follow-ups.
    async with LocalBot(tmp_path / "bot.db", push_text_immediate=True) as local:
        sb = local.sandbox
        sb.set_limits(False)
        await say(sb, 700, "/subscribe us-russia-security", language_code="en")
        await say(sb, ADMIN_ID, f"/push {STORY}")
        await local.settle()
        [first] = stories(sb, 700)

        await say(sb, ADMIN_ID, f"/push {STORY}")  # the same story, nothing new
        await local.settle()
        assert len(stories(sb, 700)) == 1

        await say(sb, ADMIN_ID, f"/push {STORY}\n\n{NEW_QUOTE}")  # a new quote
        await local.settle()
        first_again, update = stories(sb, 700)
        assert first_again.message_id == first.message_id
        assert update.reply_to_message_id == first.message_id
        assert "Update" in update.plain and "Нед Прайс" in update.plain
