"""Analysis <-> JSON, the stored form of a story's analysis. Versioned: a reader
refuses formats it does not know.

`decode` is the one place a stored analysis is read back, with one rule for a record
that cannot be read: log it and go on without it (None), never fail the caller.

`pack`/`unpack`: long texts (a story's text, its analysis, its search document) are
stored zlib-compressed, in Python so every backend stores the same bytes. Cyrillic is
two bytes a letter in UTF-8 and a story's text shrinks to about 45 %; a value written
before compression (text, not bytes) reads back as it is.
"""

from __future__ import annotations

import json
import logging
import zlib
from datetime import datetime
from typing import Any

from bot.domain import Analysis, Quote, TopicMatch

log = logging.getLogger(__name__)

VERSION = 1
LEVEL = 6  # zlib's default: 9 saves ~1 % more on story-sized texts at twice the time


def pack(text: str) -> bytes:
    return zlib.compress(text.encode(), LEVEL)


def unpack(raw: str | bytes) -> str:
    return raw if isinstance(raw, str) else zlib.decompress(raw).decode()


def to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "v": VERSION,
        "language": analysis.language,
        "title": analysis.title,
        "paragraphs": list(analysis.paragraphs),
        "summary": list(analysis.summary),
        "quotes": [_quote_dict(q) for q in analysis.quotes],
        "topics": [
            {"id": m.topic_id, "score": m.score, "terms": list(m.terms)}
            for m in analysis.topic_matches
        ],
        "fingerprint": list(analysis.fingerprint),
        "lemmas": list(analysis.lemmas),
        "url": analysis.url,
        "published": analysis.published.isoformat() if analysis.published else None,
        "word_count": analysis.word_count,
        "entities": list(analysis.entities),
        "extra": analysis.extra,
    }


def _quote_dict(quote: Quote) -> dict[str, str]:
    # 'role' only when there is one: records stay as they were for quotes without it
    out = {"text": quote.text, "speaker": quote.speaker}
    if quote.role:
        out["role"] = quote.role
    return out


def from_dict(data: dict[str, Any]) -> Analysis:
    if data.get("v") != VERSION:
        raise ValueError(f"unknown analysis format version: {data.get('v')!r}")
    published = data.get("published")
    return Analysis(
        language=str(data["language"]),
        title=str(data["title"]),
        paragraphs=tuple(data["paragraphs"]),
        summary=tuple(data["summary"]),
        quotes=tuple(Quote(q["text"], q["speaker"], q.get("role", "")) for q in data["quotes"]),
        topic_matches=tuple(
            TopicMatch(m["id"], float(m["score"]), tuple(m["terms"])) for m in data["topics"]
        ),
        fingerprint=tuple(int(h) for h in data["fingerprint"]),
        lemmas=tuple(data.get("lemmas", ())),
        url=data.get("url"),
        published=datetime.fromisoformat(published) if published else None,
        word_count=int(data.get("word_count", 0)),
        entities=tuple(data.get("entities", ())),
        extra=dict(data.get("extra") or {}),
    )


def dumps(analysis: Analysis) -> str:
    return json.dumps(to_dict(analysis), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Analysis:
    return from_dict(json.loads(text))


def decode(raw: str | bytes | None, article_id: int) -> Analysis | None:
    """The stored analysis of one story (packed, or JSON text from before packing);
    None (logged) when it is missing or unreadable."""
    if not raw:
        return None
    try:
        return loads(unpack(raw))
    except (ValueError, TypeError, KeyError, AttributeError, zlib.error) as error:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; a damaged record is
        # skipped, not fatal.
        log.warning("story %s: stored analysis unreadable (%s), skipped", article_id, error)
        return None
