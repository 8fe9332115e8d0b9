"""The story message a subscriber gets: Telegram HTML plus its buttons (a neutral
Keyboard; bot.markup makes Telegram's objects).

Pure: no I/O. The message is assembled from plain-text parts whose UTF-16 lengths are
known before escaping, so trimming never touches HTML; the result is checked with
bot.tghtml.parse before it is returned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass

from bot.callbacks import FullText, MoreLike, Unfollow, Unwatch
from bot.domain import Article, Reason, ReasonKind
from bot.i18n import Translator, format_number, translator
from bot.news.model import Analysis
from bot.render.blocks import (
    NAME_MAX,
    SEPARATOR,
    Block,
    join,
    meta_block,
    plain,
    title_block,
    wrap,
)
from bot.render.keyboard import Button, Keyboard
from bot.render.text import one_line, paragraphs, safe_url, split_sentences, trim
from bot.tghtml import MAX_CAPTION, MAX_ENTITIES, MAX_TEXT, parse, utf16_len

WORDS_PER_MINUTE = 200
MAX_QUOTES = 5
SUMMARY_MAX = 1500
QUOTE_MAX = 700
QUOTE_MIN = 60  # a long quote is dropped rather than trimmed shorter than this
NEW = "🆕 "  # in an update: a quote or sentence no earlier telling had


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str  # Telegram HTML
    keyboard: Keyboard | None
    # The story's lead image, one way or the other: `photo` when the text fits a
    # caption (a photo with the story as its caption), else `preview` (the text with
    # a large link preview of the image above it). Both None without an image.
    photo: str | None = None
    preview: str | None = None


def _quote_block(text: str, speaker: str) -> Block:
    body = text if not speaker else f"{text}\n— {speaker}"
    return wrap("blockquote", plain(body))


def _reason_line(reason: Reason, t: Translator, topic_names: Mapping[str, str]) -> str:
    if reason.kind is ReasonKind.TOPIC and reason.value:
        name = trim(one_line(topic_names.get(reason.value) or reason.value), NAME_MAX)
        return "📌 " + t.gettext("You follow the topic “{topic}”").format(topic=name)
    if reason.kind is ReasonKind.KEYWORD and reason.value:
        keyword = trim(one_line(reason.value), NAME_MAX)
        return "🔎 " + t.gettext("Matches your keyword “{keyword}”").format(keyword=keyword)
    return ""


def _reading_minutes(article: Article, analysis: Analysis) -> int:
    words = analysis.word_count or len(article.text.split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _summary_sentences(article: Article, analysis: Analysis) -> list[str]:
    sentences = [s for s in (one_line(x) for x in analysis.summary) if s]
    if sentences:
        return sentences
    first = paragraphs(article.text or analysis.text)
    return split_sentences(one_line(first[0])) if first else []


def _fit_summary(sentences: list[str], limit: int) -> str:
    """Whole sentences while they fit; a single long first sentence is trimmed at a word."""
    kept: list[str] = []
    for sentence in sentences:
        candidate = " ".join([*kept, sentence])
        if utf16_len(candidate) <= limit:
            kept.append(sentence)
        elif not kept:
            return trim(sentence, limit)
        else:
            return (
                " ".join(kept) + " …" if utf16_len(" ".join(kept)) + 2 <= limit else " ".join(kept)
            )
    return " ".join(kept)


def _fit_quotes(quotes: list[tuple[str, str]], budget: int) -> list[Block]:
    """Quotes in order while they fit; the first one that does not is trimmed to the room
    left (if that leaves enough of it), the rest are dropped."""
    blocks: list[Block] = []
    left = budget
    for text, speaker in quotes:
        overhead = utf16_len(SEPARATOR) + (utf16_len(speaker) + 3 if speaker else 0)
        room = left - overhead
        if room < min(QUOTE_MIN, utf16_len(text)):
            break
        fitted = trim(text, room)
        blocks.append(_quote_block(fitted, speaker))
        left -= overhead + utf16_len(fitted)
        if fitted != text:
            break
    return blocks


def _keyboard(article: Article, url: str | None, reason: Reason, t: Translator) -> Keyboard:
    first = [
        Button(
            "📄 " + t.gettext("Full text"),
            callback=FullText(article.id).pack(),
        )
    ]
    if url:
        first.append(Button("🔗 " + t.gettext("Source"), url=url))
    second = [
        Button(
            "➕ " + t.gettext("More like this"),
            callback=MoreLike(article.id).pack(),
        )
    ]
    stop: Unfollow | Unwatch | None = None
    if reason.kind is ReasonKind.TOPIC and reason.value:
        stop = Unfollow(reason.value)
    elif reason.kind is ReasonKind.KEYWORD and reason.watch_id is not None:
        stop = Unwatch(reason.watch_id)
    if stop is not None:
        label = (
            t.gettext("Unsubscribe from this topic")
            if isinstance(stop, Unfollow)
            else t.gettext("Stop watching this keyword")
        )
        # an id too long for callback_data: better no button than a failed send
        with suppress(ValueError):
            second.append(Button("🔕 " + label, callback=stop.pack()))
    return (tuple(first), tuple(second))


def render_story(
    article: Article,
    analysis: Analysis,
    locale: str,
    reason: Reason,
    *,
    tz: str,
    topic_names: Mapping[str, str] | None = None,
    update: bool = False,
) -> Rendered:
    """The story message for one reader: always valid Telegram HTML within the limits.

    update=True marks a follow-up to a story the chat already got (sent as a reply).
    A story with a usable lead image names it as `photo` (the text fits a caption) or
    `preview` (it does not); the text is the same either way.
    """
    t = translator(locale)
    url = safe_url(article.url or analysis.url)
    head: list[Block] = []
    if update:
        head.append(wrap("b", plain("🔄 " + t.gettext("Update"))))
    head.append(title_block(article.title or analysis.title, url, t))
    if update and article.followup_of is not None:
        first = t.gettext("First told in story №{id}: /article_{id}").format(id=article.followup_of)
        head.append(plain("↩️ " + first))
    meta = meta_block(article, analysis, locale, tz)
    if meta is not None:
        head.append(meta)
    header = join(head, "\n")

    footer_lines = [_reason_line(reason, t, topic_names or {})]
    minutes = _reading_minutes(article, analysis)
    footer_lines.append(
        "⏱ "
        + t.ngettext("Reading time: {n} minute", "Reading time: {n} minutes", minutes).format(
            n=format_number(minutes, locale)
        )
    )
    footer = plain("\n".join(line for line in footer_lines if line))

    sentences = _summary_sentences(article, analysis)
    quotes = [
        (trim(q, QUOTE_MAX), trim(one_line(speaker), NAME_MAX))
        for q, speaker in ((one_line(q.text), q.attribution) for q in analysis.quotes)
        if q
    ][:MAX_QUOTES]
    if update and article.news:  # what is new, marked, new quotes first
        new = {one_line(text) for text in article.news}
        sentences = [NEW + s if s in new else s for s in sentences]
        marked = [(NEW + q if q in new else q, who) for q, who in quotes]
        quotes = sorted(marked, key=lambda item: not item[0].startswith(NEW))

    budget = MAX_TEXT - header.length - footer.length - 2 * utf16_len(SEPARATOR)
    for _attempt in range(4):
        text = _compose(header, footer, sentences, quotes, budget)
        parsed, entities = parse(text)
        overflow = utf16_len(parsed) - MAX_TEXT
        if overflow <= 0 and len(entities) <= MAX_ENTITIES:
            keyboard = _keyboard(article, url, reason, t)
            image = safe_url(article.image)
            if image is None:
                return Rendered(text, keyboard)
            # The caption limit counts as the text limit does: UTF-16 units after parsing.
            if utf16_len(parsed) <= MAX_CAPTION:
                return Rendered(text, keyboard, photo=image)
            return Rendered(text, keyboard, preview=image)
        budget -= max(overflow, 1)  # should not happen: lengths are computed exactly
    raise AssertionError("render_story could not fit the message")  # pragma: no cover


def _compose(
    header: Block,
    footer: Block,
    sentences: list[str],
    quotes: list[tuple[str, str]],
    budget: int,
) -> str:
    """Share the budget between summary and quotes: the summary gets what the quotes
    leave, but at least half when both are long."""
    summary_full = _fit_summary(sentences, SUMMARY_MAX)
    quotes_need = sum(
        utf16_len(SEPARATOR) + utf16_len(q) + (utf16_len(s) + 3 if s else 0) for q, s in quotes
    )
    summary_room = min(utf16_len(summary_full), max(budget // 2, budget - quotes_need))
    summary = _fit_summary(sentences, max(summary_room, 0))
    blocks = [header]
    if summary:
        blocks.append(plain(summary))
    blocks.extend(_fit_quotes(quotes, budget - utf16_len(summary)))
    body = join(blocks)
    return join([body, footer]).html if footer.length else body.html
