"""Rules of bot.news.quotes on small hand-written cases (uk, ru, en) and on the seed."""

from __future__ import annotations

from bot.news.model import Quote
from bot.news.quotes import extract_quotes
from tests.shared_data import seed_text


def speakers(paragraphs: list[str], language: str = "uk") -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in extract_quotes(paragraphs, language)]


def test_seed_has_exactly_the_two_price_quotes() -> None:
    lines = [line for line in seed_text().splitlines() if line.strip()]
    quotes = extract_quotes(lines, "uk")
    assert len(quotes) == 2
    assert {q.speaker for q in quotes} == {"Нед Прайс"}
    assert any(q.text.startswith("Це означає, що Кремлю") for q in quotes)
    assert any(q.text.startswith("Ми робимо це з метою") for q in quotes)
    assert all(q.text != "Кремлю доведеться щось робити" for q in quotes)


def test_uk_attribution_after_with_surname_to_full_name() -> None:
    got = speakers(
        [
            "Про це сказав речник Держдепартаменту США Нед Прайс на брифінгу.",
            "«Ми не підемо на поступки в питаннях безпеки», — сказав Прайс.",
        ]
    )
    assert got == [("Нед Прайс", "Ми не підемо на поступки в питаннях безпеки")]


def test_uk_attribution_before_with_colon() -> None:
    got = speakers(["Міністр Дмитро Кулеба заявив: «Україна не погодиться на такі умови»."])
    assert got == [("Дмитро Кулеба", "Україна не погодиться на такі умови")]


def test_uk_split_quote_is_joined() -> None:
    got = speakers(
        ["«Перша частина відповіді важлива, — сказав Олег Петренко, — а друга ще важливіша»."]
    )
    assert len(got) == 1
    speaker, text = got[0]
    assert speaker == "Олег Петренко"
    assert text.startswith("Перша частина відповіді важлива")
    assert text.endswith("а друга ще важливіша")
    assert "сказав" not in text


def test_uk_pronoun_goes_to_last_named_speaker_of_same_gender() -> None:
    paragraphs = [
        "Посол Тетяна Іжевська розповіла про роботу посольства.",
        "«Жінок у дипломатії стає дедалі більше», — сказала вона.",
    ]
    assert speakers(paragraphs) == [("Тетяна Іжевська", "Жінок у дипломатії стає дедалі більше")]
    wrong_gender = [paragraphs[0], "«Жінок у дипломатії стає дедалі більше», — сказав він."]
    assert speakers(wrong_gender) == [("", "Жінок у дипломатії стає дедалі більше")]


def test_uk_pronoun_is_dropped_when_another_person_was_named_since() -> None:
    paragraphs = [
        "Прем'єр Олег Петренко зустрівся з делегацією.",
        "Переговори коментував міністр Іван Коваленко.",
        "«Ми дійшли згоди з усіх основних питань», — сказав він.",
    ]
    got = speakers(paragraphs)
    assert all(speaker != "Олег Петренко" for speaker, _ in got)


def test_uk_inflected_name_after_za_slovamy() -> None:
    paragraphs = [
        "Речник Нед Прайс виступив на брифінгу.",
        "За словами Прайса, «кроки США не стануть поступками Росії».",
    ]
    assert speakers(paragraphs) == [("Нед Прайс", "кроки США не стануть поступками Росії")]


def test_uk_institution_quote_is_kept_without_a_name() -> None:
    # a body is never shown as the speaker (issue 18): the quote stays, with no name
    got = speakers(["«Посол отримав ноту протесту від української сторони», — повідомили в МЗС."])
    assert got == [("", "Посол отримав ноту протесту від української сторони")]
    got = speakers(
        ["«Виплати отримали вже вісімдесят відсотків людей», — повідомили у пресслужбі Ощадбанку."]
    )
    assert got == [("", "Виплати отримали вже вісімдесят відсотків людей")]


def test_uk_dash_dialogue_with_attribution() -> None:
    got = speakers(["– Таку статистику ми отримаємо після першого травня, – каже Леонід Чурсинов."])
    assert got == [("Леонід Чурсинов", "Таку статистику ми отримаємо після першого травня")]
    # an interview answer without attribution has no speaker we can name
    assert speakers(["– Ми працюємо над цим уже третій рік поспіль."]) == []


def test_uk_fragments_titles_and_names_are_not_key_quotes() -> None:
    paragraphs = [
        '"Кремлю доведеться щось робити": США заперечили поступки Росії',
        "Вистава «Наталка Полтавка» зібрала повну залу, розповів директор Іван Мороз.",
        "США обговорюють питання «без їхніх європейських союзників і партнерів».",
        "Він назвав це «повною нісенітницею без жодних підстав», — сказав Іван Мороз.",
    ]
    assert speakers(paragraphs) == []


def test_uk_quote_followed_by_other_persons_name_in_another_role() -> None:
    paragraphs = [
        "«Цей вірш написано ще у вісімнадцятому столітті» — так називається книжка Івана Франка.",
        "«Ми готові до будь-якого розвитку подій», — ця фраза Олега Петренка стала відомою.",
    ]
    assert speakers(paragraphs) == []


def test_uk_role_noun_resolves_only_to_the_person_it_introduced() -> None:
    paragraphs = [
        "Директор школи Павло Федоренко зустрів першокласників.",
        "«Цього року до нас прийшло понад сімсот учнів», — каже директор.",
    ]
    assert speakers(paragraphs) == [
        ("Павло Федоренко", "Цього року до нас прийшло понад сімсот учнів")
    ]
    unknown = ["«Цього року до нас прийшло понад сімсот учнів», — каже директор."]
    assert speakers(unknown) == [("", "Цього року до нас прийшло понад сімсот учнів")]


def test_ru_after_before_and_pronoun() -> None:
    paragraphs = [
        "Пресс-секретарь Кремля Дмитрий Песков провёл брифинг.",
        "«Мы не видим оснований для оптимизма», — заявил Песков.",
        "«Переговоры будут продолжены на следующей неделе», — добавил он.",
        "Министр Сергей Лавров сказал: «Ответ будет дан в письменной форме».",
    ]
    got = speakers(paragraphs, "ru")
    assert ("Дмитрий Песков", "Мы не видим оснований для оптимизма") in got
    assert ("Дмитрий Песков", "Переговоры будут продолжены на следующей неделе") in got
    assert ("Сергей Лавров", "Ответ будет дан в письменной форме") in got
    assert len(got) == 3


def test_ru_inflected_name_po_slovam() -> None:
    paragraphs = [
        "Министр Сергей Лавров прибыл в Женеву.",
        "По словам Лаврова, «позиция России остаётся неизменной».",
    ]
    assert speakers(paragraphs, "ru") == [("Сергей Лавров", "позиция России остаётся неизменной")]


def test_en_forms_of_attribution() -> None:
    paragraphs = [
        "State Department spokesman Ned Price spoke to reporters on Monday.",
        "“We will not make concessions on European security,” Price said.",
        "“The Kremlin will have to do something as well,” he added.",
        "“Our allies are with us on every step,” said Antony Blinken.",
        "Blinken told reporters: “Diplomacy remains our preferred path forward.”",
    ]
    got = speakers(paragraphs, "en")
    assert ("Ned Price", "We will not make concessions on European security") in got
    assert ("Ned Price", "The Kremlin will have to do something as well") in got
    assert ("Antony Blinken", "Our allies are with us on every step") in got
    assert ("Antony Blinken", "Diplomacy remains our preferred path forward.") in got


def test_en_split_quote_is_joined() -> None:
    got = speakers(
        ["“We are ready to talk,” said Ned Price, “but not about NATO membership.”"], "en"
    )
    assert len(got) == 1 and got[0][0] == "Ned Price"
    assert got[0][1].startswith("We are ready to talk") and "NATO membership" in got[0][1]


def test_ranking_puts_longer_quotes_by_named_people_first() -> None:
    paragraphs = [
        "«Ми працюємо», — повідомили в МЗС.",
        "«Ми продовжимо працювати з партнерами над питаннями безпеки», — сказав Олег Петренко.",
        "«Рішення буде ухвалено найближчим часом», — сказав Іван Мороз.",
    ]
    quotes = extract_quotes(paragraphs, "uk")
    assert [q.speaker for q in quotes] == ["Олег Петренко", "Іван Мороз"]
    assert isinstance(quotes[0], Quote)


def test_unknown_language_and_empty_input() -> None:
    assert extract_quotes([], "uk") == []
    assert extract_quotes(["«Ми працюємо над цим питанням», — сказав Іван Мороз."], "de") == []


def test_uk_female_foreign_surname_with_unknown_first_name() -> None:
    # 'Венді' is not a first name to the dictionary and 'Шерман' reads as masculine, yet
    # 'заявила'/'сказала' agree with her: the surname resolves to the full name
    lines = [
        "Заступниця держсекретаря США Венді Шерман заявила, що переговори були корисними.",
        '"Ми не ухвалюватимемо жодних рішень про Україну без України", '
        "— сказала Шерман журналістам після зустрічі.",
    ]
    assert speakers(lines) == [
        ("Венді Шерман", "Ми не ухвалюватимемо жодних рішень про Україну без України")
    ]
    minimal = [
        "Венді Шерман заявила, що так.",
        '"Ми не ухвалюватимемо жодних рішень про Україну без України", — сказала Шерман.',
    ]
    assert [s for s, _ in speakers(minimal)] == ["Венді Шерман"]


def test_uk_pronoun_after_female_indeclinable_surname() -> None:
    got = speakers(
        [
            "Канцлерка Ангела Меркель заявила, що зустріч пройшла добре.",
            "«Ми продовжимо переговори вже наступного тижня», — додала вона.",
        ]
    )
    assert got == [("Ангела Меркель", "Ми продовжимо переговори вже наступного тижня")]


def test_uk_masculine_speaker_of_indeclinable_surname() -> None:
    got = speakers(["«Франція підтримає нові санкції проти агресора», — сказав Макрон."])
    assert got == [("Макрон", "Франція підтримає нові санкції проти агресора")]


def test_uk_capitalised_word_after_preposition_is_not_a_first_name() -> None:
    got = speakers(
        [
            "У Пентагоні Шерман заявила, що так.",
            "«Ми не ухвалюватимемо жодних рішень без союзників», — сказала Шерман.",
        ]
    )
    assert [s for s, _ in got] == ["Шерман"]


def test_uk_first_names_the_dictionary_lacks() -> None:
    got = speakers(
        ["«Ми відкриємо нову школу вже восени», — розповів голова громади Володимир Дмитрук."]
    )
    assert got == [("Володимир Дмитрук", "Ми відкриємо нову школу вже восени")]


def test_uk_company_name_in_quotes_is_not_the_speaker() -> None:
    got = speakers(
        [
            "«Ціни на житло цього року не зростуть», — підкреслив директор "
            "ТОВ «Компанія Федорченко» Віталій Авраменко."
        ]
    )
    assert [s for s, _ in got] == ["Віталій Авраменко"]


def test_uk_lone_patronymic_is_not_a_speaker() -> None:
    got = speakers(["«Ми утримували свої позиції до останнього дня», — сказав Іванович."])
    assert got == [("", "Ми утримували свої позиції до останнього дня")]


def test_uk_gender_mismatch_still_drops_the_quote() -> None:
    got = speakers(
        [
            "Міністр Олександр Петров заявив, що так.",
            "«Ми не підемо на жодні поступки в цьому питанні», — сказала Петров.",
        ]
    )
    assert got == [("", "Ми не підемо на жодні поступки в цьому питанні")]  # not Петров
