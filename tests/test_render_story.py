"""render_story: the layout in uk and en, the keyboard, and trimming to the limits."""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.domain import Reason, ReasonKind
from bot.news.model import Quote
from bot.render import render_story
from bot.tghtml import MAX_TEXT, utf16_len
from tests.test_render_support import (
    analysis,
    article,
    callback_data,
    check_message,
    entity_text,
    url_buttons,
)

TOPIC = Reason(ReasonKind.TOPIC, "us-russia-security")
NAMES = {"us-russia-security": "Переговори США і Росії з безпеки"}
PRICE = (
    Quote("Це означає, що Кремлю теж доведеться щось робити", "Нед Прайс"),
    Quote("Ми робимо це з метою єдиного реагування", "Нед Прайс"),
)


def _norm(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_ukrainian_layout() -> None:
    rendered = render_story(
        article(title="США <заперечили> поступки & «гарантії»"),
        analysis(quotes=PRICE),
        "uk",
        TOPIC,
        tz="Europe/Kyiv",
        topic_names=NAMES,
    )
    plain, entities = check_message(rendered.text)
    bold = [entity_text(plain, e) for e in entities if e.type == "bold"]
    assert bold[0] == "США <заперечили> поступки & «гарантії»"  # escaped, bold, first
    link = next(e for e in entities if e.type == "text_link")
    assert link.url == "https://example.org/news/1?a=1&b=2"
    assert entity_text(plain, link) == bold[0]
    assert "Example News · 24 січня 2022 р." in _norm(plain)
    assert "One sentence. Another sentence." in plain
    quotes = [entity_text(plain, e) for e in entities if e.type == "blockquote"]
    assert quotes == [f"{q.text}\n— Нед Прайс" for q in PRICE]
    assert "Ви стежите за темою «Переговори США і Росії з безпеки»" in plain
    assert "Час читання: 2 хвилини" in plain
    assert "Оновлення" not in plain


def test_english_layout_and_date_in_the_readers_timezone() -> None:
    late = article(published=article().published.replace(hour=23))  # type: ignore[union-attr]
    rendered = render_story(
        late,
        analysis(quotes=PRICE[:1]),
        "en",
        TOPIC,
        tz="Europe/Kyiv",
        topic_names={"us-russia-security": "US–Russia security talks"},
    )
    plain, entities = check_message(rendered.text)
    assert "Example News · January 25, 2022" in plain  # 23:00 UTC is the 25th in Kyiv
    assert "You follow the topic “US–Russia security talks”" in plain
    assert "Reading time: 2 minutes" in plain
    assert [entity_text(plain, e) for e in entities if e.type == "blockquote"] == [
        f"{PRICE[0].text}\n— Нед Прайс"
    ]


@pytest.mark.parametrize(
    ("locale", "words", "expected"),
    [
        ("uk", 150, "Час читання: 1 хвилина"),
        ("uk", 600, "Час читання: 3 хвилини"),
        ("uk", 1000, "Час читання: 5 хвилин"),
        ("uk", 4200, "Час читання: 21 хвилина"),
        ("en", 200, "Reading time: 1 minute"),
        ("en", 1000, "Reading time: 5 minutes"),
    ],
)
def test_reading_time_plurals(locale: str, words: int, expected: str) -> None:
    rendered = render_story(
        article(), analysis(word_count=words), locale, TOPIC, tz="UTC", topic_names=NAMES
    )
    plain, _ = check_message(rendered.text)
    assert plain.rstrip().endswith(expected)


def test_reading_time_falls_back_to_counting_the_text() -> None:
    long_text = "слово " * 1000
    rendered = render_story(article(text=long_text), analysis(word_count=0), "uk", TOPIC, tz="UTC")
    assert "Час читання: 5 хвилин" in check_message(rendered.text)[0]


def test_topic_reason_buttons() -> None:
    rendered = render_story(article(), analysis(), "en", TOPIC, tz="UTC", topic_names=NAMES)
    assert callback_data(rendered.keyboard) == [
        callbacks.FullText(42).pack(),
        callbacks.MoreLike(42).pack(),
        callbacks.Unfollow("us-russia-security").pack(),
    ]
    assert url_buttons(rendered.keyboard) == ["https://example.org/news/1?a=1&b=2"]


def test_keyword_reason_line_and_unwatch_button() -> None:
    reason = Reason(ReasonKind.KEYWORD, "ракета <script>", watch_id=7)
    rendered = render_story(article(), analysis(), "uk", reason, tz="UTC")
    plain, _ = check_message(rendered.text)
    assert "Збіг за вашим ключовим словом «ракета <script>»" in plain
    data = callback_data(rendered.keyboard)
    assert callbacks.Unwatch(7).pack() in data
    assert not any(callbacks.Unfollow.unpack(d) for d in data)


def test_requested_story_has_no_why_line_and_no_unsubscribe() -> None:
    reason = Reason(ReasonKind.REQUESTED)
    uk = check_message(render_story(article(), analysis(), "uk", reason, tz="UTC").text)[0]
    en = render_story(article(), analysis(), "en", reason, tz="UTC")
    assert "темою" not in uk and "ключовим" not in uk
    assert "follow" not in check_message(en.text)[0]
    assert len(callback_data(en.keyboard)) == 2


def test_update_marker() -> None:
    for locale, word in (("uk", "Оновлення"), ("en", "Update")):
        rendered = render_story(article(), analysis(), locale, TOPIC, tz="UTC", update=True)
        plain, entities = check_message(rendered.text)
        assert plain.startswith(f"🔄 {word}\n")
        assert entity_text(plain, entities[0]) == f"🔄 {word}"


def test_without_url_no_link_and_no_source_button() -> None:
    rendered = render_story(
        article(url="javascript:alert(1)", source=None), analysis(), "en", TOPIC, tz="UTC"
    )
    _plain, entities = check_message(rendered.text)
    assert not [e for e in entities if e.type == "text_link"]
    assert url_buttons(rendered.keyboard) == []
    assert "javascript" not in rendered.text


def test_source_name_falls_back_to_the_host() -> None:
    rendered = render_story(
        article(url="https://www.unian.ua/x", source=None), analysis(), "en", TOPIC, tz="UTC"
    )
    assert "unian.ua · January 24, 2022" in check_message(rendered.text)[0]


def test_long_topic_id_drops_the_button_rather_than_failing() -> None:
    reason = Reason(ReasonKind.TOPIC, "t" * 80)
    rendered = render_story(article(), analysis(), "en", reason, tz="UTC")
    assert len(callback_data(rendered.keyboard)) == 2


def test_long_content_is_trimmed_at_sentence_boundaries() -> None:
    sentences = tuple(f"Речення номер {i} про переговори у Женеві." for i in range(200))
    quotes = tuple(Quote("Дуже довга цитата без крапок " * 60, "Нед Прайс") for _ in range(8))
    rendered = render_story(
        article(), analysis(summary=sentences, quotes=quotes), "uk", TOPIC, tz="UTC"
    )
    plain, entities = check_message(rendered.text)
    assert utf16_len(plain) > MAX_TEXT * 0.8  # the room is used, not thrown away
    summary = plain.split("\n\n")[1]
    assert summary.endswith(". …")  # whole sentences, then the ellipsis
    assert summary.removesuffix(" …") in " ".join(sentences)
    blockquotes = [entity_text(plain, e) for e in entities if e.type == "blockquote"]
    assert blockquotes, "a long summary must leave room for quotes"
    for quote in blockquotes:
        body, _, speaker = quote.rpartition("\n— ")
        assert speaker == "Нед Прайс"
        assert body.endswith("…") or body == quotes[0].text.strip()
        assert (body.removesuffix("…") + " ") in quotes[0].text  # cut between words
    assert "Час читання" in plain  # the footer survives


def test_seed_story_renders_with_both_price_quotes() -> None:
    from bot.news import analyze
    from tests.shared_data import seed_text

    result = analyze(seed_text())
    story = article(title=result.title, text=result.text, url=None, source="Seed")
    for locale in ("uk", "en"):
        rendered = render_story(story, result, locale, TOPIC, tz="Europe/Kyiv", topic_names=NAMES)
        plain, entities = check_message(rendered.text)
        assert entity_text(plain, entities[0]) == result.title
        quotes = [entity_text(plain, e) for e in entities if e.type == "blockquote"]
        # the speaker with the role the story gives him
        assert (
            len([q for q in quotes if q.endswith("— Нед Прайс, речник Держдепартаменту США")]) >= 2
        )
        assert NAMES["us-russia-security"] in plain


def test_without_a_summary_the_first_paragraph_is_trimmed_at_a_sentence() -> None:
    body = " ".join(f"Речення {i} про безпеку." for i in range(600))
    rendered = render_story(article(text=body), analysis(summary=()), "uk", TOPIC, tz="UTC")
    plain, _ = check_message(rendered.text)
    summary = plain.split("\n\n")[1]
    assert summary.startswith("Речення 0 про безпеку. Речення 1")
    assert summary.endswith("про безпеку. …")
