"""Buttons under a message, as plain values: rendering stays free of Telegram, and
bot.markup turns them into Telegram's objects at the edge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback: str | None = None  # callback data (bot.callbacks), or
    url: str | None = None  # a link


Keyboard = tuple[tuple[Button, ...], ...]  # rows of buttons


def links_only(keyboard: Keyboard | None) -> Keyboard | None:
    """Only the link buttons, in one row (for a message posted in someone else's chat,
    where our callback buttons would answer into the bot's private chat instead)."""
    links = tuple(b for row in keyboard or () for b in row if b.url)
    return (links,) if links else None
