"""An article out of an HTML page: title, publication date, site name, canonical URL and
main text, without the page's navigation, share buttons, related links and footer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura


def _line_filter() -> Callable[[Sequence[str]], list[str]] | None:
    """The shared line filter from text analysis; extraction works without it."""
    try:
        from bot.news.clean import clean_lines
    except ImportError:  # pragma: no cover - only while bot.news is incomplete
        return None
    return clean_lines


_clean_lines = _line_filter()


MIN_WORDS = 15


class ExtractError(ValueError):
    """The page has no article text. `code` picks the reply."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str | None
    text: str  # paragraphs separated by blank lines, title not repeated
    url: str | None  # canonical when the page names one, else where it was fetched
    site_name: str | None
    published: datetime | None


_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|"""
    r"""pubdate|publishdate|dc\.date\.issued|og:published_time)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"""content=["']([^"']+)["']""", re.IGNORECASE)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 (with or without time and zone); naive times are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _published(html: str, fallback: str | None) -> datetime | None:
    # Meta tags carry the time of day; trafilatura's date is the day only.
    for tag in _PUBLISHED_META.findall(html):
        content = _CONTENT_ATTR.search(tag)
        if content and (found := parse_date(content.group(1))):
            return found
    for value in _JSON_LD_DATE.findall(html):
        if found := parse_date(value):
            return found
    return parse_date(fallback)


def _field(doc: Any, name: str) -> str | None:
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return str(value).strip() or None if value else None


def clean_paragraphs(lines: list[str]) -> list[str]:
    if _clean_lines is not None:
        return _clean_lines(lines)
    return [line.strip() for line in lines if line.strip()]


def extract(html: str, *, url: str | None = None) -> Extracted:
    """Main text with precision settings (page furniture out, even at the cost of a
    borderline paragraph), then the shared line filter for scraped leftovers."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        with_metadata=True,
    )
    if doc is None:
        raise ExtractError("no_text")
    title = _field(doc, "title")
    lines = (_field(doc, "text") or "").splitlines()
    paragraphs = clean_paragraphs(lines)
    if title and paragraphs and paragraphs[0].strip() == title:
        paragraphs = paragraphs[1:]  # the headline repeated as the first line
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        raise ExtractError("no_text")  # a menu or a teaser, not an article
    canonical = _field(doc, "url")
    if canonical:
        canonical = urljoin(url or "", canonical)
        if urlsplit(canonical).scheme not in ("http", "https"):
            canonical = None
    site = _field(doc, "sitename") or _host(canonical or url)
    return Extracted(
        title=title,
        text="\n\n".join(paragraphs),
        url=canonical or url,
        site_name=site,
        published=_published(html, _field(doc, "date")),
    )


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None
