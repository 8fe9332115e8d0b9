"""Measured HTML pieces: each block knows the UTF-16 length of its text and how many
entities it holds, so messages are sized without re-parsing or cutting HTML."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Article
from bot.i18n import Translator, format_date
from bot.news.model import Analysis
from bot.render.text import host, one_line, trim
from bot.tghtml import escape, utf16_len

TITLE_MAX = 400  # UTF-16 units; longer titles are trimmed at a word
NAME_MAX = 80  # source, speaker, topic name, keyword
SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Block:
    html: str
    length: int  # UTF-16 units of the text after parsing
    entities: int = 0


def plain(text: str) -> Block:
    return Block(escape(text), utf16_len(text))


def wrap(tag: str, block: Block, attrs: str = "") -> Block:
    return Block(f"<{tag}{attrs}>{block.html}</{tag}>", block.length, block.entities + 1)


def join(blocks: list[Block], separator: str = SEPARATOR) -> Block:
    parts: list[Block] = []
    for block in blocks:
        if parts and separator:
            parts.append(plain(separator))
        parts.append(block)
    return Block(
        "".join(b.html for b in parts),
        sum(b.length for b in parts),
        sum(b.entities for b in parts),
    )


def title_block(title: str, url: str | None, t: Translator, limit: int = TITLE_MAX) -> Block:
    """The bold title, linked to the source when there is a usable URL."""
    text = trim(one_line(title), limit) or t.gettext("Untitled story")
    block = plain(text)
    if url:
        block = wrap("a", block, f' href="{escape(url, quote=True)}"')
    return wrap("b", block)


def meta_block(article: Article, analysis: Analysis | None, locale: str, tz: str) -> Block | None:
    """ "Source · date" in italics, the date in the reader's language and timezone."""
    source = trim(one_line(article.source) or host(article.url), NAME_MAX)
    published = article.published or (analysis.published if analysis else None)
    parts = [p for p in (source, format_date(published, locale, tz) if published else "") if p]
    return wrap("i", plain(" · ".join(parts))) if parts else None
