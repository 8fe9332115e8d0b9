"""Telegram update handlers: thin — parse the update, call a service, reply.

Each feature module exposes `handlers() -> list[BaseHandler]`; FEATURES lists them in
the order they are tried. Group -1 records every chat first (and re-activates chats
that had blocked us); group 0 holds the commands and buttons. Commands run on new
messages only; an edit of any message gets the fallback's one-line answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, TypeHandler, filters

from handlers import (
    admin,
    fallback,
    feeds,
    ingest,
    inline,
    opml,
    search,
    settings,
    start,
    stats,
    stories,
    topics,
)
from handlers.common import record_chat
from handlers.errors import on_error

# fallback last: it answers the commands no other feature took.
FEATURES = [
    start,
    topics,
    search,
    inline,
    admin,
    feeds,
    opml,
    ingest,
    stories,
    settings,
    stats,
    fallback,
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, record_chat), group=-1)
    for feature in FEATURES:
        for handler in feature.handlers():
            if isinstance(handler, CommandHandler):
                # PTB runs commands on edits too: an edited /push would publish twice.
                handler.filters = handler.filters & ~filters.UpdateType.EDITED
            application.add_handler(handler)
    application.add_error_handler(on_error)
