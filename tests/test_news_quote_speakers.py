"""Speaker classes seen on real pages, on short examples written for the tests."""

from __future__ import annotations

from bot.news.quotes import extract_quotes


def speakers(paragraphs: list[str], language: str, headline: str | None = None) -> list[str]:
    return [q.speaker for q in extract_quotes(paragraphs, language, headline=headline)]


def test_en_titles_and_nationalities_are_stripped_from_the_name() -> None:
    got = speakers(
        ['Iranian Foreign Minister Abbas Karimi said, "We are not in a hurry to talk again."'],
        "en",
    )
    assert got == ["Abbas Karimi"]
    got = speakers(['"The talks were long and useful," said US President John Miller.'], "en")
    assert got == ["John Miller"]


def test_en_word_before_a_name_is_not_part_of_it() -> None:
    got = speakers(
        [
            "Secretary of State Mark Olsen arrived on Monday.",
            '"We will keep talking to our partners," But Olsen said later.',
        ],
        "en",
    )
    assert got == ["Mark Olsen"]


def test_en_bare_surname_takes_the_full_name_from_the_headline() -> None:
    got = speakers(
        ['"There is no agreement on the main issues yet," Halvorsen told reporters.'],
        "en",
        headline="Erik Halvorsen says talks will go on",
    )
    assert got == ["Erik Halvorsen"]


def test_en_places_bodies_and_countries_are_never_speakers() -> None:
    for speaker in ("Germany", "North Korea's", "NATO", "the Gaza Strip"):
        # attributed, so a quote; but to no person: shown without a name
        assert speakers([f'"We will not accept these terms at all," {speaker} said.'], "en") == [""]


def test_en_title_only_speaker_resolves_to_the_one_holder_of_the_post() -> None:
    paragraphs = [
        "Prime Minister Anna Berg met farmers on Tuesday.",
        '"We hear you and we will act soon," the Prime Minister said.',
    ]
    assert speakers(paragraphs, "en") == ["Anna Berg"]
    rivals = [
        "Prime Minister Anna Berg met Prime Minister Olaf Lind on Tuesday.",
        '"We hear you and we will act soon," the Prime Minister said.',
    ]
    assert speakers(rivals, "en") == [""]  # two holders of the post: no name


def test_en_he_said_skips_the_person_after_a_preposition() -> None:
    paragraphs = [
        "Foreign Secretary Paul Grant said he would meet with Foreign Minister Ivan Sokol.",
        '"I will not bring a paper to that meeting, not this time," he said.',
    ]
    assert speakers(paragraphs, "en") == ["Paul Grant"]


def test_en_noun_phrase_speaker_is_a_role_not_an_initial() -> None:
    paragraphs = [
        "Deputy Secretary Laura Quinn led the delegation.",
        '"We made our position clear to them," said the U.S. diplomat.',
    ]
    assert speakers(paragraphs, "en") == ["Laura Quinn"]


def test_uk_capitalised_role_resolves_to_the_person_it_introduced() -> None:
    paragraphs = [
        "Президент Остап Гнатюк підписав указ.",
        "«Ми повертаємо наших людей додому, і так буде далі», - зазначив Президент.",
    ]
    assert speakers(paragraphs, "uk") == ["Остап Гнатюк"]


def test_uk_role_with_a_qualifier_at_sentence_start() -> None:
    paragraphs = [
        "Радник міністра з питань економіки Тарас Бойко виступив на форумі.",
        "Радник міністра наголосив: «Податки цього року не зростуть ні на відсоток».",
    ]
    assert speakers(paragraphs, "uk") == ["Тарас Бойко"]


def test_uk_pronoun_goes_to_the_subject_not_to_a_name_in_another_case() -> None:
    paragraphs = [
        "Радник Тарас Бойко прокоментував розмову з Олегом Петренком.",
        "«Ми говоримо часто, але зміст розмов я не коментую», - зазначив він.",
    ]
    assert speakers(paragraphs, "uk") == ["Тарас Бойко"]


def test_ru_genitive_name_before_the_speakers_name_is_a_title() -> None:
    paragraphs = [
        "Как заявил помощник Владимира Сорокина Юрий Белов, встреча прошла неплохо.",
        "«Мы договорились продолжать работу по всем вопросам», — сказал он.",
    ]
    assert speakers(paragraphs, "ru") == ["Юрий Белов"]


def test_ru_headline_surname_gets_the_full_name_from_the_text() -> None:
    paragraphs = [
        "Об этом заявил помощник президента Владимир Сорокин.",
        "«Делегация прибыла сегодня для прямых переговоров», — подчеркнул он.",
    ]
    got = speakers(paragraphs, "ru", headline="Сорокин: делегация прибыла")
    assert got == ["Владимир Сорокин"]


def quotes(paragraphs: list[str], language: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in extract_quotes(paragraphs, language)]


def test_uk_quote_over_two_paragraphs_is_one_quote() -> None:
    got = quotes(
        [
            "Міністр Олег Петренко виступив у парламенті.",
            "«Ми підготували три пункти плану.",
            "«Перший пункт стосується обміну полоненими», — сказав Петренко.",
        ],
        "uk",
    )
    assert len(got) == 1
    speaker, text = got[0]
    assert speaker == "Олег Петренко"
    assert text.startswith("Ми підготували три пункти плану.")
    assert text.endswith("Перший пункт стосується обміну полоненими")


def test_ru_reported_speech_with_a_quoted_stretch() -> None:
    got = quotes(
        ["Сергей Орлов сказал, что «разговор был трудным, но деловым и очень долгим»."], "ru"
    )
    assert got == [("Сергей Орлов", "разговор был трудным, но деловым и очень долгим")]


def test_uk_quoted_object_of_a_call_is_not_reported_speech() -> None:
    got = quotes(
        ["Олег Петренко закликав об'єднатися «всіх кандидатів, які мають менший досвід»."], "uk"
    )
    assert got == []


def test_uk_attribution_after_a_comma_without_a_dash() -> None:
    got = quotes(
        [
            "Угода є «прямим наслідком довгої роботи обох делегацій у Женеві», заявив "
            "міністр Олег Петренко."
        ],
        "uk",
    )
    assert got == [("Олег Петренко", "прямим наслідком довгої роботи обох делегацій у Женеві")]


def test_en_mismatched_quote_marks_still_make_a_quote() -> None:
    got = quotes(["“We will keep talking to them every week,“ said Anna Berg."], "en")
    assert got == [("Anna Berg", "We will keep talking to them every week")]


def test_uk_symbol_before_a_quote_does_not_hide_it() -> None:
    got = quotes(["📢 «Ми готові до наступного раунду переговорів», — сказав Олег Петренко."], "uk")
    assert got == [("Олег Петренко", "Ми готові до наступного раунду переговорів")]


def test_en_a_platform_or_a_letter_is_not_a_speaker() -> None:
    assert quotes(['"We will use every channel we have," posted X.'], "en") == [
        ("", "We will use every channel we have")
    ]


def test_ru_new_speech_verbs() -> None:
    got = quotes(
        [
            "Глава делегации Сергей Орлов прибыл в Женеву.",
            "«Мы не ждем быстрых решений по этому вопросу», — высказался он.",
        ],
        "ru",
    )
    assert got == [("Сергей Орлов", "Мы не ждем быстрых решений по этому вопросу")]


def test_uk_subject_of_a_reported_clause_is_not_the_antecedent() -> None:
    paragraphs = [
        "Посланець Стів Олсен вірить, що Петренко хоче миру.",
        "«Я думаю, що він зробив справжні зусилля для діалогу», – сказав він.",
    ]
    assert [s for s, _ in quotes(paragraphs, "uk")] == ["Стів Олсен"]


def test_uk_generic_role_needs_the_person_close_and_alone() -> None:
    near = [
        "Посол Тетяна Іжевська розповіла про роботу.",
        "«Жінок у дипломатії стає дедалі більше», — переконана дипломатка.",
    ]
    assert [s for s, _ in quotes(near, "uk")] == ["Тетяна Іжевська"]
    rival = [
        "Посол Тетяна Іжевська розповіла про роботу.",
        "Про Ганну Мороз вона згадала окремо.",
        "«Жінок у дипломатії стає дедалі більше», — переконана дипломатка.",
    ]
    assert [s for s, _ in quotes(rival, "uk")] == [""]


def test_uk_colon_at_the_end_of_the_previous_paragraph() -> None:
    got = quotes(
        [
            "Радник Тарас Бойко підкреслив, що сторони зустрічалися шість разів:",
            "«Я б сказав, що тон був конструктивним і дружнім».",
        ],
        "uk",
    )
    assert got == [("Тарас Бойко", "Я б сказав, що тон був конструктивним і дружнім")]


def test_en_second_quote_right_after_an_attributed_one_has_the_same_speaker() -> None:
    got = quotes(
        [
            '"I told them where we stand," Anna Berg said in Geneva. '
            '"We have made clear that any move will have a cost."'
        ],
        "en",
    )
    assert [s for s, _ in got] == ["Anna Berg", "Anna Berg"]
    apart = [
        '"I told them where we stand," Anna Berg said. Talks went on for hours. '
        '"We have made clear that any move will have a cost."'
    ]
    assert [s for s, _ in quotes(apart, "en")] == ["Anna Berg", ""]  # not hers for certain


def test_uk_unclosed_quote_after_a_colon_runs_to_the_end_of_its_paragraph() -> None:
    got = quotes(["Тренер Сергій Ребров сказав: «Гравці зробили гарне свято для людей"], "uk")
    assert got == [("Сергій Ребров", "Гравці зробили гарне свято для людей")]
    assert quotes(["Гравці отримали «подарунок від уболівальників за гарну гру"], "uk") == []


def test_ru_dash_paragraphs_after_a_line_that_introduces_the_speaker() -> None:
    paragraphs = [
        "Дмитрий Козлов рассказал журналистам об итогах переговоров.",
        "— Разговор был откровенным, обменялись мнениями по всем вопросам.",
        "— Найти окончательное решение пока не удалось.",
        "— Когда будет следующая встреча?",
    ]
    got = quotes(paragraphs, "ru")
    assert [s for s, _ in got] == ["Дмитрий Козлов", "Дмитрий Козлов"]
    assert all(not text.endswith("?") for _, text in got)


def test_en_role_with_adjectives_after_the_article() -> None:
    paragraphs = [
        "Foreign Minister Abbas Karimi dismissed the reports.",
        '"Some speculations about new talks should not be taken seriously," '
        "the Iranian top diplomat declared.",
    ]
    assert [s for s, _ in quotes(paragraphs, "en")] == ["Abbas Karimi"]


def test_ru_role_before_a_name_with_a_club_in_quote_marks() -> None:
    paragraphs = [
        "Главный тренер «Зенита» Сергей Орлов прокомментировал победу.",
        "«Хорошая игра с первой и до последней минуты», — отметил главный тренер.",
    ]
    assert [s for s, _ in quotes(paragraphs, "ru")] == ["Сергей Орлов"]


def test_role_is_shown_as_the_text_states_it() -> None:
    got = extract_quotes(
        [
            "Речник міністерства Олег Петренко виступив на брифінгу.",
            "«Ми продовжимо переговори наступного тижня», — сказав Петренко.",
        ],
        "uk",
    )
    assert [(q.speaker, q.role, q.attribution) for q in got] == [
        ("Олег Петренко", "речник міністерства", "Олег Петренко, речник міністерства")
    ]
    apposition = extract_quotes(
        ["«Ми продовжимо переговори наступного тижня», — сказала Анна Мороз, речниця МЗС."],
        "uk",
    )
    assert [q.attribution for q in apposition] == ["Анна Мороз, речниця МЗС"]
    english = extract_quotes(
        ['Iranian Foreign Minister Abbas Karimi said: "We are not in a hurry to talk."'], "en"
    )
    assert [q.attribution for q in english] == ["Abbas Karimi, Iranian Foreign Minister"]
    bare = extract_quotes(
        ["«Ми продовжимо переговори наступного тижня», — сказав Олег Петренко."], "uk"
    )
    assert [q.attribution for q in bare] == ["Олег Петренко"]


def test_sample_story_gives_its_two_quotes_with_speakers_and_roles() -> None:
    from pathlib import Path

    from bot.news import analyze

    text = (Path(__file__).parents[1] / "bot" / "data" / "sample_story.txt").read_text("utf-8")
    got = [(q.speaker, q.role, q.text[:20]) for q in analyze(text).quotes]
    assert got == [
        ("Венді Шерман", "заступниця держсекретаря США", "Ми не ухвалюватимемо"),
        ("Сергій Рябков", "заступник міністра закордонних справ Росії", "Нам потрібні юридичн"),
    ]


def test_en_second_verb_of_a_sentence_shares_the_first_verbs_subject() -> None:
    got = quotes(
        [
            "Anna Berg said that she expects a quick process and added: "
            '"I think we can hardly find a faster one anywhere."'
        ],
        "en",
    )
    assert got == [("Anna Berg", "I think we can hardly find a faster one anywhere.")]


def test_paragraph_labelled_with_a_persons_name() -> None:
    got = quotes(
        ["Martin Hale: It sounds like an excuse but the three games took their toll."], "en"
    )
    assert got == [("Martin Hale", "It sounds like an excuse but the three games took their toll.")]
    # a label that is not a person, or a lower-case gist after a name, is no quote
    assert quotes(["Details: The parties also raised the issue of a ceasefire today."], "en") == []
    assert quotes(["Анатолій Мороз: у діалозі зі США щодо озброєнь немає просвіту"], "uk") == []


def test_short_quoted_phrase_in_reported_speech_stays_a_phrase() -> None:
    assert quotes(["Sergei Orlov said the offer was 'too little too late' for Moscow."], "en") == []
    got = quotes(["Sergei Orlov said the offer was “far too little and far too late”."], "en")
    assert got == [("Sergei Orlov", "far too little and far too late")]


def test_en_summed_up_is_a_speech_verb() -> None:
    got = quotes(["“It was not an easy discussion at all,” Anna Berg summed up the meeting."], "en")
    assert got == [("Anna Berg", "It was not an easy discussion at all")]


def test_ru_genitive_name_before_the_subject_in_reported_speech() -> None:
    got = quotes(
        [
            "Пресс-секретарь Владимира Сорокина Дмитрий Белов заявил, что это будет "
            "«посягательством на безопасность и интересы нашей страны»."
        ],
        "ru",
    )
    assert [s for s, _ in got] == ["Дмитрий Белов"]


def test_uk_role_in_another_case_belongs_to_the_name_it_agrees_with() -> None:
    paragraphs = [
        "Посланець президента США Джона Міллера Кіт Олсен прибув до Лондона.",
        "«Я був дуже радий почути про готовність до перемир'я», – казав президент США.",
    ]
    assert [s for s, _ in quotes(paragraphs, "uk")] == ["Джон Міллер"]


def test_uk_several_holders_of_a_post_the_subject_speaks() -> None:
    paragraphs = [
        "Як нагадав президент України Остап Гнатюк, він зустрівся з президентом Франції "
        "Жаном Дюпоном.",
        "«Зараз уже сім безпекових угод з усіма країнами групи», – резюмував президент.",
    ]
    assert [s for s, _ in quotes(paragraphs, "uk")] == ["Остап Гнатюк"]
    both_subjects = [
        "Президент Остап Гнатюк і президент Жан Дюпон підписали угоду.",
        "«Зараз уже сім безпекових угод з усіма країнами групи», – резюмував президент.",
    ]
    assert [s for s, _ in quotes(both_subjects, "uk")] == [""]
