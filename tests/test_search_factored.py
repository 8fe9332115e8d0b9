"""SQLite's MATCH expression with the readings' shared phrases factored out against the
expression it replaces (every reading in full, OR-ed): the same stories, totals and
scores, except that a story matching several readings counts a shared phrase once."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.search.index import new_article
from bot.search.lemmas import lemmatize
from storage import articles, search_sqlite
from storage.backends import open_database
from storage.db import Database
from storage.search_doc import SearchPlan

pytestmark = pytest.mark.sqlite_only("SQLite's FTS5 expression")
NOW = 1_750_000_000.0
WORDS = ("ракета", "дрон", "місто", "уряд", "зерно", "світло")


def unfactored(plan: SearchPlan) -> str:
    """match_expression before the factoring: every reading in full."""
    q = search_sqlite._quote
    text = " OR ".join("(" + " AND ".join(q(g) for g in r) + ")" for r in plan.readings)
    excluded = list(dict.fromkeys(q(g) for g in plan.excluded))
    if excluded:
        text = f"({text}) NOT ({' OR '.join(excluded)})"
    parts = [f"{search_sqlite.TEXT_COLUMNS} : ({text})"]
    if plan.topic:
        parts.append(f"{{topics}} : {q((plan.topic,))}")
    return " AND ".join(parts)


def w(*words: str) -> tuple[tuple[str, ...], ...]:
    return tuple((word,) for word in words)


PLANS = [
    SearchPlan(readings=(w("ракета", "дрон"), w("ракета", "місто"))),
    SearchPlan(readings=(w("ракета", "дрон", "місто"), w("ракета", "уряд", "місто"))),
    SearchPlan(readings=(w("ракета"), w("дрон"), w("місто"))),
    SearchPlan(readings=(w("ракета"), w("ракета", "дрон"))),  # one is the shared part alone
    SearchPlan(
        readings=(
            w("ракета", "дрон", "місто"),
            w("ракета", "уряд", "місто"),
            w("світло", "дрон", "зерно"),
            w("світло", "уряд", "зерно"),
        )
    ),
    SearchPlan(readings=(w("дрон", "ракета"), w("уряд", "ракета")), excluded=w("світло")),
    SearchPlan(readings=(w("ракета", "дрон"), w("ракета", "місто")), topic="probe"),
    SearchPlan(
        readings=((("ракета", "дрон"), ("місто",)), (("ракета", "дрон"), ("уряд",))),
    ),
]


def matching(words: set[str], plan: SearchPlan) -> int:
    """How many of the plan's readings a story of these words matches (single words)."""
    return sum(all(g[0] in words for g in r) for r in plan.readings if all(len(g) == 1 for g in r))


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[tuple[Database, dict[int, set[str]]]]:
    db = await open_database(tmp_path / "factored.db")
    rng = random.Random(15)
    stories: dict[int, set[str]] = {}
    async with db.transaction() as conn:
        for n in range(1, 121):
            title = rng.sample(WORDS, rng.randint(0, 2))
            body = [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
            story = new_article(
                title=" ".join(title) or "новина",
                text=" ".join(body),
                language="uk",
                topics=("probe",) if n % 3 else ("other",),
            )
            article_id = await articles.insert(conn, story, now=NOW - n * 3600)
            stories[article_id] = set(lemmatize(" ".join(title + body), "uk"))
    yield db, stories
    await db.close()


@pytest.mark.parametrize("plan", PLANS)
async def test_factored_expression_matches_what_the_full_one_did(
    lite: tuple[Database, dict[int, set[str]]], plan: SearchPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, stories = lite
    expression = search_sqlite.match_expression(plan)
    phrases = [search_sqlite._quote(g) for r in plan.readings for g in r]
    occurrences = sum(expression.count(p) for p in set(phrases))
    if len(set(phrases)) < len(phrases) and plan != PLANS[3]:
        assert occurrences < len(phrases), expression  # bm25 walks each phrase of it
    if plan in (PLANS[0], PLANS[1], *PLANS[5:]):
        assert occurrences == len(set(phrases)), expression
    kwargs = {"now": NOW, "since": None, "until": None, "limit": 200, "offset": 0}
    new = await search_sqlite.match(db, plan, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(search_sqlite, "match_expression", unfactored)
    old = await search_sqlite.match(db, plan, **kwargs)  # type: ignore[arg-type]
    assert new is not None and old is not None
    assert new.total == old.total and new.total > 0
    assert {i for i, _ in new.ranked} == {i for i, _ in old.ranked}
    old_scores = dict(old.ranked)
    several = 0
    for story, score in new.ranked:
        if matching(stories[story], plan) > 1:  # a shared phrase counted once, not twice
            several += 1
            assert score >= old_scores[story] * (1 + 1e-12)  # bm25 < 0: less weight
        elif all(len(g) == 1 for r in plan.readings for g in r):
            assert score == pytest.approx(old_scores[story], rel=1e-12)
    if plan.readings == PLANS[0].readings:
        assert several  # the case the factoring changes is in the fixture
