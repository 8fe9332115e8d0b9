"""Telegram update handlers: thin — parse the update, call a service, reply.

Groups: -1 records every chat first (and re-activates chats that had blocked us);
0 holds the commands and buttons.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, TypeHandler

from bot import callbacks
from handlers import admin, start, stories, topics
from handlers.common import record_chat
from handlers.errors import on_error


def _pattern(*actions: str) -> str:
    return rf"^({'|'.join(actions)}):"


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, record_chat), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", start.start),
            CommandHandler("help", start.help_command),
            CommandHandler("language", start.language),
            CommandHandler("topics", topics.list_topics),
            CommandHandler("subscribe", topics.subscribe),
            CommandHandler("unsubscribe", topics.unsubscribe),
            CommandHandler("mysubs", topics.my_subscriptions),
            CommandHandler("push", admin.push),
            CallbackQueryHandler(
                topics.topic_button, pattern=_pattern(callbacks.SUBSCRIBE, callbacks.UNSUBSCRIBE)
            ),
            CallbackQueryHandler(start.language_button, pattern=_pattern(callbacks.LANGUAGE)),
            CallbackQueryHandler(
                stories.story_button, pattern=_pattern(callbacks.FULL_TEXT, callbacks.MORE_LIKE)
            ),
        ]
    )
    application.add_error_handler(on_error)
