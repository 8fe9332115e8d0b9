"""What a feed reader yields, whatever the format (bot.ingest.feedread for XML feeds,
bot.ingest.jsonfeed for JSON Feed), and the small text helpers both use."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True, slots=True)
class Entry:
    link: str | None  # absolute, http(s)
    guid: str | None
    title: str | None  # plain text
    published: datetime | None
    body: str  # the entry's own text: HTML or plain, the longest the feed gives
    image: str | None = None  # lead image: media:content / thumbnail / enclosure / image


@dataclass(frozen=True, slots=True)
class FeedDoc:
    version: str  # "rss20", "atom10", "json11", …; "" when it is not a feed
    title: str | None
    entries: tuple[Entry, ...]
    bozo: bool = False  # broken markup the parser read around
    error: str = ""
    ttl_s: float | None = None  # RSS <ttl>: the publisher's minimum between polls
    encoding: str = ""  # the charset the document was read in


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain(value: str | None, kind: str = "text/plain") -> str | None:
    """A title as plain text: an HTML-typed title loses its tags and entities."""
    if not value:
        return None
    if "html" in kind and ("<" in value or "&" in value):
        value = html.unescape(_TAG.sub("", value))
    value = _SPACE.sub(" ", value).strip()
    return value or None


def absolute(url: str | None, base: str) -> str | None:
    """`url` made absolute against `base`; None unless it ends up http(s)."""
    if not url or not url.strip():
        return None
    joined = urljoin(base, url.strip())
    parts = urlsplit(joined)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return joined
