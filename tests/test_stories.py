"""Publishing with a damaged stored analysis: storage decodes it in one place, logs it
and leaves it out; nothing else fails because of it."""

from __future__ import annotations

import logging

import pytest

from bot.stories import Draft, StoryService
from storage import articles
from storage.codec import pack
from storage.db import POSTGRES, Database
from tests.e2e import STORY

OTHER = (
    "Міська рада ухвалила бюджет на наступний рік\n\n"
    "Депутати проголосували за видатки на школи, лікарні та ремонт доріг. "
    "Найбільше коштів піде на оновлення громадського транспорту."
)


async def damage(db: Database, article_id: int, stored: str) -> None:
    # Written as text (SQLite: a record from before packing) or packed (PostgreSQL keeps
    # analyses as bytes only): either way the JSON inside is what is damaged.
    value = pack(stored) if db.dialect == POSTGRES else stored
    async with db.transaction() as conn:
        await conn.execute("UPDATE articles SET analysis = ? WHERE id = ?", (value, article_id))


@pytest.mark.parametrize("stored", ['{"v": 0}', "{not json", '{"v": 1, "title": "x"}'])
async def test_damaged_analysis_is_logged_and_skipped_publishing_goes_on(
    db: Database, caplog: pytest.LogCaptureFixture, stored: str
) -> None:
    service = StoryService(db)
    first = await service.publish(Draft(text=STORY))
    damaged = await service.publish(Draft(text=OTHER))
    await damage(db, damaged.article_id, stored)

    with caplog.at_level(logging.WARNING, logger="storage.codec"):
        # The same story again: still found as a follow-up of the readable first one.
        again = await service.publish(Draft(text=STORY))
    assert again.followup_of == first.article_id
    assert any(
        f"story {damaged.article_id}" in r.getMessage() and "unreadable" in r.getMessage()
        for r in caplog.records
    )
    # Reading it back gives the story without its analysis, not an error.
    article = await articles.get(db, damaged.article_id)
    assert article is not None and article.analysis is None
    assert article.title.startswith("Міська рада")
    readable = await articles.get(db, first.article_id)
    assert readable is not None and readable.analysis is not None
