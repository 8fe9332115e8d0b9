"""/topics with subscribe buttons, /subscribe, /unsubscribe, /mysubs."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import callbacks
from handlers.common import Turn, pattern, turn
from storage import subscriptions


async def topics_keyboard(tn: Turn) -> InlineKeyboardMarkup:
    followed = set(await subscriptions.topics_of(tn.services.db, tn.chat_id))
    rows = []
    for topic in tn.services.topics:
        if topic.id in followed:
            label = "✅ " + topic.name(tn.locale)
            data = callbacks.make(callbacks.UNSUBSCRIBE, topic.id)
        else:
            label = "➕ " + topic.name(tn.locale)
            data = callbacks.make(callbacks.SUBSCRIBE, topic.id)
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


async def list_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    tn = await turn(update, context)
    await update.effective_message.reply_text(
        tn._("Topics (tap to follow or stop following):"), reply_markup=await topics_keyboard(tn)
    )


async def topic_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button under /topics or under a story: the change shows in place."""
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    if query is None or parsed is None:
        return
    tn = await turn(update, context)
    topic = tn.services.topics.get(parsed.arg)
    if topic is None:
        await query.answer(tn._("This topic no longer exists."), show_alert=True)
        return
    name = topic.name(tn.locale)
    if parsed.action == callbacks.SUBSCRIBE:
        await subscriptions.add(tn.services.db, tn.chat_id, topic.id)
        await query.answer(tn._("You follow: {topic}").format(topic=name))
    else:
        await subscriptions.remove(tn.services.db, tn.chat_id, topic.id)
        await query.answer(tn._("You no longer follow: {topic}").format(topic=name))
    message = query.message
    # Under /topics the whole list updates; under a story only the answer is needed.
    if message is not None and getattr(message, "text", None) and _is_topics_list(query):
        await query.edit_message_reply_markup(reply_markup=await topics_keyboard(tn))


def _is_topics_list(query: object) -> bool:
    markup = getattr(getattr(query, "message", None), "reply_markup", None)
    if markup is None:
        return False
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    return all(
        isinstance(d, str) and d.split(":", 1)[0] in (callbacks.SUBSCRIBE, callbacks.UNSUBSCRIBE)
        for d in data
    )


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change(update, context, follow=True)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change(update, context, follow=False)


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, *, follow: bool) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    wanted = " ".join(context.args or []).strip()
    if not wanted:
        text = tn._("Which topic? For example: /subscribe {topic}").format(
            topic=next(iter(tn.services.topics)).id
        )
        if not follow:
            text = tn._("Which topic? See /mysubs for what you follow.")
        await message.reply_text(text, reply_markup=await topics_keyboard(tn))
        return
    topic = tn.services.topics.find(wanted)
    if topic is None:
        close = tn.services.topics.closest(wanted)
        if close:
            listing = ", ".join(f"{t.id} ({t.name(tn.locale)})" for t in close)
            text = tn._("No topic “{wanted}”. Did you mean: {topics}?").format(
                wanted=wanted[:100], topics=listing
            )
        else:
            text = tn._("No topic “{wanted}”. See /topics for the list.").format(
                wanted=wanted[:100]
            )
        await message.reply_text(text)
        return
    name = topic.name(tn.locale)
    if follow:
        added = await subscriptions.add(tn.services.db, tn.chat_id, topic.id)
        text = (
            tn._("You follow: {topic}") if added else tn._("You already follow: {topic}")
        ).format(topic=name)
    else:
        removed = await subscriptions.remove(tn.services.db, tn.chat_id, topic.id)
        text = (
            tn._("You no longer follow: {topic}")
            if removed
            else tn._("You did not follow: {topic}")
        ).format(topic=name)
    await message.reply_text(text)


async def my_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    followed = await subscriptions.topics_of(tn.services.db, tn.chat_id)
    if not followed:
        await message.reply_text(tn._("You follow nothing yet. See /topics."))
        return
    names = []
    for topic_id in followed:
        topic = tn.services.topics.get(topic_id)
        names.append(f"• {topic.name(tn.locale) if topic else topic_id}")
    header = tn.t.ngettext("You follow {n} topic:", "You follow {n} topics:", len(followed))
    await message.reply_text(
        header.format(n=len(followed)) + "\n" + "\n".join(names),
        reply_markup=await topics_keyboard(tn),
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("topics", list_topics),
        CommandHandler("subscribe", subscribe),
        CommandHandler("unsubscribe", unsubscribe),
        CommandHandler("mysubs", my_subscriptions),
        CallbackQueryHandler(
            topic_button, pattern=pattern(callbacks.SUBSCRIBE, callbacks.UNSUBSCRIBE)
        ),
    ]
