"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read into the same entries
as XML feeds. Only what a story needs: id, url, title, text, dates, image."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.ingest.entries import Entry, FeedDoc, absolute, plain

VERSIONS = {
    "https://jsonfeed.org/version/1": "json10",
    "https://jsonfeed.org/version/1.1": "json11",
}


def _date(value: Any) -> datetime | None:
    """RFC 3339; a trailing Z is accepted on every Python we run on."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _item(item: dict[str, Any], base: str) -> Entry | None:
    guid = item.get("id")
    # 1.0 feeds in the wild give numbers; the spec says strings.
    guid_text = str(guid).strip() if isinstance(guid, str | int) and guid != "" else None
    link = absolute(_text(item.get("url")), base) or absolute(_text(item.get("external_url")), base)
    html_body = _text(item.get("content_html"))
    text_body = _text(item.get("content_text"))
    summary = _text(item.get("summary"))
    image = absolute(_text(item.get("image")), base) or absolute(
        _text(item.get("banner_image")), base
    )
    if image is None:
        for attachment in item.get("attachments") or []:
            if isinstance(attachment, dict) and _text(attachment.get("mime_type")).startswith(
                "image/"
            ):
                image = absolute(_text(attachment.get("url")), base)
                if image:
                    break
    if not (guid_text or link):
        return None
    return Entry(
        link=link,
        guid=guid_text,
        title=plain(_text(item.get("title"))),
        published=_date(item.get("date_published")) or _date(item.get("date_modified")),
        body=html_body or text_body or summary,
        image=image,
    )


def parse_json_feed(content: bytes, *, url: str) -> FeedDoc:
    """A JSON Feed; FeedDoc(version="") with the reason when it is not one."""
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        return FeedDoc(version="", title=None, entries=(), bozo=True, error=str(error)[:200])
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return FeedDoc(version="", title=None, entries=(), error="not a JSON Feed")
    version = VERSIONS.get(str(doc.get("version", "")).rstrip("/"), "")
    if not version and not str(doc.get("version", "")).startswith("https://jsonfeed.org/"):
        return FeedDoc(version="", title=None, entries=(), error="not a JSON Feed")
    base = url  # relative item URLs (against the spec, but seen) resolve like XML links
    entries = [
        entry
        for item in doc["items"]
        if isinstance(item, dict) and (entry := _item(item, base)) is not None
    ]
    return FeedDoc(
        version=version or "json",
        title=plain(_text(doc.get("title"))),
        entries=tuple(entries),
        encoding="utf-8",
    )
