"""Telegram update handlers: thin — parse the update, call a service, reply.

Each feature module exposes `handlers() -> list[BaseHandler]`; FEATURES lists them in
the order they are tried. Group -1 records every chat first (and re-activates chats
that had blocked us), then lets only a group's admins change its subscriptions
(handlers.groups); group 0 holds the commands and buttons. Commands run on new
messages only; an edit of any message gets the fallback's one-line answer.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, TypeHandler, filters

from handlers import (
    admin,
    channels,
    corrections,
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
from handlers.groups import group_admins_only

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
    channels,
    corrections,
    fallback,
]


async def before_features(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update: the chat is recorded, then a group's gate (one handler: a handler
    group runs only its first match)."""
    await record_chat(update, context)
    await group_admins_only(update, context)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, before_features), group=-1)
    for feature in FEATURES:
        for handler in feature.handlers():
            if isinstance(handler, CommandHandler):
                # PTB runs commands on edits too: an edited /push would publish twice.
                handler.filters = handler.filters & ~filters.UpdateType.EDITED
            application.add_handler(handler)
    application.add_error_handler(on_error)
