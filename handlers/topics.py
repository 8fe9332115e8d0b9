"""/topics with subscribe buttons, /subscribe, /unsubscribe, /mysubs; keyword watches.

/subscribe with words that are not a topic saves a keyword watch (bot.search.service),
with the topics they point to as buttons; words that name a topic ("війна") follow it,
with a button to watch the words instead. /mysubs lists watches with a remove button
each, and the same button (bot.callbacks.Unwatch) sits under every story a watch
delivered."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.callbacks import Follow, Unfollow, Unwatch, WatchInstead, pattern
from bot.domain import Topic
from bot.render.text import one_line, trim
from bot.search.query import parse
from bot.search.service import MAX_PER_CHAT, MAX_QUERY_CHARS, AddStatus, Watch
from handlers.common import Turn, turn, unchanged_is_fine

LIST_ACTIONS = (Follow.PREFIX, Unfollow.PREFIX, Unwatch.PREFIX)
WATCH_LABEL_MAX = 40


async def topics_keyboard(tn: Turn, *, only: list[Topic] | None = None) -> InlineKeyboardMarkup:
    followed = set(await tn.services.readers.topics_of(tn.chat_id))
    rows = []
    for topic in tn.services.topics if only is None else only:
        if topic.id in followed:
            label = "✅ " + topic.name(tn.locale)
            data = Unfollow(topic.id).pack()
        else:
            label = "➕ " + topic.name(tn.locale)
            data = Follow(topic.id).pack()
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def suggestion_keyboard(tn: Turn, topics: list[Topic]) -> InlineKeyboardMarkup | None:
    """One button per suggested topic, its name only: a tap follows it."""
    if not topics:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("➕ " + t.name(tn.locale), callback_data=Follow(t.id).pack())]
            for t in topics
        ]
    )


def watch_rows(tn: Turn, watches: list[Watch]) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                "🔕 " + trim(one_line(w.query), WATCH_LABEL_MAX),
                callback_data=Unwatch(w.id).pack(),
            )
        ]
        for w in watches
    ]


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
    data = query.data if query else None
    parsed = Follow.unpack(data) or Unfollow.unpack(data)
    if query is None or parsed is None:
        return
    tn = await turn(update, context)
    topic = tn.services.topics.get(parsed.topic)
    if topic is None:
        await query.answer(tn._("This topic no longer exists."), show_alert=True)
        return
    name = topic.name(tn.locale)
    if isinstance(parsed, Follow):
        await tn.services.readers.follow(tn.chat_id, topic.id)
        await query.answer(tn._("You follow: {topic}").format(topic=name))
    else:
        await tn.services.readers.unfollow(tn.chat_id, topic.id)
        await query.answer(tn._("You no longer follow: {topic}").format(topic=name))
    # Under /topics or /mysubs the list updates; under a story only the answer is needed.
    await _refresh_list(tn, query.message)


def _list_actions(message: object) -> set[str] | None:
    """The button actions of a /topics or /mysubs message; None for any other message."""
    markup = getattr(message, "reply_markup", None)
    if markup is None or not getattr(message, "text", None):
        return None
    actions = {str(b.callback_data).split(":", 1)[0] for row in markup.inline_keyboard for b in row}
    return actions if actions and actions <= set(LIST_ACTIONS) else None


def _topic_ids(message: Message) -> list[str]:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup else ()
    parsed = [
        Follow.unpack(str(b.callback_data)) or Unfollow.unpack(str(b.callback_data))
        for row in rows
        for b in row
    ]
    return [p.topic for p in parsed if p is not None]


async def _refresh_list(tn: Turn, message: object) -> None:
    actions = _list_actions(message)
    if actions is None or not isinstance(message, Message):
        return
    with unchanged_is_fine():
        if Unwatch.PREFIX in actions:  # /mysubs: its text lists the watches too
            text, keyboard = await subscriptions_message(tn)
            await message.edit_text(text, reply_markup=keyboard)
        else:  # /topics, or the topics suggested for what was typed: the same ones
            shown = [tn.services.topics.get(i) for i in _topic_ids(message)]
            only = [t for t in shown if t is not None]
            await message.edit_reply_markup(reply_markup=await topics_keyboard(tn, only=only))


async def unwatch_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔕 under a keyword-delivered story or in /mysubs: stop that watch."""
    query = update.callback_query
    parsed = Unwatch.unpack(query.data if query else None)
    watch_id = parsed.watch_id if parsed else None
    if query is None or watch_id is None:
        return  # a forged button: bot.updates answers it as expired
    tn = await turn(update, context)
    watches = tn.services.watches
    mine = {w.id: w for w in await watches.of_chat(tn.chat_id)}
    watch = mine.get(watch_id)
    if watch is None or not await watches.remove(tn.chat_id, watch.id):
        await query.answer(tn._("You no longer watch this keyword."))
    else:
        await query.answer(tn._("You no longer watch: {query}").format(query=_shown(watch.query)))
    await _refresh_list(tn, query.message)


def _shown(text: str) -> str:
    return trim(one_line(text), 100)


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
        text = tn._(
            "Which topic? For example: /subscribe {topic}\n"
            "Or words to watch for: /subscribe {words}"
        ).format(topic=next(iter(tn.services.topics)).id, words="Прайс -Іран")
        if not follow:
            text = tn._("Which topic? See /mysubs for what you follow.")
        await message.reply_text(text, reply_markup=await topics_keyboard(tn))
        return
    topic = tn.services.topics.named_by(wanted)
    if topic is None and follow:
        text, keyboard = await _watch(tn, wanted)
        await message.reply_text(text, reply_markup=keyboard)
        return
    if topic is None and await _unwatch(tn, wanted):
        await message.reply_text(tn._("You no longer watch: {query}").format(query=_shown(wanted)))
        return
    if topic is None:
        close = tn.services.topics.closest(wanted)
        if close:
            text = tn._("No topic “{wanted}”. Did you mean one of these?").format(
                wanted=_shown(wanted)
            )
            await message.reply_text(text, reply_markup=await topics_keyboard(tn, only=close))
        else:
            text = tn._("No topic “{wanted}”. See /topics for the list.").format(
                wanted=_shown(wanted)
            )
            await message.reply_text(text)
        return
    name = topic.name(tn.locale)
    if follow:
        added = await tn.services.readers.follow(tn.chat_id, topic.id)
        text = (
            tn._("You follow: {topic}") if added else tn._("You already follow: {topic}")
        ).format(topic=name)
        if tn.services.topics.find(wanted) is None:  # a synonym: say which topic it named
            text = (
                tn._("“{wanted}” names the topic “{topic}”.").format(
                    wanted=_shown(wanted), topic=name
                )
                + "\n"
                + text
            )
            key = await tn.services.library.save_query(wanted)
            button = InlineKeyboardButton(
                tn._("🔎 Watch the words “{wanted}” instead").format(wanted=_shown(wanted)[:40]),
                callback_data=WatchInstead(key).pack(),
            )
            await message.reply_text(text, reply_markup=InlineKeyboardMarkup([[button]]))
            return
    else:
        removed = await tn.services.readers.unfollow(tn.chat_id, topic.id)
        text = (
            tn._("You no longer follow: {topic}")
            if removed
            else tn._("You did not follow: {topic}")
        ).format(topic=name)
    await message.reply_text(text)


async def watch_instead(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The button under "«війна» names the topic …": a keyword watch, not the topic."""
    query = update.callback_query
    parsed = WatchInstead.unpack(query.data if query else None)
    if query is None or parsed is None:
        return
    tn = await turn(update, context)
    wanted = await tn.services.library.load_query(parsed.key)
    if wanted is None:
        await query.answer(tn._("This button has expired."), show_alert=True)
        return
    topic = tn.services.topics.named_by(wanted)
    if topic is not None:
        await tn.services.readers.unfollow(tn.chat_id, topic.id)
    text, _ = await _watch(tn, wanted, suggest=False)
    if topic is not None:
        text = tn._("You no longer follow: {topic}").format(topic=topic.name(tn.locale)) + (
            "\n" + text
        )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


async def _watch(
    tn: Turn, wanted: str, *, suggest: bool = True
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Save a keyword watch; the reply says what it watches (or why it could not), with
    the topics the words point to as buttons."""
    result = await tn.services.watches.add(tn.chat_id, wanted)
    status = result.status
    if status is AddStatus.ADDED:
        query = result.query
        text = tn._("You now watch for: {terms}").format(terms=_shown(", ".join(query.terms)))
        if query.excluded:
            text += "\n" + tn._("Except stories with: {terms}").format(
                terms=_shown(", ".join(query.excluded))
            )
        text += "\n" + tn._("New stories that match will come here. /mysubs lists your watches.")
        close = tn.services.topics.closest(wanted) if suggest else []
        if close:
            text += "\n\n" + tn._("Or follow a topic:")
        return text, suggestion_keyboard(tn, close)
    if status is AddStatus.EMPTY:
        return tn._(
            "No topic or word to watch in “{wanted}”. For example: /subscribe {topic} or "
            "/subscribe {words}"
        ).format(
            wanted=_shown(wanted), topic=next(iter(tn.services.topics)).id, words="Прайс -Іран"
        ), None
    if status is AddStatus.TOO_LONG:
        return tn._(
            "That is too long to watch: keep it under {n} characters and a few words."
        ).format(n=MAX_QUERY_CHARS), None
    if status is AddStatus.TOO_MANY:
        return tn._(
            "You already watch {n} keyword queries, the most there can be. "
            "Remove one in /mysubs first."
        ).format(n=MAX_PER_CHAT), None
    if status is AddStatus.DUPLICATE:
        return tn._("You already watch for: {query}").format(
            query=_shown(result.query.text())
        ), None
    return tn._("Something went wrong. Send /start and try again."), None


async def _unwatch(tn: Turn, wanted: str) -> bool:
    """Remove the chat's watch written the same way (in canonical form)."""
    canonical = parse(wanted).text()
    for watch in await tn.services.watches.of_chat(tn.chat_id):
        if watch.query == canonical:
            return await tn.services.watches.remove(tn.chat_id, watch.id)
    return False


async def subscriptions_message(tn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    """/mysubs: topics (toggle buttons) and keyword watches (a remove button each)."""
    followed = await tn.services.readers.topics_of(tn.chat_id)
    watches = await tn.services.watches.of_chat(tn.chat_id)
    if not followed and not watches:
        return tn._("You follow nothing yet. See /topics, or /subscribe with words to watch."), None
    parts = []
    if followed:
        names = []
        for topic_id in followed:
            topic = tn.services.topics.get(topic_id)
            names.append(f"• {topic.name(tn.locale) if topic else topic_id}")
        header = tn.t.ngettext("You follow {n} topic:", "You follow {n} topics:", len(followed))
        parts.append(header.format(n=len(followed)) + "\n" + "\n".join(names))
    if watches:
        header = tn.t.ngettext(
            "You watch {n} keyword query:", "You watch {n} keyword queries:", len(watches)
        )
        lines = [f"• {_shown(w.query)}" for w in watches]
        parts.append(
            header.format(n=len(watches))
            + "\n"
            + "\n".join(lines)
            + "\n"
            + tn._("Tap 🔕 to stop watching one.")
        )
    keyboard = await topics_keyboard(tn)
    rows = [list(row) for row in keyboard.inline_keyboard] + watch_rows(tn, watches)
    return "\n\n".join(parts), InlineKeyboardMarkup(rows)


async def my_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    text, keyboard = await subscriptions_message(tn)
    await message.reply_text(text, reply_markup=keyboard)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("topics", list_topics),
        CommandHandler("subscribe", subscribe),
        CommandHandler("unsubscribe", unsubscribe),
        CommandHandler("mysubs", my_subscriptions),
        CallbackQueryHandler(topic_button, pattern=pattern(Follow, Unfollow)),
        CallbackQueryHandler(unwatch_button, pattern=Unwatch.pattern()),
        CallbackQueryHandler(watch_instead, pattern=WatchInstead.pattern()),
    ]
