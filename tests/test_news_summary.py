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


ANAPHORA_UK = """Переговори щодо гарантій безпеки завершилися в Женеві
Делегації США та Росії завершили в Женеві переговори щодо гарантій безпеки.
Американська делегація заявила, що США не підуть на поступки Росії щодо гарантій безпеки.
За його словами, Москва чекає письмової відповіді США на свої пропозиції щодо гарантій безпеки.
Він також заявив, що Росія чекає відповіді США щодо гарантій безпеки найближчим часом.
Це вже третій раунд переговорів США та Росії щодо гарантій безпеки у Женеві.
Наступний раунд переговорів щодо гарантій безпеки відбудеться у лютому в Женеві.
Сторони домовилися обмінятися письмовими пропозиціями до кінця місяця.
Журналісти чекали на завершення переговорів біля входу до місії."""


def test_summary_avoids_sentences_that_lean_on_the_one_before() -> None:
    analysis = analyze(ANAPHORA_UK)
    assert 2 <= len(analysis.summary) <= 3
    body = "\n".join(analysis.paragraphs)
    assert all(s in body for s in analysis.summary)
    for opener in ("За його словами", "Він ", "Це "):
        assert not any(s.startswith(opener) for s in analysis.summary), analysis.summary


def test_summary_anaphora_in_russian_and_english() -> None:
    ru = (
        "Переговоры о гарантиях безопасности завершились в Женеве\n"
        "Делегации США и России встретились в Женеве в понедельник утром.\n"
        "По его словам, переговоры о гарантиях безопасности в Женеве завершились без соглашения.\n"
        "Он также заявил, что переговоры о гарантиях безопасности продолжатся в Женеве.\n"
        "Следующий раунд переговоров пройдёт в феврале в Вене.\n"
    )
    en = (
        "Security talks end in Geneva\n"
        "US and Russian delegations met in Geneva on Monday morning.\n"
        "He said the security talks in Geneva ended without a deal on security guarantees.\n"
        "This means the security talks in Geneva will continue next month.\n"
        "The next round of talks is planned for February in Vienna.\n"
    )
    ru_summary = analyze(ru).summary
    assert ru_summary[0].startswith("Делегации США и России"), ru_summary
    assert not any(s.startswith("Он ") for s in ru_summary), ru_summary
    en_summary = analyze(en).summary
    assert len(en_summary) == 2
    assert not any(s.startswith(("He ", "This ")) for s in en_summary), en_summary


def test_anaphoric_sentences_used_when_nothing_else() -> None:
    text = (
        "Заголовок\nЗа його словами, переговори тривали сім годин у Женеві.\n"
        "Він додав, що сторони вже зустрічалися в Римі для консультацій."
    )
    assert len(analyze(text).summary) == 2


def test_time_phrases_with_this_are_not_anaphora() -> None:
    from bot.news.summary import _ANAPHORIC

    assert _ANAPHORIC.match("Це вже третій раунд переговорів.")
    assert _ANAPHORIC.match("За її словами, угода готова.")
    assert not _ANAPHORIC.match("Цього року уряд ухвалив програму.")
    assert not _ANAPHORIC.match("Вонтоба оголосила результати.")
    assert not _ANAPHORIC.match("Theresa May said the deal was ready.")
