"""Press conferences and interviews: a label line hands the dash paragraphs after it to
one person, questions and requests are the interviewer's, a headline gives its person's
words (short examples written for the tests, issue 18)."""

from __future__ import annotations

from bot.news.quotes import extract_quotes


def quotes(
    paragraphs: list[str], language: str, headline: str | None = None
) -> list[tuple[str, str]]:
    found = extract_quotes(paragraphs, language, headline=headline)
    return sorted((q.speaker, q.text) for q in found)


def test_ru_label_lines_hand_the_answers_to_each_coach() -> None:
    paragraphs = [
        "«Сокол» - «Метеор» 2:0. Пресс-конференция",
        "Главный тренер «Метеора» Олег Лужин:",
        "- Хочу поздравить соперника и болельщиков с победой. Они заслужили её.",
        "- Оцените игру в нападении.",
        "- А в защите оценить не хотите? Команда сегодня была не в лучшем состоянии.",
        "- Впечатление сложилось, что ваши игроки не знали, что делать с мячом.",
        "- Да знали. Просто соперник сыграл хорошо в защите.",
        "Павел Зимин, главный тренер «Сокола»:",
        "- Ребята ответственно готовились к матчу и выполнили установку.",
    ]
    got = quotes(paragraphs, "ru")
    assert [s for s, _ in got].count("Олег Лужин") == 3
    assert ("Павел Зимин", "Ребята ответственно готовились к матчу и выполнили установку.") in got
    assert not any("Оцените" in t or "Впечатление сложилось" in t for _, t in got)


def test_ru_narrative_line_ending_with_a_colon_names_the_speaker() -> None:
    paragraphs = [
        "Первым к журналистам вышел Анатолий Чернов, наставник «Зари», который был немногословен:",
        "- Игра была сложная. Мы пытались показать свои лучшие качества.",
        "Следом вышел Сергей Коваль, которого журналисты встретили аплодисментами:",
        "- В первую очередь хотел бы поблагодарить наших болельщиков.",
    ]
    got = dict((t, s) for s, t in quotes(paragraphs, "ru"))
    assert got["Игра была сложная. Мы пытались показать свои лучшие качества."] == "Анатолий Чернов"
    assert got["В первую очередь хотел бы поблагодарить наших болельщиков."] == "Сергей Коваль"


def test_ru_a_line_that_names_two_people_hands_over_to_nobody() -> None:
    paragraphs = [
        "Олег Лужин и Павел Зимин после матча ответили на вопросы:",
        "- Игра была сложная, но мы довольны результатом.",
    ]
    assert all(not speaker for speaker, _ in quotes(paragraphs, "ru"))


def test_ru_surname_in_capitals_is_shown_in_ordinary_case() -> None:
    paragraphs = [
        "Андрей ДМИТРИЕНКО (тренер ФК «Сокол»):",
        "– Проиграли команде, которая была нам по силам. Не хватило скорости.",
    ]
    assert quotes(paragraphs, "ru") == [
        ("Андрей Дмитриенко", "Проиграли команде, которая была нам по силам. Не хватило скорости.")
    ]


def test_ru_headline_quote_the_story_does_not_repeat_is_its_persons() -> None:
    paragraphs = [
        "Главный тренер «Сокола» Владимир Шаров прокомментировал поражение.",
        "– Впечатления позитивные, ребята проявили характер до конца.",
    ]
    got = quotes(paragraphs, "ru", headline="Владимир ШАРОВ: «Получим премиальные за этот матч»")
    assert ("Владимир Шаров", "Получим премиальные за этот матч") in got
    repeated = quotes(
        ["«Ребята проявили характер до конца», — сказал Владимир Шаров."],
        "ru",
        headline="Владимир Шаров: «Ребята проявили характер до конца»",
    )
    assert len(repeated) == 1


def test_dash_speech_is_not_taken_for_the_headline() -> None:
    from bot.news import analyze

    text = (
        "Главный тренер «Сокола» Дмитрий Чернышов прокомментировал матч против «Метеора».\n"
        "— Поздравляю команду соперника с победой. Игра шла до гола. Все\n"
        "старались, была огромная самоотдача во втором тайме."
    )
    found = analyze(text)
    assert not found.title.startswith("—")
    assert [q.speaker for q in found.quotes] == ["Дмитрий Чернышов"]


def test_ru_full_name_and_post_before_a_colon_give_the_quote() -> None:
    paragraphs = [
        "Дмитрий Орлов, пресс-секретарь президента: «Экспертные переговоры не позволяют "
        "достичь ощутимых результатов»"
    ]
    got = extract_quotes(paragraphs, "ru")
    assert [(q.speaker, q.role) for q in got] == [("Дмитрий Орлов", "пресс-секретарь президента")]


def test_uk_a_paragraph_that_is_only_a_quote_continues_the_named_speaker() -> None:
    paragraphs = [
        "«Не хочу виділяти когось в команді, всі молодці», - сказав Зайцев.",
        "«Для позитивного результату не вистачило голу, але маємо те, що маємо».",
    ]
    assert [s for s, _ in quotes(paragraphs, "uk")] == ["Зайцев", "Зайцев"]
    narrated = [
        "«Не хочу виділяти когось в команді, всі молодці», - сказав Зайцев.",
        "Тим часом суперник думав інакше: «Для позитивного результату не вистачило голу».",
    ]
    second = [s for s, t in quotes(narrated, "uk") if t.startswith("Для позитивного")]
    assert second in ([], [""])  # words the narration gives to someone else: not Зайцев


def test_ru_straight_quote_with_a_nested_one_runs_over_paragraphs() -> None:
    paragraphs = [
        'Главный тренер "Сокола" Илья Воронин прокомментировал победу.',
        '"Я думаю, что это был классный, "плей-оффовский" матч. Играли две очень хорошие '
        "команды, это отличная реклама для хоккея.",
        'При счете 2:0 обидно упускать такой результат, но это хоккей", - сказал Воронин.',
    ]
    got = quotes(paragraphs, "ru")
    assert len(got) == 1 and got[0][0] == "Илья Воронин"
    assert got[0][1].startswith("Я думаю") and got[0][1].endswith("но это хоккей")
    short_tail = ['"As the Council made clear, "any dialogue must be reciprocal," it said.']
    # one mark closed both, an attribution follows: still one quote on its line
    assert [t for _, t in quotes(short_tail, "en")] == [
        'As the Council made clear, "any dialogue must be reciprocal'
    ]
