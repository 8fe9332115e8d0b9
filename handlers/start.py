"""/start, /help and /language."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import i18n
from bot.callbacks import Language
from bot.tghtml import escape
from handlers.common import turn

LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


def help_text(t: i18n.Translator, *, admin: bool, bot_username: str = "bot") -> str:
    _ = t.gettext
    lines = [
        bold(_("How it works")),
        _("/topics — topics you can follow, with buttons"),
        _("/subscribe <topic> — follow a topic"),
        _("/unsubscribe <topic> — stop following it"),
        _('/subscribe <words> — follow your own keywords: Прайс -Іран, "exact phrase"'),
        _("/mysubs — what you follow"),
        _("/search <query> — search past stories; /latest [topic] — the newest"),
        _("/settings — instant messages or a daily digest, quiet hours"),
        _("/language — interface language"),
        _("Inline: type @{bot} <query> in any chat to share a story"),
    ]
    if admin:
        lines += [
            "",
            bold(_("For admins")),
            _("/push <text> — publish a story (or reply /push to a message with the text)"),
            _("/push #topic <text> — publish with explicit topics"),
            _("/push <URL>, or a .txt/.html/.md file with the caption /push — preview first"),
            _("/feeds, /feed_add <URL> [topics] [review], /feed_remove <id>, /drafts"),
            _("/stats — deliveries; /retry [story id] — send failed messages again"),
        ]
    lines = [line.replace("{bot}", bot_username) for line in lines]
    return "\n".join(line if line.startswith("<b>") else escape(line) for line in lines)


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    tn = await turn(update, context)
    welcome = tn._(
        "Hi! I send short summaries of the news you follow, with the key quotes and who said them."
    )
    await update.effective_message.reply_text(
        f"{welcome}\n\n{help_text(tn.t, admin=tn.is_admin, bot_username=context.bot.username)}",
        parse_mode=ParseMode.HTML,
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    tn = await turn(update, context)
    await update.effective_message.reply_text(
        help_text(tn.t, admin=tn.is_admin, bot_username=context.bot.username),
        parse_mode=ParseMode.HTML,
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(name, callback_data=Language(code).pack())
                for code, name in LANGUAGE_NAMES.items()
            ]
        ]
    )


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    tn = await turn(update, context)
    wanted = (context.args or [""])[0].lower()
    if wanted in i18n.SUPPORTED:
        await tn.services.readers.set_language(tn.chat_id, wanted)
        t = i18n.translator(wanted)
        await update.effective_message.reply_text(t.gettext("Language set: English"))
        return
    await update.effective_message.reply_text(
        tn._("Choose the interface language:"), reply_markup=language_keyboard()
    )


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = Language.unpack(query.data if query else None)
    if query is None or parsed is None or parsed.locale not in i18n.SUPPORTED:
        return
    tn = await turn(update, context)
    await tn.services.readers.set_language(tn.chat_id, parsed.locale)
    t = i18n.translator(parsed.locale)
    await query.answer()
    await query.edit_message_text(t.gettext("Language set: English"))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("language", language),
        CallbackQueryHandler(language_button, pattern=Language.pattern()),
    ]
