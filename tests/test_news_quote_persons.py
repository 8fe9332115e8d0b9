"""A speaker must be a person the text names: place and format names, portfolios,
relayers and unread attributions never give a name (short examples written for the
tests, issue 18)."""

from __future__ import annotations

from bot.news.quotes import extract_quotes


def speakers(paragraphs: list[str], language: str, headline: str | None = None) -> list[str]:
    return [q.speaker for q in extract_quotes(paragraphs, language, headline=headline)]


def test_ru_place_name_after_its_noun_is_not_the_subject() -> None:
    paragraphs = [
        "Министр обороны Канады Джон Миллер во время выступления на авиабазе Рамштайн "
        "заявил, что помощь будет продолжена.",
        "«Мы будем помогать союзникам столько, сколько потребуется», — сказал он.",
    ]
    assert speakers(paragraphs, "ru") == ["Джон Миллер"]
    alone = ["На авиабазе Рамштайн заявили о новом пакете: «Мы передадим ещё больше техники»."]
    assert "Рамштайн" not in speakers(alone, "ru")


def test_uk_format_name_in_quote_marks_is_not_a_speaker() -> None:
    paragraphs = [
        "Учасники зустрічі у форматі «Рамштайн» обговорили постачання зброї.",
        "«Ми допоможемо Україні вистояти цієї весни», – заявив він.",
    ]
    assert speakers(paragraphs, "uk") == [""]


def test_en_portfolio_after_minister_of_is_not_a_name() -> None:
    got = speakers(
        ['"We will keep the fund open to every investor," said Minister of Economy Olena Marchuk.'],
        "en",
    )
    assert got == ["Olena Marchuk"]
    assert speakers(
        ['"The fund will open in July this year," said the Minister of Economy.'], "en"
    ) == [""]
    linde = [
        "Sweden's Minister for Foreign Affairs Karin Holm met her colleagues on Monday.",
        '"We agreed on the need for a continued dialogue," said Holm.',
    ]
    assert speakers(linde, "en") == ["Karin Holm"]


def test_en_unknown_portfolio_after_minister_of_is_dropped_too() -> None:
    got = speakers(
        ['"Our athletes will compete everywhere," said Minister of Sport Ivan Boyko.'], "en"
    )
    assert got == ["Ivan Boyko"]


def test_ru_quote_followed_by_an_unread_attribution_is_not_the_previous_speakers() -> None:
    paragraphs = [
        "«Решение было принято единогласно», — сказала глава банка Анна Смирнова. "
        "«Консенсус был широким как никогда прежде», — поддакнул ей коллега Иван Петров."
    ]
    got = speakers(paragraphs, "ru")
    assert got[0] == "Анна Смирнова"
    assert "Анна Смирнова" not in got[1:]


def test_lone_surname_one_letter_off_the_full_name_is_that_person() -> None:
    ru = [
        "Ранее депутат Елена Карпенко назвала решение несправедливым.",
        "«Этот конкурс давно перестал быть песенным», — считает Карпеко.",
    ]
    assert speakers(ru, "ru") == ["Елена Карпенко"]
    en = [
        "Deputy minister Sergei Volkonsky met the delegation in Geneva.",
        '"We want guarantees in writing before the summit," Volkonky said.',
    ]
    assert speakers(en, "en") == ["Sergei Volkonsky"]


def test_ru_relayed_words_belong_to_the_person_relayed() -> None:
    paragraphs = [
        "Пресс-секретарь президента Дмитрий Орлов прокомментировал идею.",
        "«Альтернативы этому формату в настоящий момент нет», — приводит слова Орлова РИА Новости.",
    ]
    assert speakers(paragraphs, "ru") == ["Дмитрий Орлов"]
    pronoun = [
        "На это указал помощник президента Юрий Соколов.",
        "«Если гость приедет, его наверняка примут», — привел его слова ТАСС.",
    ]
    assert speakers(pronoun, "ru") == ["Юрий Соколов"]
    cited = [
        "Главный тренер Олег Знарок прокомментировал победу.",
        "«Я благодарен всем ребятам за то, что выстояли», цитирует Знарка сайт клуба.",
    ]
    assert speakers(cited, "ru") == ["Олег Знарок"]


def test_uk_relayer_after_the_name_is_not_part_of_it() -> None:
    paragraphs = [
        "Захисник Олег Коваль провів на полі весь матч.",
        "«Ми знали, що буде дуже швидка гра від початку», – цитує Коваля Суспільне Спорт.",
    ]
    assert speakers(paragraphs, "uk") == ["Олег Коваль"]


def test_ru_verb_without_a_subject_is_the_person_spoken_of() -> None:
    paragraphs = [
        "Министр Иван Петров подчеркнул, что поддержка будет продолжена.",
        "«Сейчас не время останавливаться», — сказал, обращаясь к союзникам.",
    ]
    assert speakers(paragraphs, "ru") == ["Иван Петров"]
    unread = [
        "Министр Иван Петров подчеркнул, что поддержка будет продолжена.",
        "«Сейчас не время останавливаться», — сказал Ыбырай Жбанкул.",
    ]
    assert "Иван Петров" not in speakers(unread, "ru")


def test_ru_adverb_before_the_verb_keeps_the_subject_after_it() -> None:
    paragraphs = [
        "Глава банка Анна Смирнова сравнила экономику с кораблем.",
        "«Штурвал в наших руках, и нужно твердо держать курс», – образно описала Смирнова.",
    ]
    assert speakers(paragraphs, "ru") == ["Анна Смирнова"]


def test_ru_capitalised_role_inside_a_line_introduces_the_name() -> None:
    paragraphs = [
        "Развернуть Министр иностранных дел Иван Петров",
        "Заседание пройдет в Вене. «Скажу сразу: ситуация плачевная», — написал министр.",
    ]
    assert speakers(paragraphs, "ru") == ["Иван Петров"]


def test_ru_name_in_a_reported_clause_after_its_title_is_not_the_antecedent() -> None:
    paragraphs = [
        "Министр финансов Джон Миллер заявил, что санкции введены из-за того, что "
        "президент РФ Иван Петров не был откровенен на переговорах.",
        "«Он не подошёл к переговорам честно и открыто», — сказал он в эфире телеканала.",
    ]
    assert speakers(paragraphs, "ru") == ["Джон Миллер"]


def test_uk_person_after_a_country_or_summit_noun_is_still_the_speaker() -> None:
    got = speakers(
        [
            "«Це проблема нашої країни, і ми повинні її вирішувати», - заявила прем'єр-міністр "
            "країни Беата Шидло."
        ],
        "uk",
    )
    assert got == ["Беата Шидло"]
    summit = [
        "«Це дасть іще більше можливостей для нашого бізнесу», — сказав під час саміту "
        "Президент Володимир Зеленський."
    ]
    assert speakers(summit, "uk") == ["Володимир Зеленський"]


def test_uk_body_named_after_a_preposition_is_not_the_generic_roles_person() -> None:
    paragraphs = [
        "Тетяна Іжевська працює на дипслужбі 25 років. Свого часу дипломатка була "
        "представницею України у Комітеті Ради Європи з питань рівності.",
        "«Пригадую, готувала доповідь на тему жінок у дипломатії», — переконана дипломатка.",
    ]
    assert "Ради Європи" not in speakers(paragraphs, "uk")


def test_uk_name_before_a_comma_and_and_is_not_the_next_verbs_subject() -> None:
    paragraphs = [
        "Бабуся поцілувала онука, як колись виряджала в науку сина Віталія, і сказала: "
        "«Сподіваюся, що будеш гарно вчитися і не осоромиш наш рід»."
    ]
    assert "Віталія" not in speakers(paragraphs, "uk")
