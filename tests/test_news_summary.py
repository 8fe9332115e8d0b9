"""Extractive summary: whole sentences, original order, no repeats, no background."""

from __future__ import annotations

from bot.news import analyze
from tests.shared_data import seed_text

STORY = """Уряд ухвалив нову програму підтримки фермерів
Уряд ухвалив програму підтримки фермерів на 5 млрд гривень.
Програма передбачає дешеві кредити для фермерів і компенсацію за техніку.
Нагадаємо, раніше уряд уже ухвалював програму підтримки фермерів на 2 млрд гривень.
Кредити для фермерів видаватимуть державні банки під 5 відсотків.
Уряд ухвалив програму підтримки фермерів на 5 млрд гривень, повідомили в Мінагро.
Фермери зможуть подати заявки з 1 березня.
Погода цього тижня буде теплою.
Міністр пообіцяв, що техніку для фермерів компенсують на 25 відсотків.
Асоціація фермерів назвала програму підтримки кроком уперед."""


def test_summary_sentences_are_whole_and_in_order() -> None:
    analysis = analyze(STORY)
    body = "\n".join(analysis.paragraphs)
    assert 2 <= len(analysis.summary) <= 3
    positions = [body.index(s) for s in analysis.summary]
    assert positions == sorted(positions)
    assert all(s in body for s in analysis.summary)


def test_summary_has_no_near_duplicates_or_background() -> None:
    summary = analyze(STORY).summary
    starts = [s.startswith("Уряд ухвалив програму підтримки фермерів на 5 млрд") for s in summary]
    assert sum(starts) == 1  # the two near-identical lines never both
    assert not any(s.startswith("Нагадаємо") for s in summary)
    assert "Погода цього тижня буде теплою." not in summary  # off-topic


def test_background_line_used_when_nothing_else() -> None:
    text = (
        "Заголовок\nНагадаємо, що переговори тривали сім годин у Женеві.\n"
        "Раніше сторони вже зустрічалися в Римі для консультацій."
    )
    assert len(analyze(text).summary) == 2


def test_short_story_gets_what_it_has() -> None:
    analysis = analyze("Коротко\nОдне-єдине речення про важливу подію у столиці.")
    assert analysis.summary == ("Одне-єдине речення про важливу подію у столиці.",)
    assert analyze("Лише заголовок").summary == ()


def test_seed_summary_says_no_concessions() -> None:
    analysis = analyze(seed_text())
    assert 2 <= len(analysis.summary) <= 3
    text = " ".join(analysis.summary)
    assert "не поступатимуться Росії" in text or "не стануть поступками" in text
    assert "гарантій безпеки" in text
    body = "\n".join(analysis.paragraphs)
    assert all(s in body for s in analysis.summary)
    assert not any(s.startswith("Нагадаємо") for s in analysis.summary)
