"""The note that replaces a withdrawn story's message when it can no longer be deleted
(Telegram deletes only messages younger than 48 hours)."""

from __future__ import annotations

from bot.i18n import translator
from bot.render.blocks import TITLE_MAX, join, plain, wrap
from bot.render.text import one_line, trim


def render_withdrawn(title: str, locale: str) -> str:
    """The story's title struck through, and why."""
    t = translator(locale)
    struck = wrap("s", plain(trim(one_line(title), TITLE_MAX) or t.gettext("Untitled story")))
    note = plain("⚠️ " + t.gettext("The editors withdrew this story."))
    return join([struck, note]).html
