"""Helpers for end-to-end tests: the real Application against the sandbox."""

from __future__ import annotations

from typing import Any

from bot.sandbox import Sandbox, SentMessage

STORY = (
    "США і Росія продовжать переговори про гарантії безпеки\n\n"
    "Делегації США та Росії в Женеві обговорили гарантії безпеки, контроль над озброєннями"
    " та розміщення ракет у Європі. Сторони домовилися продовжити консультації.\n\n"
    "«Ми не ухвалюватимемо рішень про Україну без України», — сказала заступниця"
    " держсекретаря США Венді Шерман."
)


def stories(sandbox: Sandbox, chat_id: int) -> list[SentMessage]:
    """Story messages (they carry the full-text button) a chat received."""
    return [
        m
        for m in sandbox.messages(chat_id)
        if m.reply_markup
        and any(
            str(b.get("callback_data", "")).startswith("full:")
            for row in m.reply_markup["inline_keyboard"]
            for b in row
        )
    ]


async def say(sandbox: Sandbox, user_id: int, text: str, **kwargs: object) -> SentMessage:
    """A user writes; returns the bot's next message to that chat."""
    before = len(sandbox.messages(user_id))
    sandbox.inject_message(user_id, text, **kwargs)  # type: ignore[arg-type]
    received = await sandbox.wait_for_messages(user_id, before + 1, timeout=10)
    return received[before]


def html(message: SentMessage) -> str:
    """A text message as the bot sent it, markup included."""
    assert message.text is not None, f"a {message.kind}, not a text message"
    return message.text


def buttons(message: SentMessage) -> list[dict[str, Any]]:
    """The inline buttons under a message, row by row, in one list."""
    assert message.reply_markup is not None, "the message has no buttons"
    return [b for row in message.reply_markup["inline_keyboard"] for b in row]
