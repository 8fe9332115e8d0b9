"""What every handler needs: the services, the chat, and the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot import i18n
from bot.services import Services, services


@dataclass(frozen=True)
class Turn:
    """One incoming update, resolved: who asked, in which language, with which services."""

    services: Services
    chat_id: int
    user_id: int | None
    locale: str
    t: i18n.Translator

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    @property
    def is_admin(self) -> bool:
        return self.user_id is not None and self.user_id in self.services.settings.admin_ids


async def turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    found = services(context)
    chat = update.effective_chat
    user = update.effective_user
    chat_id = chat.id if chat else (user.id if user else 0)
    stored = await found.readers.get(chat_id)
    locale = i18n.resolve_locale(
        stored.language if stored else None,
        user.language_code if user else None,
        found.settings.default_language,
    )
    return Turn(found, chat_id, user.id if user else None, locale, i18n.translator(locale))


async def record_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update: remember the chat and re-activate it if it had
    blocked the bot (writing to us means it no longer does)."""
    chat = update.effective_chat
    if chat is None:
        return
    user = update.effective_user
    await services(context).readers.touch(
        chat.id,
        chat_type=chat.type,
        telegram_language=user.language_code if user else None,
    )


def pattern(*actions: str) -> str:
    """A CallbackQueryHandler pattern for callback data of these actions (bot.callbacks)."""
    return rf"^({'|'.join(actions)}):"
