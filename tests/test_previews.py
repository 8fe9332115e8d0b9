from pathlib import Path

from storage import previews
from storage.backends import open_database


async def test_abandoned_previews_are_dropped_after_a_week(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "p.db")

    async def add_at(now: float) -> int:
        return await previews.add(
            db,
            chat_id=1,
            title="T",
            text="Body.",
            url=None,
            source=None,
            published=None,
            topics=["nato"],
            keys=[("url", "example.org/a")],
            now=now,
        )

    try:
        old = await add_at(1_000.0)
        fresh = await add_at(1_000.0 + previews.KEEP_S - 1)
        assert await previews.get(db, old) is not None  # not a week yet
        newest = await add_at(1_000.0 + previews.KEEP_S + 1)
        assert await previews.get(db, old) is None
        assert await previews.get(db, fresh) is not None
        assert await previews.get(db, newest) is not None
    finally:
        await db.close()
