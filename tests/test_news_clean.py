"""Line filter for scraped and pasted text, and HTML → text."""

from __future__ import annotations

import random

import pytest

from bot.news import clean
from bot.news.clean import clean_lines, clean_text, html_to_text
from tests.shared_data import seed_text


@pytest.mark.parametrize(
    "line",
    [
        "Related video",
        "Fullscreen",
        "Читайте також: Зеленський зустрівся з Байденом",
        "ЧИТАЙТЕ ТАКОЖ",
        "Читайте также: Лавров прилетел в Женеву",
        "Read more: Biden and Putin to talk",
        "Підписуйтесь на наш Telegram-канал",
        "Subscribe to our newsletter",
        "Поділитися",
        "Фото: Washington Post | США допустили діалог із Росією",
        "Фото: Відкриті джерела",
        "Photo: Reuters",
        "Фото Reuters",
        "США, Росія, прапори США та Росії, співпраця США Росія",
        "Теги: США, Росія, НАТО",
        "Автор: Іван Петренко",
        "By John Smith",
        "24 січня 2022, 10:15",
        "Оновлено 24.01.2022 12:30",
        "Monday, January 24, 2022",
        "***",
    ],
)
def test_drops_page_furniture(line: str) -> None:
    story = "Перше речення історії про переговори."
    assert clean_lines([story, line, story + " Друге."]) == [story, story + " Друге."]


@pytest.mark.parametrize(
    "line",
    [
        "Розміщення ракет у Європі",  # a heading
        "Співпраця, розвиток, інвестиції",  # a heading with commas
        "США, Росія і НАТО домовилися, що зустрінуться знову, сказав дипломат.",
        "Фотограф Іван Петренко отримав премію за репортаж з фронту.",
        "Видеообращение президента посмотрели миллионы людей.",
        "He said the share of exports fell, subscribers say, to 5%.",
        "Автор законопроєкту пояснив свою позицію журналістам.",
    ],
)
def test_keeps_headings_and_sentences(line: str) -> None:
    assert clean_lines(["Вступ.", line]) == ["Вступ.", line]


@pytest.mark.parametrize(
    "line",
    [
        "A public website of the Kingdom of Examplia Here's how you know",
        "Trusted websites use .gov",
        "A .org website belongs to a registered charity in Examplia.",
        "A padlock or https:// means you've safely connected to this website.",
        "This site uses cookies to make your visit easier. Accept Settings",
        "Сайт использует cookies для вашего удобства. Подтвердить",
        "Ми використовуємо файли cookie, щоб сайт працював краще для вас.",
        "Your browser is out of date: update it to use the site.",
    ],
)
def test_drops_notices_about_the_site_itself(line: str) -> None:
    story = "Перше речення історії про переговори."
    assert clean_lines([line, story]) == [story]


@pytest.mark.parametrize(
    "line",
    [
        "Про це йдеться на офіційному сайті міністерства.",
        "The statement was posted on the ministry's website on Tuesday.",
        "Заява опублікована на сайті example.ua увечері.",
        "Тренер у коментарі сайту клубу поділився враженнями від матчу.",
    ],
)
def test_keeps_story_lines_that_name_a_site(line: str) -> None:
    assert clean_lines(["Вступ.", line]) == ["Вступ.", line]


def test_image_block_is_dropped_but_following_text_kept() -> None:
    lines = [
        "Перший абзац.",
        "НАТО ракети в Європі, зброя НАТО, співпраця НАТО Fullscreen",
        "Підпис під фото без крапки",
        "Фото: Getty",
        "Другий абзац після фото.",
        "Заголовок розділу",
    ]
    assert clean_lines(lines) == ["Перший абзац.", "Другий абзац після фото.", "Заголовок розділу"]


def test_title_is_first_line_unless_given() -> None:
    text = "Заголовок новини\n\nRelated video\nТіло новини."
    assert clean_text(text).title == "Заголовок новини"
    assert clean_text(text).paragraphs == ("Тіло новини.",)
    given = clean_text(text, title="Заголовок новини")
    assert given.paragraphs == ("Тіло новини.",)  # repeated title line not kept twice
    other = clean_text("Тіло новини.", title="Інший")
    assert other.title == "Інший" and other.paragraphs == ("Тіло новини.",)


SEED_LEFTOVERS = [
    "Related video",
    "Fullscreen",
    "Фото:",
    "прапори США та Росії",
    "співпраця США та України",
    "зброя НАТО",
    "США обговорять кроки щодо безпеки з Україною",  # image caption
    "НАТО заявляло про відсутність планів",  # image caption
    "Відкриті джерела",
]
SEED_SENTENCES = [
    "Сполучені Штати обговорюватимуть заходи щодо безпеки не з Росією, а із союзниками",
    "США не поступатимуться Росії в позиції щодо гарантій безпеки.",
    "Керівництву РФ доведеться докладати певних зусиль",
    "Прайс уточнив, що кроки США в межах гарантій безпеки не стануть поступками РФ.",
    "Кремлю теж доведеться щось робити для гарантування нашої безпеки",
    "Ми робимо це з метою швидкого, потужного, жорсткого, єдиного реагування",
    "Розміщення ракет у Європі",
    "Поступок та обговорень про членство країн у НАТО обговорювати ніхто не планує",
    "Сполучені Штати хочуть і надалі дотримуватися політики дипломатії",
    "Штати обговорювали із союзниками з Євросоюзу свої ідеї",
    "США дадуть відповідь на пропозиції Росії щодо гарантій безпеки цього тижня",
    "Нагадаємо, що 10 січня цього року в Женеві",
    "У першому раунді переговорів США погодилися",
    "Президент США Джо Байден поки що думає над варіантами відповіді",
]


def test_seed_leftovers_gone_and_sentences_kept() -> None:
    cleaned = clean_text(seed_text())
    body = "\n".join(cleaned.paragraphs)
    for leftover in SEED_LEFTOVERS:
        assert leftover not in body, leftover
    for sentence in SEED_SENTENCES:
        assert sentence in body, sentence
    assert cleaned.title.startswith('"Кремлю доведеться щось робити"')
    # Every kept line of the seed is a line of the original: nothing rewritten.
    original = {line.strip() for line in seed_text().splitlines()}
    assert all(p in original for p in cleaned.paragraphs)


def test_html_to_text_extracts_article() -> None:
    body = " ".join(f"Речення номер {i} про переговори у Женеві." for i in range(12))
    html = f"""<html><head><title>США і Росія</title></head><body>
    <nav><a href="/">Головна</a> <a href="/news">Новини</a></nav>
    <article><h1>США і Росія</h1><p>{body}</p>
    <p>Друге речення абзацу, яке теж важливе для історії.</p></article>
    <footer>© 2022 Сайт. Усі права захищено.</footer></body></html>"""
    text = html_to_text(html)
    assert text.splitlines()[0] == "США і Росія"
    assert "Речення номер 11 про переговори у Женеві." in text
    assert "Головна" not in text and "Усі права захищено" not in text


def test_image_marker_found_at_the_end_as_by_a_full_search() -> None:
    # clean_lines searches only a normalised line's last characters for the marker
    words = ["Fullscreen", "на весь екран", "ENLARGE", "x", "xfullscreen", "-", "фото", " "]
    rnd = random.Random(15)
    lines = [" ".join(rnd.choice(words) for _ in range(rnd.randrange(6))) for _ in range(3_000)]
    for line in lines:
        normal = clean._normal(line)
        expected = bool(clean._ALT_MARKER.search(normal))
        start = max(0, len(normal) - clean._ALT_MARKER_REACH)
        assert bool(clean._ALT_MARKER.search(normal, start)) == expected, repr(line)


def test_a_site_banner_above_a_story_is_neither_its_title_nor_its_text() -> None:
    banner = [
        "A public website of the Kingdom of Examplia Here's how you know",
        "Trusted websites use .gov",
        "A .gov website belongs to an official body of the Kingdom of Examplia.",
        "A padlock or https:// means you've safely connected to the .gov website. "
        "Share private details only on trusted, secure websites.",
    ]
    story = (
        "The two ministers met in Vienna on Tuesday and agreed to reopen the border "
        "crossings next spring. Talks on customs duties will follow in May."
    )
    cleaned = clean_text("\n\n".join([*banner, story]))
    assert cleaned.paragraphs == (story,)
    assert "website" not in cleaned.title
