"""Language detection: uk / ru / en on short and mixed texts, every other language as
its own code. Sentences written for these tests."""

from __future__ import annotations

import pytest

from bot.news import analyze
from bot.news.language import detect_language, language_codes


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Headlines: a few words, decided by one letter or one function word.
        ("Путін зустрівся з посланцем у Кремлі", "uk"),
        ("Путин встретился с посланником в Кремле", "ru"),
        ("Putin meets envoy in Kremlin", "en"),
        ("Кремль і Білий дім", "uk"),
        # English with a long Ukrainian name and a Cyrillic quote fragment.
        ("Envoy Steve Witkoff told reporters the talks with Ушаков were useful.", "en"),
        # A link does not make a Ukrainian story English.
        ("Деталі на сайті https://example.com/world/news/very/long/english/path/here", "uk"),
    ],
)
def test_short_and_mixed(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Министърът заяви, че България ще подкрепи решението на съюзниците.", "bg"),
        ("Президентът каза, че преговорите ще продължат и след срещата.", "bg"),
        ("Путин спря участието на Русия в договора", "bg"),
        ("Владата денеска ќе одлучува за новиот закон за изборите.", "mk"),
        ("Претседателот рече дека тоа е добра вест за земјата.", "mk"),
        ("Влада је данас одлучила да ће подржати нови закон.", "sr"),
        ("Председник је рекао да ће разговори бити настављени.", "sr"),
        ("Урад заявіў, што перамовы будуць працягнутыя.", "be"),
        ("Прэзідэнт сказаў, што гэта добра для краіны.", "be"),
        ("Rząd zdecydował, że wesprze nową ustawę o wyborach.", "pl"),
        ("Prezydent powiedział, że rozmowy będą kontynuowane.", "pl"),
        ("Der Bund hat entschieden.", "de"),
        ("Die Vereinigten Staaten und Russland verhandeln.", "de"),
        ("Le gouvernement a décidé de soutenir la nouvelle loi.", "fr"),
        ("Les États-Unis et la Russie négocient à Genève.", "fr"),
        ("El gobierno decidió apoyar la nueva ley.", "es"),
        ("Il governo ha deciso di sostenere la nuova legge.", "it"),
        ("Vláda se rozhodla podpořit nový zákon.", "cs"),
        # Serbian in Latin letters: the language, not the script, decides the code.
        ("Predsednik je rekao da će razgovori biti nastavljeni posle sastanka.", "sr"),
        ("Predsjednik je rekao da će razgovori biti nastavljeni poslije sastanka.", "hr"),
        ("Η κυβέρνηση αποφάσισε να στηρίξει τον νέο νόμο.", "el"),
    ],
)
def test_other_languages_are_reported_as_themselves(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "12345 — 678", "🙂🙂"])
def test_no_letters_gives_the_first_language(text: str) -> None:
    assert detect_language(text) == "uk"


def test_every_reported_code_is_known() -> None:
    codes = language_codes()
    assert {"uk", "ru", "en", "bg", "mk", "sr", "be", "pl", "de", "fr"} <= codes
    assert "default" not in codes


def test_a_story_in_another_language_matches_no_rule_of_ours() -> None:
    # Bulgarian, with words the Russian and Ukrainian rules would take ("НАТО", "Русия").
    analysis = analyze(
        "Министрите на НАТО и Русия обсъдиха гаранциите за сигурност. Президентът на "
        "САЩ каза, че преговорите ще продължат. България подкрепя съюзниците в НАТО.",
        title="НАТО и Русия: преговорите ще продължат",
    )
    assert analysis.language == "bg"
    assert analysis.topics == ()
    assert analysis.quotes == ()
    # Words are kept as written (no Ukrainian analyzer guessing Bulgarian lemmas).
    assert "преговорите" in analysis.lemmas
