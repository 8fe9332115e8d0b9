"""In a group, only its admins change what the group receives.

Runs before every feature (handler group -1, after the chat is recorded): a command or
button that would change a group's subscriptions, watches, language or delivery is
let through for the group's admins only (bot.destinations asks Telegram with
getChatMember); anyone else gets a short answer and the update stops here. Reading —
/search, /latest, a story's full text, result pages — is for everyone.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.callbacks import FullText, MoreLike, ResultsPage
from handlers.common import turn

CHANGING_COMMANDS = frozenset({"subscribe", "unsubscribe", "settings", "language"})
READING_BUTTONS = frozenset({FullText.PREFIX, MoreLike.PREFIX, ResultsPage.PREFIX})
GROUP_TYPES = ("group", "supergroup")


def changes_subscriptions(update: Update) -> bool:
    query = update.callback_query
    if query is not None:
        return (query.data or "").partition(":")[0] not in READING_BUTTONS
    message = update.message
    text = (message.text or "") if message is not None else ""
    if not text.startswith("/"):
        return False
    command = text[1:].split(maxsplit=1)[0].partition("@")[0].lower() if len(text) > 1 else ""
    return command in CHANGING_COMMANDS


async def group_admins_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_TYPES or not changes_subscriptions(update):
        return
    tn = await turn(update, context)
    message = update.effective_message
    sender_chat = message.sender_chat.id if message is not None and message.sender_chat else None
    if update.callback_query is not None:
        sender_chat = None  # a button is pressed by a person, never as the group
    if await tn.services.destinations.may_manage(
        context.bot, chat.id, tn.user_id, sender_chat_id=sender_chat
    ):
        return
    refusal = tn._("Only this group's admins can change what it receives.")
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    elif message is not None:
        await message.reply_text(refusal)
    raise ApplicationHandlerStop
