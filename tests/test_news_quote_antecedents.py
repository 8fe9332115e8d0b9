"""Who 'he', a role or a subject-less verb stands for, and which names can be it
(short examples written for the tests, issue 18)."""

from __future__ import annotations

import pytest

from bot.news.quotes import extract_quotes


def speakers(paragraphs: list[str], language: str) -> list[str]:
    found = extract_quotes(paragraphs, language)
    return [q.speaker for q in sorted(found, key=lambda q: "".join(paragraphs).find(q.text))]


def test_ru_relayer_before_the_person_relayed() -> None:
    paragraphs = [
        "Замглавы МИД Сергей Рябцев рассказал о встрече.",
        "«Мы в процессе выработки повестки дня и состава участников», — цитирует ТАСС Рябцева.",
    ]
    assert speakers(paragraphs, "ru") == ["Сергей Рябцев"]


def test_ru_subject_right_after_a_name_in_a_prepositional_phrase() -> None:
    paragraphs = [
        "Пресс-секретарь Дмитрий Орлов подтвердил визит.",
        "На вопрос о встрече с Президентом России Иваном Петровым Орлов ответил: "
        "«Если будет, мы сообщим».",
    ]
    assert speakers(paragraphs, "ru") == ["Дмитрий Орлов"]


def test_ru_adverb_between_the_subject_and_a_colon_verb() -> None:
    paragraphs = [
        "Президент Джон Миллер прямо указал, что будет делать на встрече с Петровым: "
        "«Мы обсудим мой разговор с президентом и многое другое»."
    ]
    assert speakers(paragraphs, "ru") == ["Джон Миллер"]


def test_ru_name_after_a_country_in_a_prepositional_phrase_is_a_subject() -> None:
    paragraphs = [
        "Об этом заявил в интервью агентству посол РФ в США Анатолий Антонов.",
        "«Очень скоро, через несколько недель, начнутся консультации», - отметил он.",
    ]
    assert speakers(paragraphs, "ru") == ["Анатолий Антонов"]


def test_uk_generic_role_is_not_the_last_of_a_list_of_people() -> None:
    paragraphs = [
        "У зустрічі беруть участь держсекретар Ентоні Блінкен, радник Джейк Салліван "
        "і директор СНБ Стергос Калудіс.",
        "«Пане президенте, хочу Вам подякувати за вашу ініціативу», – сказав російський лідер.",
    ]
    assert speakers(paragraphs, "uk") == [""]


def test_ru_paragraph_about_he_between_keeps_the_generic_role_resolved() -> None:
    paragraphs = [
        "«Нынешний контекст для диалога не самый благоприятный», — заявил Сергей Рябцев.",
        "Он признался, что не ждет каких-то прорывов.",
        "«Мы методично обсуждаем то, что происходит», — отметил дипломат.",
    ]
    assert speakers(paragraphs, "ru") == ["Сергей Рябцев", "Сергей Рябцев"]


@pytest.mark.parametrize("teaser", ["Read more:", "READ MORE :", "read more " + " \t" * 5 + ":"])
def test_en_names_in_a_read_more_teaser_are_not_antecedents(teaser: str) -> None:
    paragraphs = [
        "Ukrainian President Volodymyr Zelenskyy has said the talks forged workable steps. "
        f"{teaser} Trump says 'something good may just be happening' in the talks",
        '"Today our delegation returned from Geneva after the negotiations," he said on Monday.',
    ]
    assert speakers(paragraphs, "en") == ["Volodymyr Zelenskyy"]


def test_ru_quote_after_an_adding_sentence_keeps_its_own_attribution() -> None:
    paragraphs = [
        "«У меня был хороший разговор с министром», — добавил госсекретарь. "
        "«Мы всегда будем заинтересованы в контактах», — подчеркнул Рубио."
    ]
    assert speakers(paragraphs, "ru")[1] == "Рубио"


def test_ru_quote_paragraph_after_a_paragraph_reporting_the_speaker() -> None:
    paragraphs = [
        "Такое заявление сделал замглавы МИД Сергей Рябцев.",
        "Он отметил, что для продолжения диалога политика должна измениться.",
        "«Мы неоднократно говорили, что возвращение к диалогу возможно»",
    ]
    assert speakers(paragraphs, "ru") == ["Сергей Рябцев"]
    two = [
        "Сергей Рябцев и Иван Петров обсудили диалог, заявил Рябцев.",
        "«Мы неоднократно говорили, что возвращение к диалогу возможно»",
    ]
    assert speakers(two, "ru") != ["Иван Петров"]


def test_ru_names_joined_in_a_reported_clause_are_not_its_speaker() -> None:
    paragraphs = [
        "Помощник президента Юрий Соколов сообщил, что Иван Петров и спецпосланник "
        "президента США Стив Миллер обсуждали дальнейшие шаги. Он отметил, что "
        "союзники уже получили информацию.",
        "«Вчера сразу же после доклада созвонились с рядом европейских партнеров»",
    ]
    assert speakers(paragraphs, "ru") == ["Юрий Соколов"]


def test_en_she_is_not_the_last_man_named() -> None:
    paragraphs = [
        "Russian Foreign Minister Sergey Lavrov spoke after US Secretary of State Antony Blinken.",
        'Mr Lavrov replied that "Russia is not planning an invasion of anyone."',
        "The head of Swedish diplomacy, Ann Holm, and the host of the meeting, expressed hope.",
        '"Dialogue is always better than attack," she stated.',
    ]
    got = speakers(paragraphs, "en")
    assert got[-1] != "Sergey Lavrov"
    named = [
        "Swedish Foreign Minister Ann Holm spoke after Russian Foreign Minister Sergey Lavrov "
        "arrived.",
        '"Dialogue is always better than attack," she said.',
    ]
    assert speakers(named, "en") == ["Ann Holm"]
