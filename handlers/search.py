"""/search with paging buttons, /latest [topic], /article <id> and /article_<id>."""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.callbacks import ResultsPage
from bot.inputs import parse_id
from bot.markup import markup
from bot.search.engine import MAX_OFFSET, SearchPage, Status
from bot.tghtml import MAX_ENTITIES, escape, parse
from handlers import results
from handlers.common import Turn, edit_html, turn

PAGE_SIZE = 5
MARK_CAPS = (None, 6, 3, 1, 0)  # marks per title and per snippet, tried in turn
LATEST_COUNT = 10
ARTICLE_COMMAND = re.compile(r"^/article_(\S*?)(?:@\w+)?$")  # bad ids get the usage
_ID = re.compile(r"\d{1,18}")
_AFTER_COMMAND = re.compile(r"/\S*\s*(.*)", re.DOTALL)


def command_text(message: Message) -> str:
    """What follows the command, as typed (quotes, dashes and line breaks kept)."""
    found = _AFTER_COMMAND.match(message.text or "")
    return found.group(1).strip() if found else ""


def page_text(tn: Turn, page: SearchPage, query: str, *, tz: str) -> str:
    """The reply for one page of a search that found something."""
    first = page.offset + 1
    last = page.offset + len(page.hits)
    header = tn._("Results {first}–{last} for “{query}”:").format(
        first=first, last=last, query=results.shown_query(query)
    )
    notes = results.note_lines(tn, page.notes)
    tail = ["<i>" + escape(" ".join(notes)) + "</i>"] if notes else []
    # Every marked match is an entity; past MAX_ENTITIES Telegram drops formatting.
    for marks in MARK_CAPS:
        hits = results.hits_text(tn, page.hits, first=first, tz=tz, marks=marks)
        text = "\n\n".join([f"🔎 <b>{escape(header)}</b>", hits, *tail])
        if len(parse(text)[1]) <= MAX_ENTITIES:
            break
    return text


async def answer_search(
    tn: Turn, query: str, page_number: int, bot_username: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons for one page of a search (any query: never raises on it)."""
    if not query:
        return results.query_help(tn, bot_username), None
    page = await tn.services.library.search(query, limit=PAGE_SIZE, offset=page_number * PAGE_SIZE)
    notes = results.note_lines(tn, page.notes)
    if page.status is Status.EMPTY:
        lead = tn._("There is no word to look for in “{query}”.").format(
            query=results.shown_query(query)
        )
        extra = " ".join(notes)
        head = escape(lead + (" " + extra if extra else ""))
        return head + "\n\n" + results.query_help(tn, bot_username), None
    if page.status is Status.INVALID:
        return escape(tn._("I could not search for that. Try plain words.")), None
    if not page.hits:
        if page_number > 0:
            text = tn._("No more results for “{query}”.")
        else:
            text = tn._("Nothing found for “{query}”. Try other words or fewer filters.")
        text = text.format(query=results.shown_query(query))
        body = escape(" ".join([text, *notes]))
        keyboard = None
        if page_number > 0:
            key = await tn.services.library.save_query(query)
            keyboard = results.page_keyboard(tn, key, page_number, False)
        elif tn.locale == "en":  # the same words in the stories' languages
            body, keyboard = await _other_languages(tn, query, body)
        return body, keyboard
    tz = await results.reader_timezone(tn)
    keyboard = None
    if page.has_more or page_number > 0:
        key = await tn.services.library.save_query(query)
        keyboard = results.page_keyboard(tn, key, page_number, page.has_more)
    return page_text(tn, page, query, tz=tz), keyboard


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


async def _other_languages(
    tn: Turn, query: str, body: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await tn.services.library.in_other_languages(query)
    if not found:
        return body, None
    rows = []
    for language, translated, total in found:
        line = tn.t.ngettext(
            "{language}, “{query}” finds {n} story.",
            "{language}, “{query}” finds {n} stories.",
            total,
        ).format(language=_capital(results.language_label(tn, language)), query=translated, n=total)
        body += "\n" + escape(line)
        key = await tn.services.library.save_query(translated)
        rows.append(
            [InlineKeyboardButton("🔎 " + translated, callback_data=ResultsPage(0, key).pack())]
        )
    return body, InlineKeyboardMarkup(rows)


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    text, keyboard = await answer_search(tn, command_text(message), 0, context.bot.username)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def search_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A next/previous button: the same message shows the other page."""
    query = update.callback_query
    parsed = ResultsPage.unpack(query.data if query else None)
    if query is None or parsed is None:
        return
    tn = await turn(update, context)
    page = parsed.page if parsed.page <= MAX_OFFSET // PAGE_SIZE + 1 else None
    stored = await tn.services.library.load_query(parsed.key) if page is not None else None
    if stored is None or page is None:
        await query.answer(tn._("This search is too old. Send /search again."), show_alert=True)
        return
    text, keyboard = await answer_search(tn, stored, page, context.bot.username)
    await query.answer()
    await edit_html(query, text, keyboard)


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    wanted = command_text(message)
    topic = None
    if wanted:
        topic = tn.services.topics.named_by(wanted)
        if topic is None:
            close = tn.services.topics.closest(wanted)
            shown = results.shown_query(wanted)
            if close:
                listing = ", ".join(f"/latest {t.name(tn.locale)}" for t in close)
                text = tn._("No topic “{wanted}”. Did you mean: {topics}?").format(
                    wanted=shown, topics=listing
                )
            else:
                text = tn._("No topic “{wanted}”. See /topics for the list.").format(wanted=shown)
            await message.reply_text(text)
            return
    found = await tn.services.library.latest_stories(
        topic=topic.id if topic else None, limit=LATEST_COUNT
    )
    if not found:
        text = (
            tn._("No stories on “{topic}” yet.").format(topic=topic.name(tn.locale))
            if topic
            else tn._("No stories yet.")
        )
        await message.reply_text(text)
        return
    header = (
        tn._("Latest on “{topic}”:").format(topic=topic.name(tn.locale))
        if topic
        else tn._("Latest stories:")
    )
    lines = results.story_lines(tn, found, tz=await results.reader_timezone(tn))
    await message.reply_text(
        f"<b>{escape(header)}</b>\n" + "\n".join(lines), parse_mode=ParseMode.HTML
    )


async def send_article(update: Update, context: ContextTypes.DEFAULT_TYPE, wanted: str) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    article_id = parse_id(wanted)  # "-1" or "1e9" is not story 1
    if article_id is None:
        await message.reply_text(tn._("Which story? For example: /article 12"))
        return
    article = await tn.services.library.get(article_id)
    if article is None:
        await message.reply_text(tn._("There is no story №{id}.").format(id=article_id))
        return
    rendered = results.requested_story(tn, article, tz=await results.reader_timezone(tn))
    await message.reply_text(
        rendered.text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup(rendered.keyboard),
        link_preview_options=results.image_preview(rendered),
    )


async def article_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await send_article(update, context, command_text(message) if message else "")


async def article_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/article_<id>, the tappable form in result lists."""
    message = update.effective_message
    found = ARTICLE_COMMAND.match(message.text or "") if message else None
    await send_article(update, context, found.group(1) if found else "")


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("search", search_command),
        CommandHandler("latest", latest),
        CommandHandler("article", article_command),
        MessageHandler(filters.COMMAND & filters.Regex(ARTICLE_COMMAND), article_link),
        CallbackQueryHandler(search_page, pattern=ResultsPage.pattern()),
    ]
