"""Sentence splitting: abbreviations, initials, quotes, line breaks."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from razdel import sentenize

from bot.news import sentences
from bot.news.sentences import split_paragraph, split_sentences
from tests.shared_data import corpus_records


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


def _strings() -> list[str]:
    """Short strings over the characters the helpers look at (letters, digits, "_",
    "-", stops, closing quotes, spaces, a newline, non-decimal numerals), every one of
    lengths 0–4 over a small alphabet and longer ones from a fixed seed."""
    alphabet = "вст1_-.!”» \nV²аК"
    out = ["".join(p) for n in range(5) for p in itertools.product("вс1-.\n", repeat=n)]
    rnd = random.Random(15)
    out += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(30))) for _ in range(20_000)]
    out += ["Він живе в м. Київ", "вул.Хрещатик", "сказав він.Прайс додав", "5 тис.Людей"]
    return out


def test_abbreviation_end_reads_like_its_regex() -> None:
    # _ends_with_abbreviation reads the last word from the end; it stands for this regex
    last_word = re.compile(r"([^\W\d_][\w-]*)\.$")
    for text in _strings():
        found = last_word.search(text)
        expected = found is not None and found.group(1).lower() in sentences._ABBREVIATIONS
        assert sentences._ends_with_abbreviation(text) == expected, repr(text)


def test_glued_stops_cut_where_the_lookbehind_regex_does() -> None:
    # _GLUED consumes the stop to skip to stops; it must cut at the same places as the
    # zero-width form that tests every position
    zero_width = re.compile(
        r"(?<=[^\W\d_]{2}[.!?…])(?=[A-ZА-ЯІЇЄҐЁ][a-zа-яіїєґё]{2})"
        r"|(?<=[^\W\d_]{2}[.!?…][\"»”])(?=[A-ZА-ЯІЇЄҐЁ][a-zа-яіїєґё]{2})"
    )
    alphabet = "абПрвс.!”» A-"
    rnd = random.Random(18)
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(40))) for _ in range(20_000)]
    texts += ["сказав він.Прайс додав", "заявив він.»Прайс додав", "U.S.Army", "News.Az"]
    for text in texts:
        expected = [m.start() for m in zero_width.finditer(text)]
        assert [m.end() for m in sentences._GLUED.finditer(text)] == expected, repr(text)


def test_razdel_sentences_are_sentenize_texts() -> None:
    # split_paragraph skips sentenize()'s last step (placing each sentence in the text)
    records = itertools.islice(corpus_records(), 150)
    paragraphs = [p for r in records for p in str(r["text"]).splitlines()]
    paragraphs += ["", " ", "Він сказав: «Так». Потім пішов.", "U.S. Army. Jan. 5 it was."]
    for paragraph in paragraphs:
        assert sentences.razdel_sentences(paragraph) == [s.text for s in sentenize(paragraph)]
