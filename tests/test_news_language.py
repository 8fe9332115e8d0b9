"""Language heuristic: uk / ru / en, graceful on anything else."""

from __future__ import annotations

import pytest

from bot.news.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Сполучені Штати не поступатимуться Росії щодо гарантій безпеки.", "uk"),
        ("Україна отримає нову допомогу від союзників, заявив прем'єр.", "uk"),
        ("Соединённые Штаты не пойдут на уступки России.", "ru"),
        # No ы/э/ъ/ё at all, but no і/ї/є either: Russian.
        ("Россия и США обсудили гарантии безопасности в Женеве.", "ru"),
        ("The United States will not make concessions to Russia.", "en"),
        # Ukrainian story quoting an English name and a Russian word stays Ukrainian.
        (
            "Речник Держдепу Нед Прайс (Ned Price) назвав це «провокацией», але "
            "Україна і союзники готові до діалогу.",
            "uk",
        ),
        # Russian story with English names.
        (
            "Представитель State Department Нед Прайс заявил, что Вашингтон готов к "
            "переговорам с Москвой по вопросам безопасности.",
            "ru",
        ),
    ],
)
def test_detects(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "12345 — 678", "Der Bund hat entschieden.", "🙂🙂"])
def test_other_input_degrades_to_a_supported_language(text: str) -> None:
    assert detect_language(text) in {"uk", "ru", "en"}


def test_german_falls_back_to_latin_side() -> None:
    assert detect_language("Die Vereinigten Staaten und Russland verhandeln.") == "en"
