"""/push previews: a story from a URL, a file or a forwarded channel post is shown to the
admin first, with Publish / Change topics / Cancel buttons ("pv:<verb>:<preview id>").
Nothing reaches readers before Publish; the pending preview lives in the database
(storage.previews), so a restart in between loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from telegram import (
    Bot,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageOriginChannel,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.callbacks import PreviewAction
from bot.domain import Article, Reason, ReasonKind
from bot.i18n import N_
from bot.ingest.drafts import draft_from_file, draft_from_url
from bot.ingest.extract import ExtractError
from bot.ingest.fetch import MAX_BYTES, FetchError
from bot.ingest.files import HTML_SUFFIXES, MAX_FILE_BYTES, TEXT_SUFFIXES, FileError
from bot.ingest.keys import item_keys
from bot.ingest.previews import Key, Preview, ReviewStatus, Seen
from bot.news.model import Analysis
from bot.render import render_story
from bot.stories import Draft, Published, StoryError
from bot.tghtml import escape
from handlers.common import Turn, admin_only, edit_html, turn

log = logging.getLogger(__name__)

# Verbs after "pv:"; the review queue (handlers.feeds) uses "rp" / "rd".
PUBLISH, TOPICS, TOGGLE, BACK, CANCEL = "pub", "top", "tog", "back", "x"
VERBS = frozenset({PUBLISH, TOPICS, TOGGLE, BACK, CANCEL})

FETCH_ERRORS = {
    "bad_scheme": N_("Only http:// and https:// links can be fetched."),
    "bad_url": N_("That does not look like a valid link."),
    "not_found": N_("The page was not found (404). Check the link."),
    "http_error": N_("The site answered with an error ({status}). Try again later."),
    "not_html": N_(
        "The link is not a web page ({kind}). Send a link to an article, "
        "or attach a .txt, .md or .html file."
    ),
    "too_big": N_("The page is too big: over {size} MB."),
    "too_slow": N_("The site took too long to answer. Try again later."),
    "unreachable": N_("The site cannot be reached. Check the link or try again later."),
    "too_many_redirects": N_("The link redirects too many times."),
    "private_address": N_(
        "This address is not allowed: the bot fetches only public sites, "
        "not local or private network addresses."
    ),
    "bad_content": N_("The site sent a damaged or unreadable response."),
}
EXTRACT_ERRORS = {
    "no_text": N_("No article text found on that page."),
}
FILE_ERRORS = {
    "too_big": N_("The file is too big: at most {size} KB."),
    "unsupported": N_("Only .txt, .md and .html files can be pushed."),
    "binary": N_(
        "That file is not text (a PDF, an image or an office file?). "
        "Send a .txt, .md or .html file."
    ),
    "empty": N_("The file has no story text."),
}
STORY_ERRORS = {
    "empty": N_("There is no story text in it; nothing was stored."),
    "no_content": N_(
        "There are no words in it (only symbols, numbers, emoji or spaces); nothing was stored."
    ),
    "too_long": N_("The story is over 100 KB; nothing was stored. Send a shorter text."),
}


def fetch_error_text(tn: Turn, error: FetchError) -> str:
    found = FETCH_ERRORS.get(error.code)
    if found is None:
        return tn._("The page could not be fetched ({code}).").format(code=error.code)
    return tn._(found).format(
        status=error.status or error.detail or "?",
        kind=error.detail or "?",
        size=MAX_BYTES // (1024 * 1024),
    )


def error_text(tn: Turn, error: Exception) -> str:
    """The admin's reply for any failure on the way from a source to a preview."""
    if isinstance(error, FetchError):
        return fetch_error_text(tn, error)
    code = str(getattr(error, "code", ""))
    table = (
        EXTRACT_ERRORS
        if isinstance(error, ExtractError)
        else FILE_ERRORS
        if isinstance(error, FileError)
        else STORY_ERRORS
    )
    found = table.get(code)
    if found is None:
        return tn._("Nothing was stored ({code}).").format(code=code or type(error).__name__)
    return tn._(found).format(size=MAX_FILE_BYTES // 1024)


# Sources ---------------------------------------------------------------------------


async def push_url(tn: Turn, message: Message, url: str, topics: tuple[str, ...]) -> None:
    try:
        got = await draft_from_url(url, client=tn.services.http, topics=topics)
    except (FetchError, ExtractError) as error:
        log.info("push %s: %s", url, error)
        await message.reply_text(error_text(tn, error))
        return
    await show_preview(tn, message, got.draft, got.keys)


async def push_document(
    tn: Turn, bot: Bot, message: Message, document: Document, topics: tuple[str, ...]
) -> None:
    name = document.file_name or ""
    # Refuse what cannot be a story before downloading anything.
    early: FileError | None = None
    if PurePath(name).suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES:
        early = FileError("unsupported", name)
    elif document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        early = FileError("too_big", str(document.file_size))
    if early is not None:
        await message.reply_text(error_text(tn, early))
        return
    file = await bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        # HTML files go through the extractor: tens of ms of lxml, off the event loop.
        draft = await asyncio.to_thread(draft_from_file, name, data, topics=topics)
    except FileError as error:
        await message.reply_text(error_text(tn, error))
        return
    await show_preview(tn, message, draft, item_keys(urls=[draft.url], text=draft.text))


def channel_origin(message: Message | None) -> MessageOriginChannel | None:
    origin = message.forward_origin if message is not None else None
    return origin if isinstance(origin, MessageOriginChannel) else None


async def push_forward(
    tn: Turn, message: Message, forwarded: Message, topics: tuple[str, ...]
) -> None:
    """A forwarded channel post: the channel is the source; its public link the URL."""
    origin = channel_origin(forwarded)
    assert origin is not None
    channel = origin.chat
    url = f"https://t.me/{channel.username}/{origin.message_id}" if channel.username else None
    text = forwarded.text or forwarded.caption or ""
    draft = Draft(
        text=text,
        url=url,
        source=channel.title,
        published=origin.date.astimezone(UTC) if origin.date else None,
        topics=topics,
    )
    await show_preview(tn, message, draft, item_keys(urls=[url], text=text))


# The preview -------------------------------------------------------------------------


async def already_text(tn: Turn, keys: list[Key] | tuple[Key, ...]) -> str | None:
    return earlier_text(tn, await tn.services.previews.already(keys))


def earlier_text(tn: Turn, earlier: Seen | None) -> str | None:
    if earlier is None:
        return None
    if earlier.article_id is None:
        return tn._(
            "This was taken in before (a feed draft waiting for review, or a link given up on);"
            " nothing was published."
        )
    return tn._("Already published as story #{id}; nothing was sent again.").format(
        id=earlier.article_id
    )


async def show_preview(tn: Turn, message: Message, draft: Draft, keys: list[Key]) -> None:
    if (seen := await already_text(tn, keys)) is not None:
        await message.reply_text(seen)
        return
    try:
        analysis = await tn.services.stories.analyze(draft)
    except StoryError as error:
        await message.reply_text(error_text(tn, error))
        return
    topics = draft.topics or analysis.topics
    preview = await tn.services.previews.open(tn.chat_id, draft, topics=topics, keys=keys)
    # The lead image as a large preview above the text: the admin sees what readers will.
    image = (
        LinkPreviewOptions(url=draft.image, prefer_large_media=True, show_above_text=True)
        if draft.image
        else None
    )
    story = await message.reply_text(
        story_html(tn, draft, analysis), parse_mode=ParseMode.HTML, link_preview_options=image
    )
    await story.reply_text(
        control_html(tn, preview),
        parse_mode=ParseMode.HTML,
        reply_markup=main_keyboard(tn, preview),
    )


def story_html(tn: Turn, draft: Draft, analysis: Analysis) -> str:
    """The story as readers will get it (its buttons need a stored story, so none here)."""
    article = Article(
        id=0,
        title=analysis.title,
        text=analysis.text,
        url=draft.url,
        source=draft.source,
        published=draft.published,
        language=analysis.language,
        topics=tuple(draft.topics or analysis.topics),
        created_at=datetime.now(UTC),
    )
    rendered = render_story(
        article,
        analysis,
        tn.locale,
        Reason(ReasonKind.REQUESTED),
        tz=tn.services.settings.timezone,
        topic_names=tn.services.topics.names(tn.locale),
    )
    return rendered.text


def reach_lines(tn: Turn, published: Published) -> list[str]:
    """Whom the story was queued for, and why nobody when nobody: the admin's answer."""
    queued = tn.t.ngettext(
        "Queued for {n} reader.", "Queued for {n} readers.", published.queued
    ).format(n=published.queued)
    first = published.followup_of
    if first is not None and not published.adds_something:
        if published.queued:
            why = tn._(
                "It is the same as story №{id}, nothing new: only readers who had not got "
                "that one receive it."
            )
        else:
            why = tn._(
                "Nobody got it: it is the same as story №{id}, nothing new "
                "(no new quote or sentence)."
            )
        return [queued, why.format(id=first)]
    lines = [queued]
    if first is not None:
        lines.append(
            tn._(
                "It is an update to story №{id}: its readers get it as a reply, "
                "the new quotes and sentences marked."
            ).format(id=first)
        )
    elif published.queued == 0 and not published.topics:
        lines.append(tn._("Nobody got it: it matched no topic and no keyword watch."))
    elif published.queued == 0:
        lines.append(tn._("Nobody got it: nobody follows its topics and no keyword watch matched."))
    return lines


def topic_list(tn: Turn, topics: tuple[str, ...]) -> str:
    names = tn.services.topics.names(tn.locale)
    return ", ".join(names.get(t, t) for t in topics) or tn._("none")


def control_html(tn: Turn, preview: Preview) -> str:
    return (
        "👁 <b>"
        + escape(tn._("Preview: nothing has been sent to readers yet."))
        + "</b>\n"
        + escape(tn._("Topics: {topics}").format(topics=topic_list(tn, preview.topics)))
    )


def _data(verb: str, preview_id: int, topic: str = "") -> str:
    return PreviewAction(verb, preview_id, topic).pack()


def main_keyboard(tn: Turn, preview: Preview) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ " + tn._("Publish"), callback_data=_data(PUBLISH, preview.id)
                ),
                InlineKeyboardButton(
                    "🏷 " + tn._("Change topics"), callback_data=_data(TOPICS, preview.id)
                ),
            ],
            [InlineKeyboardButton("✖ " + tn._("Cancel"), callback_data=_data(CANCEL, preview.id))],
        ]
    )


def topics_keyboard(tn: Turn, preview: Preview) -> InlineKeyboardMarkup:
    rows = []
    for topic in tn.services.topics:
        mark = "✅ " if topic.id in preview.topics else "▫️ "
        with suppress(ValueError):  # a topic id too long for callback data: no button
            rows.append(
                [
                    InlineKeyboardButton(
                        mark + topic.name(tn.locale),
                        callback_data=_data(TOGGLE, preview.id, topic.id),
                    )
                ]
            )
    rows.append([InlineKeyboardButton("⬅ " + tn._("Done"), callback_data=_data(BACK, preview.id))])
    return InlineKeyboardMarkup(rows)


# Buttons -----------------------------------------------------------------------------


@admin_only("a preview button")
async def preview_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = PreviewAction.unpack(query.data if query else None)
    if query is None or parsed is None or parsed.verb not in VERBS:
        return  # a forged button: bot.updates answers it as expired
    verb, preview_id, topic = parsed.verb, parsed.preview_id, parsed.topic
    tn = await turn(update, context)
    review = tn.services.previews
    if verb == PUBLISH:
        await _publish(tn, query, preview_id)
        return
    if verb == CANCEL:
        if (await review.cancel(preview_id)).status is ReviewStatus.GONE:
            await _gone(tn, query)
            return
        await edit_html(
            query, "✖ " + escape(tn._("Cancelled: the draft was dropped, nothing was sent."))
        )
        await query.answer()
        return
    if verb == TOGGLE:
        result = await review.toggle_topic(preview_id, topic, known=tn.services.topics)
        if result.status is ReviewStatus.UNKNOWN_TOPIC:
            await query.answer(tn._("This topic no longer exists."), show_alert=True)
            return
        preview = result.preview
    else:
        preview = await review.get(preview_id)
    if preview is None:
        await _gone(tn, query)
        return
    keyboard = main_keyboard(tn, preview) if verb == BACK else topics_keyboard(tn, preview)
    await edit_html(query, control_html(tn, preview), keyboard)
    await query.answer()  # last: a test (or a user) sees the answer after the edit


async def _publish(tn: Turn, query: Any, preview_id: int) -> None:
    result = await tn.services.previews.publish(preview_id)
    if result.status is ReviewStatus.GONE:
        await _gone(tn, query)
        return
    published = result.published
    if published is None:  # ALREADY: taken in meanwhile by another path
        text = earlier_text(tn, result.earlier) or tn._("Already published.")
        await edit_html(query, escape(text))
        await query.answer()
        return
    lines = [tn._("Published as story #{id}.").format(id=published.article_id)]
    lines += reach_lines(tn, published)
    lines.append(tn._("Topics: {topics}").format(topics=topic_list(tn, published.topics)))
    await edit_html(query, "✅ " + escape("\n".join(lines)))
    await query.answer()


async def _gone(tn: Turn, query: Any) -> None:
    with suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    await query.answer(
        tn._("This preview is gone: it was published or cancelled already."), show_alert=True
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(preview_button, pattern=PreviewAction.pattern())]
