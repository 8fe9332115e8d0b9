"""A row of `articles` as a domain Article: the one place a stored story is read back,
its analysis decoded by storage.codec (an unreadable one is logged and left out)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.domain import Article
from storage.codec import decode, unpack
from storage.db import Row

# What a search hit shows of a story (no analysis, no image): storage.search reads these.
HIT_COLUMNS = (
    "id",
    "title",
    "text",
    "url",
    "source",
    "published",
    "language",
    "topics",
    "created_at",
    "followup_of",
)


def article_of(row: Row) -> Article:
    published = row["published"]
    keys = set(row.keys())  # asyncpg gives an iterator: read it once
    return Article(
        id=row["id"],
        title=row["title"],
        text=unpack(row["text"]),
        url=row["url"],
        source=row["source"],
        published=datetime.fromtimestamp(published, UTC) if published is not None else None,
        language=row["language"],
        topics=tuple(json.loads(row["topics"])),
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
        analysis=decode(row["analysis"], row["id"]) if "analysis" in keys else None,
        followup_of=row["followup_of"] if "followup_of" in keys else None,
        news=tuple(json.loads(row["news"])) if "news" in keys and row["news"] else (),
        image=row["image"] if "image" in keys else None,
    )
