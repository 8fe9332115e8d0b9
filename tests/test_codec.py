"""Analysis survives storage as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.news import analyze
from storage.codec import dumps, loads
from tests.test_news_topics import POSITIVE


def test_round_trip_keeps_every_field() -> None:
    title, body = POSITIVE["uk-geneva"]
    original = analyze(
        body + "\n«Ми не підемо на поступки», — сказав Прайс.",
        title=title,
        url="https://example.org/a",
        published=datetime(2022, 1, 10, 18, 30, tzinfo=UTC),
    )
    restored = loads(dumps(original))
    assert restored == original
    assert restored.published == original.published
    assert restored.topics == original.topics and restored.topic_matches[0].terms
    assert restored.lemmas == original.lemmas and restored.entities == original.entities


def test_round_trip_without_optional_values() -> None:
    original = analyze("Заголовок\nКоротка новина без дати і посилання.")
    restored = loads(dumps(original))
    assert restored == original and restored.published is None and restored.url is None


def test_json_is_readable_text() -> None:
    data = json.loads(dumps(analyze("Заголовок\nНовина про Київ.")))
    assert data["title"] == "Заголовок" and data["language"] == "uk"
    assert "Київ" in dumps(analyze("Заголовок\nНовина про Київ."))  # not \\u-escaped


def test_unknown_version_is_refused() -> None:
    data = json.loads(dumps(analyze("Заголовок\nНовина.")))
    data["v"] = 999
    with pytest.raises(ValueError, match="version"):
        loads(json.dumps(data))


def test_quote_roles_round_trip_and_records_without_them_still_load() -> None:
    original = analyze(
        "Речник міністерства Олег Петренко виступив на брифінгу.\n"
        "«Ми продовжимо переговори наступного тижня в Женеві», — сказав Петренко."
    )
    assert original.quotes[0].role == "речник міністерства"
    assert loads(dumps(original)) == original
    old = json.loads(dumps(original))
    for quote in old["quotes"]:
        del quote["role"]  # what a record stored before roles existed looks like
    restored = loads(json.dumps(old))
    assert restored.quotes[0].speaker == "Олег Петренко" and restored.quotes[0].role == ""
