"""Builders and checks shared by the rendering tests; it holds no tests itself."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import callbacks
from bot.domain import Article
from bot.news.model import Analysis, Quote
from bot.render.keyboard import Keyboard
from bot.tghtml import MAX_ENTITIES, MAX_TEXT, Entity, parse, utf16_len

PUBLISHED = datetime(2022, 1, 24, 10, 0, tzinfo=UTC)


def article(
    title: str = "US denies concessions to Russia",
    text: str = "First paragraph.\n\nSecond paragraph.",
    url: str | None = "https://example.org/news/1?a=1&b=2",
    source: str | None = "Example News",
    published: datetime | None = PUBLISHED,
    article_id: int = 42,
) -> Article:
    return Article(
        id=article_id,
        title=title,
        text=text,
        url=url,
        source=source,
        published=published,
        language="uk",
        topics=("us-russia-security",),
        created_at=PUBLISHED,
    )


def analysis(
    summary: tuple[str, ...] = ("One sentence.", "Another sentence."),
    quotes: tuple[Quote, ...] = (),
    word_count: int = 300,
    title: str = "US denies concessions to Russia",
) -> Analysis:
    return Analysis(
        language="uk",
        title=title,
        paragraphs=("First paragraph.",),
        summary=summary,
        quotes=quotes,
        topic_matches=(),
        fingerprint=(),
        word_count=word_count,
    )


def entity_text(plain: str, entity: Entity) -> str:
    """The text an entity covers (offsets are UTF-16 code units)."""
    units = plain.encode("utf-16-le")
    start, end = 2 * entity.offset, 2 * (entity.offset + entity.length)
    return units[start:end].decode("utf-16-le")


def check_message(html: str) -> tuple[str, list[Entity]]:
    """Parse like Telegram and assert the limits; returns the parsed message."""
    plain, entities = parse(html)
    assert plain.strip(), "empty message"
    assert utf16_len(plain) <= MAX_TEXT
    assert len(entities) <= MAX_ENTITIES
    return plain, entities


def callback_data(keyboard: Keyboard | None) -> list[str]:
    """Every callback_data in a keyboard, each checked for Telegram's 64-byte limit."""
    found = []
    for row in keyboard or ():
        for button in row:
            if button.callback is not None:
                assert len(button.callback.encode()) <= callbacks.MAX_BYTES
                found.append(button.callback)
    return found


def url_buttons(keyboard: Keyboard | None) -> list[str]:
    return [button.url for row in (keyboard or ()) for button in row if button.url]
