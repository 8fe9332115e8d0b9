"""Finding the headline when no title is given: page furniture above it is skipped."""

from __future__ import annotations

import pytest

from bot.news import analyze
from bot.news.clean import clean_text
from bot.news.headline import find_headline, headline_shaped

LEAD = (
    "Делегації двох країн провели у Відні перший раунд переговорів про обмін "
    "полоненими та гуманітарні коридори."
)
BODY = (
    "Сторони домовилися зустрітися знову через місяць і підготувати списки для обміну. "
    "Посередники назвали перший раунд переговорів корисним."
)
HEADLINE = "У Відні завершився перший раунд переговорів про обмін полоненими"


@pytest.mark.parametrize(
    "clutter",
    [
        ["menu closed"],
        ["All news", "Updated at:"],
        ["ukenru"],
        ["fbpx"],
        ["Деталі"],
        ["Цитата"],
        ["• Home"],
        ["Головна › Новини › Світ"],
        ["UA | RU | EN"],
        ["Facebook Twitter Telegram Viber"],
        ["date 2022-01-19 Site.com"],
        ["$41.28 €43.46 ₴1.07"],
        ["Київ +3°C"],
        ["Новини світу", "Спеціальні потреби"],
        ["Go to home page"],
        ["Tag Archives: Іван Петренко"],
        ["Copyright © 2024 Сайт"],
        ["Втрати ворога", "977 650", "ТАНКИ", "10 839"],
        ["Курси валют", "USD 41,28", "EUR 43,46"],
        ["Сайт Ньюз Київ Переговори Сайт Ньюз Київ Переговори"],  # a tag cloud
        ["Іван Петренко"],  # a name under a photo
        ["Головне за день: Ціни на пальне зросли Збірна виграла матч Завтра похолодає"],
    ],
)
def test_furniture_above_the_headline_is_skipped(clutter: list[str]) -> None:
    text = "\n".join([*clutter, HEADLINE, LEAD, BODY])
    analysis = analyze(text)
    assert analysis.title == HEADLINE
    assert analysis.paragraphs[0] == LEAD


def test_a_dated_headline_loses_the_date_and_a_repeated_one_is_kept_once() -> None:
    cleaned = clean_text(f"date 2022-01-19 {HEADLINE}\n{LEAD}\n{HEADLINE}\n{BODY}")
    assert cleaned.title == HEADLINE
    assert cleaned.paragraphs == (LEAD, BODY)


def test_headline_printed_below_its_lead_is_found() -> None:
    cleaned = clean_text(f"{LEAD}\n{HEADLINE}\n{BODY}")
    assert cleaned.title == HEADLINE
    assert LEAD in cleaned.paragraphs  # the lead is story text, kept


def test_subheading_after_the_story_started_is_not_the_headline() -> None:
    text = f"{HEADLINE}\n{LEAD}\n{BODY}\nПерший раунд переговорів про обмін полоненими\n{BODY}"
    assert clean_text(text).title == HEADLINE


def test_one_paragraph_story_gets_its_first_sentence_as_headline() -> None:
    text = f"{LEAD} {BODY}"
    analysis = analyze(text)
    assert analysis.title == LEAD
    assert analysis.paragraphs == (text,)  # the story's text stays whole
    assert analysis.summary and all(s in BODY for s in analysis.summary)


def test_furniture_then_one_paragraph_story() -> None:
    analysis = analyze(f"Меню\nВсі новини\n{LEAD} {BODY}")
    assert analysis.title == LEAD


def test_pasted_heading_with_a_story_stays_the_title() -> None:
    assert clean_text("Коротко\nОдне речення про подію у столиці.").title == "Коротко"
    assert clean_text("Лише заголовок").title == "Лише заголовок"


def test_headline_glued_to_its_date_and_byline_is_cut() -> None:
    line = (
        "Talks on arms control resume in Geneva after a long pause January 10, 2022"
        "January 10, 2022John Smith, News Site The delegations met for seven hours and "
        "agreed to continue the talks on arms control next month in Geneva."
    )
    found = find_headline([line, "Both delegations described the talks on arms control as useful."])
    assert found.title == "Talks on arms control resume in Geneva after a long pause"


@pytest.mark.parametrize(
    ("line", "shaped"),
    [
        (HEADLINE, True),
        ("Moscow sees little chance of talks with the U.S.", True),
        ("Russian-US talks", True),
        ("menu closed", False),
        ("320x50", False),
        ("Сувязь з рэдакцыяй — @Redakcyja, тэлефон +37060000000", False),
        ("Президенти зустрілися у Женеві. 16 червня 2021 року", False),
        (LEAD, False),
    ],
)
def test_headline_shape(line: str, shaped: bool) -> None:
    assert headline_shaped(line) is shaped


@pytest.mark.parametrize(
    "opening",
    [
        "ВІДЕНЬ, 10 січня — Агенція.",  # a dateline on its own
        "Про це пише агенція з посиланням на джерела.",  # leans on what is not there
        "«Ми готові до обміну», — сказав він.",  # a quote without its speaker
    ],
)
def test_story_without_headline_is_headed_by_a_sentence_that_stands_alone(opening: str) -> None:
    analysis = analyze(f"{opening} {LEAD} {BODY}")
    assert analysis.title == LEAD


def test_photo_caption_is_not_a_headline() -> None:
    assert not headline_shaped("Посол Іван Петренко у Відні (Фото: Агенція)")
    assert analyze(f"Посол Іван Петренко у Відні (Фото: Агенція)\n{LEAD} {BODY}").title == LEAD


def test_story_sentences_above_the_headline_are_kept_footers_are_not() -> None:
    footer = "Усі права на матеріали сайту захищені законом, передрук лише з дозволу редакції."
    source = "Про це пише агенція з посиланням на делегації у Відні."
    cleaned = clean_text(f"{footer}\n{source}\n{HEADLINE}\n{LEAD}\n{BODY}")
    assert cleaned.title == HEADLINE
    assert source in cleaned.paragraphs  # a sentence of the story, printed above it
    assert footer not in cleaned.paragraphs


def test_first_section_heading_under_the_lead_is_not_the_headline() -> None:
    # no headline on the page: a lead, then sections with their own headings
    text = "\n".join(
        [
            LEAD,
            "Перший раунд переговорів про обмін полоненими",
            BODY,
            "Що далі після переговорів у Відні",
            "Наступна зустріч делегацій про обмін полоненими запланована на березень.",
        ]
    )
    assert clean_text(text).title == LEAD


def test_a_picture_caption_printed_twice_above_the_headline_is_not_the_headline() -> None:
    caption = "Посол Іван Петренко дякує делегаціям після переговорів у Відні"
    text = f"{caption}\n{caption}\n\n{HEADLINE}\n\n{LEAD}\n{BODY}"
    cleaned = clean_text(text)
    assert cleaned.title == HEADLINE
    assert caption not in cleaned.paragraphs


def test_a_headline_printed_twice_with_no_other_headline_stays_the_headline() -> None:
    text = f"{HEADLINE}\n{HEADLINE}\n\n{LEAD}\n{BODY}"
    assert clean_text(text).title == HEADLINE


def test_a_header_glued_into_one_line_gives_its_headline_part() -> None:
    line = (
        "date 2022-01 Home World Europe "
        '"Talks were frank and useful": delegations of two countries opened security talks '
        "Two deputy ministers opened the security talks in Vienna on Monday. "
        "©Agency John Smith Reporter"
    )
    found = find_headline(
        [
            line,
            "The deputy ministers of two countries met for seven hours in Vienna and "
            "called the security talks frank and useful.",
        ]
    )
    assert found.title == (
        '"Talks were frank and useful": delegations of two countries opened security talks'
    )
    assert not any("©" in line for line in found.lines)  # the caption and credit go


def test_a_photo_caption_with_its_credit_is_not_cut_into_a_headline() -> None:
    caption = (
        "The deputy minister arrives for a meeting with Foreign Minister John Smith at the "
        "palace in Vienna, 3 September 2025. Photo: Agency/Name"
    )
    found = find_headline([caption, HEADLINE, LEAD, BODY])
    assert found.title == HEADLINE


def test_a_section_name_printed_before_the_headline_is_cut() -> None:
    cleaned = clean_text(f"Новини світу - {HEADLINE}\n{LEAD}\n{BODY}")
    assert cleaned.title == HEADLINE


def test_a_headline_glued_to_its_copy_after_a_one_letter_word_is_cut() -> None:
    title = "У Відні завершився перший раунд переговорів про обмін"
    cleaned = clean_text(f"{title}{title}\n{LEAD}\n{BODY}")
    assert cleaned.title == title


def test_an_excerpt_opening_with_a_pronoun_keeps_its_lead_as_the_headline() -> None:
    # cut before the name: the lead still tells the story, a later paragraph is body
    lead = (
        "He stressed, however, that the talks in Vienna with his Austrian counterpart "
        "marked only the beginning of a conversation about the new border crossings."
    )
    later = (
        "No farmers' unions were present at the meeting, which came as the harvest "
        "is failing for the third year in a row across the region."
    )
    found = find_headline([lead, later, "The ministers will meet again in spring."])
    assert found.title == lead


def test_a_role_as_the_lead_subject_keeps_the_lead_as_the_headline() -> None:
    lead = (
        "Дипломат заявив, що переговори у Відні про нові прикордонні переходи "
        "тільки почалися і триватимуть щонайменше до весни."
    )
    later = (
        "Фермерські спілки на зустріч не запросили, хоча врожай у регіоні третій рік "
        "поспіль гине через посуху і град."
    )
    assert find_headline([lead, later]).title == lead


def test_a_closing_reminder_of_earlier_news_is_not_the_headline() -> None:
    quote = (
        "«Ми готові до переговорів про прикордонні переходи. Я пропоную зустрітися у "
        "Відні навесні», — сказав Іваненко на брифінгу в Брюсселі."
    )
    middle = (
        "Він також зазначив, що рішення про мито не є предметом торгу. За його словами, "
        "сусіди будуть радитися з партнерами."
    )
    reminder = (
        "Нагадаємо, раніше прем'єр сусідньої країни Петренко заявив, що хоче отримати "
        "чіткий графік відкриття кордону до осені."
    )
    found = find_headline([quote, middle, reminder])
    assert found.title == quote


def test_a_story_after_an_opening_quote_still_gives_its_own_sentence() -> None:
    quote = (
        "«Ми готові до переговорів. Зустрінемося у Відні навесні, коли буде готовий "
        "графік», — сказав він журналістам."
    )
    story = (
        "Уряди двох сусідніх країн домовилися провести у Відні переговори про нові "
        "прикордонні переходи і мито вже навесні."
    )
    assert find_headline([quote, story]).title == story
