"""A fetched feed document → its entries, whatever the format: RSS / Atom / RSS 1.0 / CDF
through feedparser, JSON Feed 1.0 / 1.1 through bot.ingest.jsonfeed.

The format is recognised from the bytes (and the media type only as a hint): servers
label feeds `text/rss+xml`, `text/plain`, `application/octet-stream` and worse.
feedparser gets the response headers and the feed's URL as its own fetch would, so
relative links, xml:base and an HTTP charset resolve the same way.
"""

from __future__ import annotations

import calendar
import codecs
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.ingest.entries import Entry, FeedDoc, absolute, plain
from bot.ingest.jsonfeed import parse_json_feed

__all__ = ["JSON_FEED", "Entry", "FeedDoc", "absolute", "parse_feed", "plain"]

JSON_FEED = "json"


def looks_like_json(content: bytes, media_type: str) -> bool:
    if "json" in media_type:
        return True
    head = content[:64].removeprefix(codecs.BOM_UTF8).lstrip()
    return head.startswith(b"{")


def parse_feed(content: bytes, *, url: str, headers: Mapping[str, str]) -> FeedDoc:
    """Parse a fetched document. `url` is where it was fetched from (after redirects),
    `headers` the response headers (lower-case names)."""
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    if looks_like_json(content, media):
        found = parse_json_feed(content, url=url)
        if found.version or "json" in media:
            return found
    return _parse_xml(content, url, headers)


def _parse_xml(content: bytes, url: str, headers: Mapping[str, str]) -> FeedDoc:
    # As feedparser's own fetch: every response header, and the base is Content-Location
    # resolved against the URL fetched.
    given = {name.lower(): value for name, value in headers.items()}
    given["content-location"] = urljoin(url, given.get("content-location", "").strip())
    parsed = feedparser.parse(content, response_headers=given)
    base = given["content-location"]
    entries = tuple(_entry(item, base) for item in parsed.entries)
    title_detail = parsed.feed.get("title_detail") or {}
    return FeedDoc(
        version=parsed.get("version") or "",
        title=plain(parsed.feed.get("title"), title_detail.get("type", "text/plain")),
        entries=entries,
        bozo=bool(parsed.get("bozo")),
        error=str(parsed.get("bozo_exception") or "")[:200],
        ttl_s=_ttl(parsed.feed.get("ttl")),
        encoding=str(parsed.get("encoding") or ""),
    )


def _ttl(value: Any) -> float | None:
    try:
        minutes = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60 if 0 < minutes < 7 * 24 * 60 else None


def _time(entry: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed"):
        parsed = entry.get(name)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _image(entry: Any, base: str) -> str | None:
    for media in entry.get("media_content") or []:
        kind = str(media.get("type") or media.get("medium") or "image")
        if "image" in kind and (found := absolute(media.get("url"), base)):
            return found
    for thumb in entry.get("media_thumbnail") or []:
        if found := absolute(thumb.get("url"), base):
            return found
    for link in entry.get("links") or []:
        enclosure = link.get("rel") == "enclosure"
        if enclosure and str(link.get("type", "")).startswith("image/"):
            found = absolute(link.get("href"), base)
            if found:
                return found
    image = entry.get("image")
    if isinstance(image, Mapping):
        return absolute(image.get("href") or image.get("url"), base)
    return None


def _entry(item: Any, base: str) -> Entry:
    bodies = [str(c.get("value", "")) for c in item.get("content") or []]
    bodies.append(str(item.get("summary", "") or ""))
    guid = item.get("id")
    title_detail = item.get("title_detail") or {}
    return Entry(
        # feedparser resolves links against xml:base and the base given; a link left
        # relative (a broken base) is worth nothing as a story URL.
        link=absolute(item.get("link"), base),
        guid=str(guid).strip() or None if guid else None,
        title=plain(item.get("title"), title_detail.get("type", "text/plain")),
        published=_time(item),
        body=max(bodies, key=len),
        image=_image(item, base),
    )
