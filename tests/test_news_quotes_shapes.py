"""Quote classes of issue 18 that the text attributes to nobody certain or in shapes
beyond the plain '— сказав X' (shown without a name when unsure), on short examples
written for the tests."""

from __future__ import annotations

from bot.news.quotes import extract_quotes


def quotes(paragraphs: list[str], language: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in extract_quotes(paragraphs, language)]


def test_quote_attributed_to_a_statement_is_shown_without_a_name() -> None:
    got = quotes(['"Both sides agreed to meet again in the spring," the statement said.'], "en")
    assert got == [("", "Both sides agreed to meet again in the spring")]
    got = quotes(["«Сторони домовилися зустрітися знову навесні», — йдеться в заяві."], "uk")
    assert got == [("", "Сторони домовилися зустрітися знову навесні")]


def test_quoted_paragraph_with_nobody_named_is_shown_without_a_name() -> None:
    paragraphs = [
        "Міністерство оприлюднило підсумки зустрічі.",
        "«Сторони обговорили графік наступних консультацій і склад робочих груп».",
    ]
    assert quotes(paragraphs, "uk") == [
        ("", "Сторони обговорили графік наступних консультацій і склад робочих груп")
    ]


def test_reported_fragment_of_an_unnamed_source_is_a_quote() -> None:
    got = quotes(
        ['Officials said the talks had been "long, difficult and very useful for both".'], "en"
    )
    assert got == [("", "long, difficult and very useful for both")]


def test_titles_and_terms_in_quote_marks_stay_out_even_without_a_name() -> None:
    assert quotes(["Про книжку «І знов я влізаю в танк» написано багато відгуків."], "uk") == []
    assert (
        quotes(
            ["Учасники круглого столу «Роль громад у процесі реформи» звернулися до ради."], "uk"
        )
        == []
    )
    assert quotes(['"Talks are over for this year": the week in review'], "en") == []
    assert (
        quotes(
            ["Він закликав підтримати «усіх кандидатів без досвіду державного управління»."], "uk"
        )
        == []
    )


def test_quoted_sentence_followed_by_narrative_in_the_same_paragraph() -> None:
    got = quotes(
        ['The meeting ended late. "There are deep differences between us." Nobody left early.'],
        "en",
    )
    assert got == [("", "There are deep differences between us.")]


def test_short_quoted_stretch_that_ends_a_reported_sentence() -> None:
    got = quotes(
        ['The envoy told reporters that it had been "useful and very constructive."'], "en"
    )
    assert [text for _, text in got] == ["useful and very constructive."]
    assert quotes(['Talks on the "useful and very constructive" plan went on.'], "en") == []


def test_intro_phrase_earlier_in_the_sentence_names_the_speaker() -> None:
    paragraphs = [
        "Посол Сергей Орлов провел встречу.",
        "По словам Орлова, переговоры являются «вопросом политической воли обеих сторон».",
    ]
    assert quotes(paragraphs, "ru") == [("Сергей Орлов", "вопросом политической воли обеих сторон")]
    got = quotes(
        [
            "Посол Тетяна Іжевська розповіла про роботу.",
            "За її словами, сторони «обговорили графік наступних зустрічей у Женеві».",
        ],
        "uk",
    )
    assert got == [("Тетяна Іжевська", "обговорили графік наступних зустрічей у Женеві")]


def test_speech_verb_gerund_reports_the_quote() -> None:
    got = quotes(
        ["Посол назвал встречу полезной, отметив при этом, что «разговор был трудным и долгим»."],
        "ru",
    )
    assert [text for _, text in got] == ["разговор был трудным и долгим"]


def test_en_name_before_a_gerund_is_not_the_speaker_of_the_next_quote() -> None:
    paragraphs = [
        "Olaf Lind thanked Anna Berg, saying he welcomed the new tone. "
        '"We will build on this foundation together," he said.'
    ]
    assert [s for s, _ in quotes(paragraphs, "en")] == ["Olaf Lind"]


def test_straight_quote_nested_in_a_straight_quote() -> None:
    got = quotes(
        ['"Главным "спусковым крючком" стало письмо из Вашингтона", - сказал Сергей Орлов.'],
        "ru",
    )
    assert got == [("Сергей Орлов", 'Главным "спусковым крючком" стало письмо из Вашингтона')]


def test_paragraph_opened_with_a_mark_that_never_closes() -> None:
    paragraphs = [
        "Тренер прокоментував гру.",
        "«Ми дуже засмучені, треба вигравати в таких суперників",
    ]
    assert quotes(paragraphs, "uk") == [
        ("", "Ми дуже засмучені, треба вигравати в таких суперників")
    ]
    assert quotes(["Гравці отримали «подарунок від уболівальників за гарну гру"], "uk") == []


def test_as_said_opening_the_sentence_names_the_speaker() -> None:
    paragraphs = [
        "Как заявил помощник президента Юрий Орлов, у делегаций был "
        "«серьезный разговор по всем вопросам»."
    ]
    assert quotes(paragraphs, "ru") == [("Юрий Орлов", "серьезный разговор по всем вопросам")]
    bank = ["Як зазначили у Нацбанку, «інфляційні очікування залишаються досить високими»."]
    assert quotes(bank, "uk") == [("", "інфляційні очікування залишаються досить високими")]


def test_quoted_stretch_inside_a_reported_sentence_that_goes_on() -> None:
    got = quotes(
        [
            "По мнению посла, Вашингтон пытается «вынести за скобки свою враждебную политику» "
            "в регионе."
        ],
        "ru",
    )
    assert [text for _, text in got] == ["вынести за скобки свою враждебную политику"]
    framed = [
        "Корабли назвали уликами, которые «переданы на ответственное хранение в суд» до весны."
    ]
    assert quotes(framed, "ru") == []  # 'назвали' frames a phrase: no speech goes on


def test_en_adding_starts_a_second_quote_of_the_same_speaker() -> None:
    got = quotes(
        [
            "Anna Berg spoke in Geneva. "
            '"Our position is well known to everyone," she said, adding, "It is not up for talks."'
        ],
        "en",
    )
    assert got == [
        ("Anna Berg", "Our position is well known to everyone"),
        ("Anna Berg", "It is not up for talks."),
    ]


def test_quote_over_paragraphs_that_each_reopen_is_one_quote_per_paragraph() -> None:
    paragraphs = [
        "Anna Berg said: “The next few days will bring warm and settled weather.",
        "“Temperatures will then rise further towards the end of the week.",
        "“By Saturday the heat could reach the south of the country.”",
    ]
    got = [text for _, text in quotes(paragraphs, "en")]
    assert sorted(got) == sorted(
        [
            "The next few days will bring warm and settled weather.",
            "Temperatures will then rise further towards the end of the week.",
            "By Saturday the heat could reach the south of the country.",
        ]
    )
    assert ("Anna Berg", got[0]) in quotes(paragraphs, "en")


def test_en_long_subject_before_the_speech_verb() -> None:
    got = quotes(
        [
            '"Both sides kept their word on the exchange," spokesperson for the ruling party '
            "Omar Demir said."
        ],
        "en",
    )
    assert [text for _, text in got] == ["Both sides kept their word on the exchange"]


def test_text_cut_inside_the_attribution() -> None:
    got = quotes(
        ["Делегації зустрілися в Женеві.", "«Розмова була довгою і дуже корисною», – за"], "uk"
    )
    assert got == [("", "Розмова була довгою і дуже корисною")]


def test_speech_without_marks_attributed_on_the_next_line() -> None:
    paragraphs = [
        "Посланець Стів Олсен прибув до Москви.",
        "На столі лежить пропозиція про мир, і ми чекаємо відповіді,",
        "– додав Олсен.",
    ]
    assert quotes(paragraphs, "uk") == [
        ("Стів Олсен", "На столі лежить пропозиція про мир, і ми чекаємо відповіді")
    ]
    statement = ["Президенти зустрінуться в Женеві 16 червня,", "– йдеться у повідомленні."]
    assert [s for s, _ in quotes(statement, "uk")] == [""]
    # a narrative line before a dash paragraph of someone else's speech is no quote
    story = ["Делегації зустрілися в Женеві вранці.", "– Ми готові до розмови, – сказав Олсен."]
    assert all(not text.startswith("Делегації") for _, text in quotes(story, "uk"))


def test_en_short_quoted_stretch_after_said_that_inside_a_sentence() -> None:
    got = quotes(
        ['Officials said that NATO had a "serious and direct exchange" with the envoys.'], "en"
    )
    assert got == [("", "serious and direct exchange")]
    assert quotes(['NATO had a "serious and direct exchange" with the envoys.'], "en") == []


def test_unclosed_quote_after_a_colon_label() -> None:
    got = quotes(
        ['The minister after the talks: "Only one way forward is left for both sides'], "en"
    )
    assert got == [("", "Only one way forward is left for both sides")]


def test_surname_spelled_another_way_takes_the_full_name() -> None:
    paragraphs = [
        "Спецпредставник Стів Віткофф прилетів до Москви.",
        "«Ми дуже близькі до угоди щодо головних пунктів», - сказав Выткофф.",
    ]
    assert [s for s, _ in quotes(paragraphs, "uk")] == ["Стів Віткофф"]
    rivals = [
        "Стів Віткофф і Анна Виткофф прилетіли до Москви.",
        "«Ми дуже близькі до угоди щодо головних пунктів», - сказав Выткофф.",
    ]
    assert all(s not in ("Стів Віткофф", "Анна Виткофф") for s, _ in quotes(rivals, "uk"))


def test_his_words_inside_a_sentence_point_back_from_where_they_stand() -> None:
    # 'За його словами' opens the sentence: the spokesman named before, not the minister
    # the reported clause is about
    paragraphs = [
        "Про розмову розповів речник міністерства Петро Коваленко.",
        "За його словами, міністр Іван Петренко наголосив на потребі "
        "«продовжувати консультації щотижня і без попередніх умов».",
    ]
    got = quotes(paragraphs, "uk")
    assert [speaker for speaker, _ in got] == ["Петро Коваленко"]


def test_his_words_after_two_people_in_the_sentence_are_shown_without_a_name() -> None:
    paragraphs = [
        "Пресс-секретарь Иван Петров встретился с журналистами.",
        "Он отказался назвать документы, которые привез Сергей Смирнов, поскольку, по его "
        "словам, «эти сведения могут помешать ходу переговоров сторон».",
    ]
    got = quotes(paragraphs, "ru")
    assert got == [("", "эти сведения могут помешать ходу переговоров сторон")]
