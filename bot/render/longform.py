"""Multi-message renderings: a story's full text and the daily digest. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import Article
from bot.i18n import format_number, translator
from bot.news.model import Analysis
from bot.render.blocks import SEPARATOR, Block, join, meta_block, plain, title_block, wrap
from bot.render.text import first_sentence, one_line, paragraphs, safe_url, split, trim
from bot.tghtml import MAX_ENTITIES, MAX_TEXT, utf16_len

PAGE_MARK_MAX = 16  # room kept for "\n\n(12/34)"
MIN_FILL = 600  # a paragraph is split to fill a message only when this much room is left
DIGEST_TITLE_MAX = 300
DIGEST_SUMMARY_MAX = 300


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story in a digest; the analysis (if known) gives the one-line summary."""

    article: Article
    analysis: Analysis | None = None


def _pack(blocks: list[Block], limit: int, max_entities: int) -> list[list[Block]]:
    """Group blocks into messages: each group's joined length ≤ limit, entities bounded."""
    groups: list[list[Block]] = []
    current: list[Block] = []
    length = entities = 0
    sep = utf16_len(SEPARATOR)
    for block in blocks:
        count = block.entities
        extra = block.length + (sep if current else 0)
        if current and (length + extra > limit or entities + count > max_entities):
            groups.append(current)
            current, length, entities = [], 0, 0
            extra = block.length
        current.append(block)
        length += extra
        entities += count
    if current:
        groups.append(current)
    return groups


def render_full_text(article: Article, locale: str) -> list[str]:
    """The whole story as one or more HTML messages, each within Telegram's limits,
    split between paragraphs, else between sentences, else between words."""
    t = translator(locale)
    limit = MAX_TEXT - PAGE_MARK_MAX
    sep = utf16_len(SEPARATOR)
    groups: list[list[Block]] = [[title_block(article.title, safe_url(article.url), t)]]
    length = groups[0][0].length
    for paragraph in paragraphs(article.text):
        rest = paragraph
        while rest:
            room = limit - length - sep
            if utf16_len(rest) <= room:
                head, rest = rest, ""
            elif room >= MIN_FILL:
                # fill this message with the paragraph's first sentences, go on in the next
                head = split(rest, room)[0]
                rest = rest[rest.index(head) + len(head) :].strip()
            else:
                groups.append([])
                length = -sep  # no separator before a message's first block
                continue
            groups[-1].append(plain(head))
            length += sep + utf16_len(head)
    if len(groups) == 1:
        return [join(groups[0]).html]
    total = format_number(len(groups), locale)
    return [
        join([*group, wrap("i", plain(f"({format_number(n, locale)}/{total})"))]).html
        for n, group in enumerate(groups, start=1)
    ]


def _digest_summary(item: DigestItem) -> str:
    sentences = item.analysis.summary if item.analysis else ()
    first = next((one_line(s) for s in sentences if one_line(s)), "")
    if not first:
        body = paragraphs(item.article.text)
        first = first_sentence(one_line(body[0])) if body else ""
    return trim(first, DIGEST_SUMMARY_MAX)


def render_digest(items: Sequence[DigestItem], locale: str, tz: str) -> list[str]:
    """A digest: a counted header, then per story its bold linked title, one-line
    summary and "source · date"; split into several messages when long."""
    if not items:
        return []
    t = translator(locale)
    count = len(items)
    header = wrap(
        "b",
        plain(
            "📰 "
            + t.ngettext("Your digest: {n} story", "Your digest: {n} stories", count).format(
                n=format_number(count, locale)
            )
        ),
    )
    blocks = [header]
    for number, item in enumerate(items, start=1):
        article = item.article
        title = article.title or (item.analysis.title if item.analysis else "")
        link = title_block(title, safe_url(article.url), t, DIGEST_TITLE_MAX)
        lines = [join([plain(f"{format_number(number, locale)}. "), link], "")]
        summary = _digest_summary(item)
        if summary:
            lines.append(plain(summary))
        meta = meta_block(article, item.analysis, locale, tz)
        if meta is not None:
            lines.append(meta)
        blocks.append(join(lines, "\n"))
    return [join(group).html for group in _pack(blocks, MAX_TEXT, MAX_ENTITIES)]
