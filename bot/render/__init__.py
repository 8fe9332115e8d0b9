"""Rendering: pure functions from stored stories to Telegram HTML within the limits."""

from bot.render.longform import DigestItem, render_digest, render_full_text
from bot.render.story import Rendered, render_story

__all__ = ["DigestItem", "Rendered", "render_digest", "render_full_text", "render_story"]
