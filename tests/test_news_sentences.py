"""Sentence splitting: abbreviations, initials, quotes, line breaks."""

from __future__ import annotations

import pytest

from bot.news.sentences import split_paragraph, split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Він живе в м. Київ на вул. Хрещатик. Там тихо.",
            "uk",
            ["Він живе в м. Київ на вул. Хрещатик.", "Там тихо."],
        ),
        (
            "Це т. зв. мирний план. На зустріч прийшли 5 тис. людей. Усі задоволені.",
            "uk",
            ["Це т. зв. мирний план.", "На зустріч прийшли 5 тис. людей.", "Усі задоволені."],
        ),
        (
            "«В. Зеленський приїхав», — сказав він. Далі була промова.",
            "uk",
            ["«В. Зеленський приїхав», — сказав він.", "Далі була промова."],
        ),
        (
            "Він запитав: «Чому? Навіщо!» — і пішов. Далі буде.",
            "uk",
            ["Він запитав: «Чому? Навіщо!» — і пішов.", "Далі буде."],
        ),
        (
            "The U.S. said on Jan. 26 that it would answer. Moscow waited.",
            "en",
            ["The U.S. said on Jan. 26 that it would answer.", "Moscow waited."],
        ),
        (
            '"Why not?" he asked. Mr. Price smiled.',
            "en",
            ['"Why not?" he asked.', "Mr. Price smiled."],
        ),
        (
            "Встреча прошла в г. Женева. Стороны довольны.",
            "ru",
            ["Встреча прошла в г. Женева.", "Стороны довольны."],
        ),
        (
            "Он сказал: «Нет! Никогда!» — и ушёл. Конец.",
            "ru",
            ["Он сказал: «Нет! Никогда!» — и ушёл.", "Конец."],
        ),
        (  # scraped text glues sentences together
            "«Всё решено», — сказал он.Иванов добавил, что встреча будет в мае.",
            "ru",
            ["«Всё решено», — сказал он.", "Иванов добавил, что встреча будет в мае."],
        ),
        (
            "Делегація прибула до США.Переговори почнуться завтра.",
            "uk",
            ["Делегація прибула до США.", "Переговори почнуться завтра."],
        ),
        (
            "Він відповів: «Досить.»Петренко промовчав.",
            "uk",
            ["Він відповів: «Досить.»", "Петренко промовчав."],
        ),
        (  # initials, abbreviations, names with a dot stay whole
            "В.Зеленський живе на вул.Хрещатик. The U.S.Army and News.Az agree.",
            "uk",
            ["В.Зеленський живе на вул.Хрещатик.", "The U.S.Army and News.Az agree."],
        ),
    ],
)
def test_split(text: str, language: str, expected: list[str]) -> None:
    assert split_paragraph(text, language) == expected


def test_line_break_always_ends_a_sentence() -> None:
    paragraphs = ["Заголовок без крапки", "Перше речення. Друге речення"]
    assert split_sentences(paragraphs, "uk") == [
        "Заголовок без крапки",
        "Перше речення.",
        "Друге речення",
    ]


def test_sentences_are_exact_substrings() -> None:
    paragraph = "Перше  речення в м.  Київ. Друге\u00a0речення."
    for sentence in split_paragraph(paragraph, "uk"):
        assert sentence in paragraph
