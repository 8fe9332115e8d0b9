"""Pending /push previews: the draft, its "never twice" keys and the chosen topics,
waiting for an admin to publish, change topics or cancel (survives restarts)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Row
from storage.draft_rows import DRAFT_COLUMNS, DRAFT_SLOTS, draft_fields, draft_values
from storage.seen import Key

KEEP_S = 7 * 86400


@dataclass(frozen=True, slots=True)
class Preview:
    id: int
    chat_id: int
    title: str | None
    text: str
    url: str | None
    source: str | None
    published: datetime | None
    topics: tuple[str, ...]
    keys: tuple[Key, ...]
    created_at: float
    image: str | None = None


def _preview(row: Row) -> Preview:
    return Preview(
        id=row["id"], chat_id=row["chat_id"], created_at=row["created_at"], **draft_fields(row)
    )


async def add(
    db: Database,
    *,
    chat_id: int,
    title: str | None,
    text: str,
    url: str | None,
    source: str | None,
    published: datetime | None,
    topics: Sequence[str],
    keys: Sequence[Key],
    image: str | None = None,
    now: float | None = None,
) -> int:
    now = time.time() if now is None else now
    values = draft_values(title, text, url, source, published, topics, keys, image)
    async with db.transaction() as conn:
        preview_id = await conn.insert(
            f"INSERT INTO previews (chat_id, {DRAFT_COLUMNS}, created_at)"
            f" VALUES (?, {DRAFT_SLOTS}, ?)",
            (chat_id, *values, now),
        )
        assert preview_id is not None
        # Previews nobody acted on for a week are abandoned: drop them as new ones come.
        await conn.execute("DELETE FROM previews WHERE created_at < ?", (now - KEEP_S,))
        return preview_id


async def get(db: Database, preview_id: int) -> Preview | None:
    row = await db.fetchone("SELECT * FROM previews WHERE id = ?", (preview_id,))
    return _preview(row) if row else None


async def set_topics(db: Database, preview_id: int, topics: Sequence[str]) -> bool:
    async with db.transaction() as conn:
        changed = await conn.execute(
            "UPDATE previews SET topics = ? WHERE id = ?", (json.dumps(list(topics)), preview_id)
        )
        return changed > 0


async def take(db: Database, preview_id: int) -> Preview | None:
    """Remove the preview and return it: of two quick taps on Publish only one gets it."""
    async with db.transaction() as conn:
        row = await conn.fetchone("SELECT * FROM previews WHERE id = ?", (preview_id,))
        if row is None:
            return None
        await conn.execute("DELETE FROM previews WHERE id = ?", (preview_id,))
    return _preview(row)


async def put_back(db: Database, preview: Preview) -> None:
    """Restore a taken preview (publishing it failed), under its old id."""
    async with db.transaction() as conn:
        await conn.execute(
            f"INSERT INTO previews (id, chat_id, {DRAFT_COLUMNS}, created_at)"
            f" VALUES (?, ?, {DRAFT_SLOTS}, ?) ON CONFLICT DO NOTHING",
            (
                preview.id,
                preview.chat_id,
                *draft_values(
                    preview.title,
                    preview.text,
                    preview.url,
                    preview.source,
                    preview.published,
                    preview.topics,
                    preview.keys,
                    preview.image,
                ),
                preview.created_at,
            ),
        )
