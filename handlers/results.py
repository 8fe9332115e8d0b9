"""What search, /latest, /article and inline mode show: result lists and requested stories.

Pure formatting plus the two look-ups every one of them needs (the reader's timezone,
a story's analysis); the handlers in handlers/search.py and handlers/inline.py stay thin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot.callbacks import ResultsPage
from bot.domain import Article, Reason, ReasonKind, Story
from bot.i18n import N_, format_date
from bot.render import Rendered, render_full_text, render_story
from bot.render.text import one_line, trim
from bot.search.engine import SearchHit
from bot.search.query import Note, NoteKind
from bot.search.snippet import ELLIPSIS, Snippet
from bot.tghtml import escape
from handlers.common import Turn

log = logging.getLogger(__name__)

TITLE_MAX = 160  # characters of a title in a list
LANGUAGE_NAMES = {"uk": N_("in Ukrainian"), "ru": N_("in Russian"), "en": N_("in English")}
QUERY_SHOWN = 100  # characters of the reader's query echoed back

# (example, what it shows); the examples stay as typed, the explanations are translated.
EXAMPLES = (
    ("ракета", N_("any form of a word: ракети, ракетами")),
    ('"гарантії безпеки"', N_("an exact phrase")),
    ("Прайс -Іран", N_("leave out stories with a word")),
    ("НАТО topic:{topic} lang:uk", N_("only one topic and language")),
    ("переговори from:2022-01-01 to:2022-01-31", N_("only these dates")),
)


async def reader_timezone(tn: Turn) -> str:
    chat = await tn.services.readers.get(tn.chat_id)
    return (chat.timezone if chat else None) or tn.services.settings.timezone


def story_date(article: Article) -> datetime:
    return article.published or article.created_at


def short(snippet: Snippet, limit: int = TITLE_MAX) -> Snippet:
    """The snippet cut to `limit` characters, keeping only the marks that survive."""
    if len(snippet.text) <= limit:
        return snippet
    cut = snippet.text[: limit - 1].rstrip()
    marks = tuple((s, e) for s, e in snippet.marks if e <= len(cut))
    return Snippet(cut + ELLIPSIS, marks)


def shown_query(text: str) -> str:
    return trim(one_line(text), QUERY_SHOWN)


def query_help(tn: Turn, bot_username: str, *, command: str = "/search") -> str:
    """How to search, with examples of the query language (HTML)."""
    topic = next(iter(tn.services.topics)).id
    heading = tn._("What should I look for? Examples:")
    lines = [f"<b>{escape(heading)}</b>"]
    for example, meaning in EXAMPLES:
        lines.append(
            f"<code>{escape(command)} {escape(example.format(topic=topic))}</code> — "
            + escape(tn._(meaning))
        )
    lines.append(escape(tn._("Or type @{bot} and a query in any chat.").format(bot=bot_username)))
    return "\n".join(lines)


def note_lines(tn: Turn, notes: Iterable[Note]) -> list[str]:
    """Why parts of the query were ignored (plain text)."""
    out = []
    for note in notes:
        if note.kind is NoteKind.BAD_DATE:
            text = tn._("Not a date: {value} (use YYYY-MM-DD).").format(value=note.value)
        elif note.kind is NoteKind.BAD_LANGUAGE:
            text = tn._("Unknown language: {value} (use uk, ru or en).").format(value=note.value)
        elif note.kind is NoteKind.EMPTY_FILTER:
            text = tn._("An empty filter was ignored: {name}.").format(name=note.value)
        elif note.kind is NoteKind.TRUNCATED:
            text = tn._("The query was too long: only its beginning was used.")
        else:
            text = tn._("Only excluded words: add a word to look for.")
        out.append(text)
    return out


def capped(snippet: Snippet, marks: int | None) -> Snippet:
    return snippet if marks is None else Snippet(snippet.text, snippet.marks[:marks])


def hits_text(
    tn: Turn, hits: Iterable[SearchHit], *, first: int, tz: str, marks: int | None = None
) -> str:
    """Numbered results: title (matches underlined), date and /article_<id>, snippet
    (matches bold); `marks` caps the marked matches per title and per snippet."""
    blocks = []
    for number, hit in enumerate(hits, start=first):
        title = capped(short(hit.title), marks).html("<u>", "</u>")
        when = format_date(hit.date, tn.locale, tz) + " · " + language_label(tn, hit.language)
        blocks.append(
            f"<b>{number}. {title}</b>\n"
            f"<i>{escape(when)}</i> · /article_{hit.article_id}\n"
            f"{capped(hit.snippet, marks).html()}"
        )
    return "\n\n".join(blocks)


def language_label(tn: Turn, language: str) -> str:
    """The story's language, as a result line shows it ("in Ukrainian"; other codes as is)."""
    name = LANGUAGE_NAMES.get(language)
    return tn._(name) if name else language


def story_lines(tn: Turn, items: Iterable[Story], *, tz: str) -> list[str]:
    """/latest: one line per story (its newest telling, the others counted), with its
    date and language (HTML)."""
    lines = []
    for story in items:
        a = story.article
        when = format_date(story_date(a), tn.locale, tz) + " · " + language_label(tn, a.language)
        more = ""
        if story.tellings > 1:
            more = " " + tn.t.ngettext(
                "(+{n} earlier telling)", "(+{n} earlier tellings)", story.tellings - 1
            ).format(n=story.tellings - 1)
        lines.append(
            f"• {escape(trim(one_line(a.title), TITLE_MAX))}{escape(more)} — "
            f"<i>{escape(when)}</i> · /article_{a.id}"
        )
    return lines


def article_lines(tn: Turn, items: Iterable[Article], *, tz: str) -> list[str]:
    """One line per story: title, date, /article_<id> (HTML)."""
    return [
        f"• {escape(trim(one_line(a.title), TITLE_MAX))} — "
        f"<i>{escape(format_date(story_date(a), tn.locale, tz))}</i> · /article_{a.id}"
        for a in items
    ]


def hit_lines(tn: Turn, hits: Iterable[SearchHit], *, tz: str) -> list[str]:
    """One line per search hit, like article_lines (HTML)."""
    return [
        f"• {escape(short(h.title).text)} — "
        f"<i>{escape(format_date(h.date, tn.locale, tz))}</i> · /article_{h.article_id}"
        for h in hits
    ]


def page_keyboard(tn: Turn, key: str, page: int, has_more: bool) -> InlineKeyboardMarkup | None:
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(
                "◀️ " + tn._("Previous"),
                callback_data=ResultsPage(page - 1, key).pack(),
            )
        )
    if has_more:
        row.append(
            InlineKeyboardButton(
                tn._("Next") + " ▶️",
                callback_data=ResultsPage(page + 1, key).pack(),
            )
        )
    return InlineKeyboardMarkup([row]) if row else None


def requested_story(tn: Turn, article: Article, *, tz: str) -> Rendered:
    """The story message someone asked for (/article, inline): no "why" line."""
    if article.analysis is not None:
        return render_story(
            article,
            article.analysis,
            tn.locale,
            Reason(ReasonKind.REQUESTED),
            tz=tz,
            topic_names=tn.services.topics.names(tn.locale),
        )
    # Without an analysis there is no summary: the first page of the full text.
    return Rendered(render_full_text(article, tn.locale)[0], None)


def image_preview(rendered: Rendered) -> LinkPreviewOptions | None:
    """A requested story's lead image as a large link preview above its text (a reply
    stays a text message: a preview Telegram cannot make is simply left out)."""
    image = rendered.photo or rendered.preview
    if image is None:
        return None
    return LinkPreviewOptions(url=image, prefer_large_media=True, show_above_text=True)
