"""Keyword watches: storage, the service's rules, and matching new stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import news
from bot.news.model import Analysis, TopicMatch
from bot.search import engine as search
from bot.search.service import MAX_PER_CHAT, AddStatus, WatchService
from bot.search.watch import WatchMatcher
from bot.stories import Draft, StoryService
from storage import articles, chats, outbox, subscriptions, watches
from storage.backends import open_database
from storage.db import Database
from storage.watches import Watch


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "w.db")
    for chat_id in (1, 2, 3):
        await chats.touch(database, chat_id, telegram_language="uk")
    yield database
    await database.close()


def story(title: str, text: str, *topics: str, url: str | None = None) -> Analysis:
    analysis = news.analyze(text, title=title, url=url)
    if topics:
        analysis = replace(analysis, topic_matches=tuple(TopicMatch(t, 1.0) for t in topics))
    return analysis


PRICE = "Речник Держдепу Нед Прайс заявив журналістам, що переговори тривають."
PRICE_IRAN = "Нед Прайса запитали про Іран, і він відмовився коментувати ядерну угоду з Іраном."


async def test_storage_add_list_remove(db: Database) -> None:
    first = await watches.add(db, 1, "Прайс -Іран")
    second = await watches.add(db, 1, '"гарантія безпеки"')
    assert first is not None and second is not None
    assert await watches.add(db, 1, "Прайс -Іран") is None  # duplicate
    assert await watches.add(db, 99, "Прайс") is None  # unknown chat
    assert [w.query for w in await watches.of_chat(db, 1)] == ["Прайс -Іран", '"гарантія безпеки"']
    assert not await watches.remove(db, 2, first.id)  # not chat 2's watch
    assert await watches.remove(db, 1, first.id)
    assert not await watches.remove(db, 1, first.id)
    assert [w.id for w in await watches.of_chat(db, 1)] == [second.id]


async def test_watches_follow_a_migrated_chat(db: Database) -> None:
    watch = await watches.add(db, 3, "Прайс")
    assert watch is not None
    await chats.migrate(db, 3, -1003)
    moved = await watches.get(db, watch.id)
    assert moved is not None and moved.chat_id == -1003


async def test_blocked_chat_keeps_watches_but_gets_nothing(db: Database) -> None:
    service = WatchService(db)
    await service.add(1, "Прайс")
    await service.add(2, "Прайс")
    await chats.set_status(db, 2, chats.BLOCKED)
    assert await service.load() == 2  # it may come back; publish skips it meanwhile
    stories = StoryService(db, match_watches=service.match)
    published = await stories.publish(Draft(text=PRICE, title="Брифінг"))
    rows = [r for r in await outbox.due(db) if r.article_id == published.article_id]
    assert [r.chat_id for r in rows] == [1]


async def test_service_rules(db: Database) -> None:
    service = WatchService(db)
    assert (await service.add(1, "")).status is AddStatus.EMPTY
    assert (await service.add(1, "-Іран topic:nato")).status is AddStatus.EMPTY
    assert (await service.add(1, "Прайс " * 100)).status is AddStatus.ADDED  # words dedupe
    assert (await service.add(1, "Прайс")).status is AddStatus.DUPLICATE
    long_words = " ".join(f"надзвичайнодовгеслово{chr(0x430 + i)}" for i in range(9))
    assert (await service.add(1, long_words)).status is AddStatus.TOO_LONG
    many_words = " ".join(f"слово{chr(0x430 + i)}" for i in range(20))  # over MAX_TERMS
    assert (await service.add(1, many_words)).status is AddStatus.TOO_LONG
    assert (await service.add(99, "Прайс")).status is AddStatus.UNKNOWN_CHAT
    for i in range(MAX_PER_CHAT - 1):
        assert (await service.add(2, f"слово{chr(0x430 + i)}")).status is AddStatus.ADDED
    assert (await service.add(2, "ще")).status is AddStatus.ADDED
    assert (await service.add(2, "забагато")).status is AddStatus.TOO_MANY


async def test_match_with_exclusion_carries_terms(db: Database) -> None:
    service = WatchService(db)
    added = await service.add(1, "Прайс -Іран")
    assert added.watch is not None and added.query.terms == ("Прайс",)
    hits = service.match(story("Брифінг", PRICE))
    assert [(r.chat_id, r.watch_id, r.terms) for r in hits] == [(1, added.watch.id, "Прайс")]
    assert service.match(story("Брифінг", PRICE_IRAN)) == []  # inflected "Іраном" excluded


async def test_match_phrase_morphology_and_filters(db: Database) -> None:
    service = WatchService(db)
    phrase = (await service.add(1, '"гарантія безпеки"')).watch
    topic = (await service.add(2, "Прайс topic:nato")).watch
    source = (await service.add(3, "Прайс source:state.gov")).watch
    assert phrase and topic and source
    together = story("Переговори", "Сторони обговорили питання гарантій безпеки для Європи.")
    apart = story("Переговори", "Безпеки не буде без гарантій від партнерів у Європі.")
    assert [r.chat_id for r in service.match(together)] == [1]
    assert service.match(apart) == []
    assert [r.chat_id for r in service.match(story("Брифінг", PRICE, "nato"))] == [2]
    assert [r.chat_id for r in service.match(story("Брифінг", PRICE, "energy"))] == []
    on_site = story("Брифінг", PRICE, url="https://www.state.gov/briefings/1")
    assert [r.chat_id for r in service.match(on_site)] == [3]


async def test_lang_filter_and_english_stems(db: Database) -> None:
    service = WatchService(db)
    await service.add(1, "sanctions lang:en")
    await service.add(2, "sanctions lang:uk")
    english = story("New sanctions", "The United States announced new sanctions on Monday.")
    assert english.language == "en"
    assert [r.chat_id for r in service.match(english)] == [1]


async def test_one_recipient_per_chat_with_all_terms(db: Database) -> None:
    service = WatchService(db)
    first = (await service.add(1, "Прайс")).watch
    await service.add(1, "переговори")
    await service.add(1, "Іран")  # does not match
    assert first is not None
    hits = service.match(story("Брифінг", PRICE))
    assert len(hits) == 1
    assert (hits[0].watch_id, hits[0].terms) == (first.id, "Прайс, переговори")


async def test_remove_and_load_keep_matcher_in_step(db: Database) -> None:
    service = WatchService(db)
    watch = (await service.add(1, "Прайс")).watch
    await service.add(2, "Прайс")
    assert watch is not None
    assert not await service.remove(2, watch.id)  # chat 2 cannot remove chat 1's watch
    assert {r.chat_id for r in service.match(story("Брифінг", PRICE))} == {1, 2}
    assert await service.remove(1, watch.id)
    assert [r.chat_id for r in service.match(story("Брифінг", PRICE))] == [2]

    fresh = WatchService(db)
    assert await fresh.load() == 1
    assert [r.chat_id for r in fresh.match(story("Брифінг", PRICE))] == [2]


def test_matcher_anchor_skips_function_words() -> None:
    matcher = WatchMatcher([Watch(1, 1, "на Прайс")])
    assert [r.chat_id for r in matcher.match(story("Брифінг", PRICE))] == []  # no "на"
    matcher.add(Watch(2, 2, "про Іран"))
    assert [r.chat_id for r in matcher.match(story("Брифінг", PRICE_IRAN))] == [2]
    matcher.remove(2)
    assert matcher.match(story("Брифінг", PRICE_IRAN)) == [] and len(matcher) == 1


async def test_story_service_queues_keyword_deliveries(db: Database) -> None:
    service = WatchService(db)
    watch = (await service.add(2, "Прайс")).watch
    assert watch is not None
    stories = StoryService(db, match_watches=service.match)
    published = await stories.publish(Draft(text=PRICE, title="Брифінг Прайса"))
    rows = [r for r in await outbox.due(db) if r.article_id == published.article_id]
    assert [(r.chat_id, r.reason_kind, r.reason_value, r.watch_id) for r in rows] == [
        (2, "keyword", "Прайс", watch.id)
    ]


def test_matcher_reads_stories_in_other_languages_as_written() -> None:
    bulgarian = story("Среща", "Министрите обсъдиха преговорите в Женева. Срещата ще продължи.")
    assert bulgarian.language == "bg"
    matcher = WatchMatcher([Watch(1, 1, "преговорите"), Watch(2, 2, "преговорите lang:uk")])
    matcher.add(Watch(3, 3, "Женева lang:bg"))
    assert [r.chat_id for r in matcher.match(bulgarian)] == [1, 3]


async def test_a_story_in_another_language_is_stored_found_and_reaches_no_topic(
    db: Database,
) -> None:
    # Chat 1 follows the headline topic, chat 2 watches a word as written.
    await subscriptions.add(db, 1, "us-russia-security")
    service = WatchService(db)
    watch = (await service.add(2, "преговорите")).watch
    assert watch is not None
    stories = StoryService(db, match_watches=service.match)
    text = (
        "Министрите на САЩ и Русия обсъдиха гаранциите за сигурност. Президентът каза, че "
        "преговорите ще продължат. Русия и САЩ ще се срещнат отново в Женева."
    )
    published = await stories.publish(Draft(text=text, title="САЩ и Русия: преговорите"))
    stored = await articles.get(db, published.article_id)
    assert stored is not None and stored.language == "bg" and stored.topics == ()
    rows = [r for r in await outbox.due(db) if r.article_id == published.article_id]
    assert [(r.chat_id, r.reason_kind) for r in rows] == [(2, "keyword")]
    page = await search.search(db, "преговорите")
    assert [h.article_id for h in page.hits] == [published.article_id]
