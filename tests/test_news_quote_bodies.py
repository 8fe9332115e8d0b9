"""A ministry, a government, a country or a place is never shown as a quote's speaker:
its quote is kept without a name (it still counts), unless the text names the person
who speaks for that body — then that person (issue 18)."""

from __future__ import annotations

import pytest

from bot.news.quotes import extract_quotes

RU_QUOTE = "«У Москвы нет скрытой повестки в этих переговорах»"
UK_QUOTE = "«Ми продовжимо роботу над угодою вже наступного тижня»"
EN_QUOTE = '"We will keep working on the deal next week,"'


def shown(paragraphs: list[str], language: str, headline: str = "") -> list[tuple[str, str]]:
    found = extract_quotes(paragraphs, language, headline=headline)
    return [(q.speaker, q.text.split()[0]) for q in found]


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        ("ru", f"{RU_QUOTE[:-1]}», — заявили в МИД РФ."),
        ("ru", f"{RU_QUOTE[:-1]}», — сообщил Кремль."),
        ("ru", f"{RU_QUOTE[:-1]}», — заявил Пентагон."),
        ("ru", f"{RU_QUOTE[:-1]}», — говорится в заявлении НАТО."),
        ("ru", f"МИД РФ заявил: {RU_QUOTE}."),
        ("uk", f"{UK_QUOTE[:-1]}», — заявили в Держдепі."),
        ("uk", f"{UK_QUOTE[:-1]}», — повідомили в МЗС."),
        ("uk", f"{UK_QUOTE[:-1]}», — йдеться у повідомленні пресслужби МВС."),
        ("uk", f"{UK_QUOTE[:-1]}», — заявила Україна."),
        ("uk", f"{UK_QUOTE[:-1]}», — заявив Київ."),
        ("en", f"{EN_QUOTE} the Foreign Ministry said."),
        ("en", f"{EN_QUOTE} NATO said in a statement."),
        ("en", f"{EN_QUOTE} the Kremlin said."),
        ("en", f"{EN_QUOTE} Moscow said."),
        ("en", 'The State Department said: "We will keep working on the deal next week."'),
    ],
)
def test_a_body_country_or_place_is_no_speaker(language: str, paragraph: str) -> None:
    got = shown(["Посли зустрілися у Відні.", paragraph], language)
    assert len(got) == 1 and got[0][0] == "", got


def test_a_headline_label_of_a_body_names_nobody() -> None:
    assert shown([f"НАТО: {UK_QUOTE}", "Посли зустрілися у Відні."], "uk", f"НАТО: {UK_QUOTE}") == [
        ("", "Ми")
    ]


def test_the_spokesperson_named_for_the_body_speaks_for_it() -> None:
    paragraphs = [
        "Официальный представитель МИД РФ Мария Захарова прокомментировала переговоры.",
        f"{RU_QUOTE[:-1]}», — заявили в МИД РФ.",
    ]
    assert shown(paragraphs, "ru") == [("Мария Захарова", "У")]
    paragraphs = [
        "Речник Держдепу Нед Прайс виступив на брифінгу.",
        f"{UK_QUOTE[:-1]}», — заявили в Держдепі.",
    ]
    assert shown(paragraphs, "uk") == [("Нед Прайс", "Ми")]


def test_the_head_of_the_body_or_another_bodys_spokesperson_does_not() -> None:
    # a minister does not voice the ministry's statements; a spokesperson of another
    # body does not either; two spokespeople leave it open
    for first in (
        "Глава МИД РФ Сергей Лавров прибыл в Женеву.",
        "Официальный представитель Кремля Дмитрий Песков прокомментировал переговоры.",
        "Официальный представитель МИД РФ Мария Захарова и официальный представитель МИД РФ "
        "Алексей Зайцев прокомментировали переговоры.",
    ):
        got = shown([first, f"{RU_QUOTE[:-1]}», — заявили в МИД РФ."], "ru")
        assert got == [("", "У")], (first, got)


def test_a_spokesperson_named_after_the_quote_is_not_taken_back() -> None:
    paragraphs = [
        f"{RU_QUOTE[:-1]}», — заявили в МИД РФ.",
        "Официальный представитель МИД РФ Мария Захарова прокомментировала переговоры.",
    ]
    assert ("", "У") in shown(paragraphs, "ru")


def test_a_city_in_a_list_of_places_is_not_who_he_is() -> None:
    # 'Феодосії' reads as a name's plural too: a nominative that is only plural names no
    # one person, so 'сказав він' goes to the man named before the list
    paragraphs = [
        "Міністр Валерій Петренко побував у Сімферополі, Керчі, Феодосії та інших містах.",
        "– Очисні споруди збудовані в минулому столітті і давно застаріли, – сказав він.",
    ]
    assert shown(paragraphs, "uk") == [("Валерій Петренко", "Очисні")]


def test_a_plural_common_noun_opening_the_headline_is_nobody() -> None:
    head = "Шахраї на колесах"
    paragraphs = [
        head,
        "Нещодавно я зустрів свого сусіда біля під'їзду.",
        "«Розповісти вам, як мене обдурили на ринку?» – відповів він.",
    ]
    assert shown(paragraphs, "uk", head) == [("", "Розповісти")]
