"""Imported by a bulk import's forkserver (bulk.PRELOAD) before it forks the workers:
the dictionaries and rules are loaded there once, so every worker starts with them in
place (shared with the forkserver until written) instead of loading its own copy."""

from __future__ import annotations

from bot import news
from bot.inputs import has_content

news.warm_up()
has_content("warm up")  # builds the format-character class (bot.inputs)
