"""The columns a stored draft carries — review drafts (feed_drafts) and /push previews
(previews) hold the same story fields: one place turns them into SQL values and back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from storage.db import Row

DRAFT_COLUMNS = "title, text, url, source, published, topics, keys, image"
DRAFT_SLOTS = ", ".join("?" * len(DRAFT_COLUMNS.split(", ")))  # one ? per column


def draft_values(
    title: str | None,
    text: str,
    url: str | None,
    source: str | None,
    published: datetime | None,
    topics: Sequence[str],
    keys: Sequence[tuple[str, str]],
    image: str | None = None,
) -> tuple[object, ...]:
    """Values for DRAFT_COLUMNS, in order."""
    return (
        title,
        text,
        url,
        source,
        published.timestamp() if published else None,
        json.dumps(list(topics)),
        json.dumps([list(k) for k in keys]),
        image,
    )


def draft_fields(row: Row) -> dict[str, Any]:
    """DRAFT_COLUMNS of a row as keyword arguments for the draft dataclasses."""
    published = row["published"]
    return {
        "title": row["title"],
        "text": row["text"],
        "url": row["url"],
        "source": row["source"],
        "published": datetime.fromtimestamp(published, UTC) if published is not None else None,
        "topics": tuple(json.loads(row["topics"])),
        "keys": tuple((kind, key) for kind, key in json.loads(row["keys"])),
        "image": row["image"],
    }
