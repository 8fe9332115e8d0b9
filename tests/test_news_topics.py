"""Topic rules: hand-written short stories (uk, ru, en), positives and hard negatives."""

from __future__ import annotations

import pytest

from bot.news import analyze, load_topics, morph
from bot.news.topics import rules
from tests.shared_data import seed_text

US_RU = "us-russia-security"

POSITIVE = {
    "uk-geneva": (
        "У Женеві завершилися переговори США і Росії",
        "Заступниця держсекретаря Венді Шерман і заступник глави МЗС РФ Сергій Рябков "
        "майже вісім годин обговорювали гарантії безпеки. Москва вимагає юридичних "
        "гарантій нерозширення НАТО на схід. Шерман заявила, що Вашингтон не прийме "
        "пропозицій, які неможливо виконати, але готовий говорити про контроль над "
        "озброєннями.",
    ),
    "uk-written-answer": (
        "Блінкен передав Лаврову письмову відповідь",
        "Сполучені Штати передали Росії письмову відповідь на її вимоги щодо гарантій "
        "безпеки. Держсекретар Ентоні Блінкен сказав, що документ пропонує серйозний "
        "дипломатичний шлях. У Кремлі пообіцяли вивчити відповідь, перш ніж вирішувати, "
        "чи продовжувати переговори.",
    ),
    "ru-guarantees": (
        "Лавров и Блинкен обсудили гарантии безопасности",
        "Министр иностранных дел России Сергей Лавров провёл переговоры с госсекретарём "
        "США Энтони Блинкеном. Главной темой стали российские предложения по гарантиям "
        "безопасности в Европе. Москва ждёт письменного ответа Вашингтона, заявил Лавров. "
        "В Госдепартаменте назвали встречу откровенной.",
    ),
    "ru-strategic-stability": (
        "Россия и США возобновят диалог по стратегической стабильности",
        "Делегации России и Соединённых Штатов встретятся в Женеве для консультаций по "
        "стратегической стабильности. Речь пойдёт о продлении ДСНВ и контроле над "
        "вооружениями, сообщил замминистра иностранных дел Рябков.",
    ),
    "en-response": (
        "US rejects Russia's key demands in written response",
        "The United States delivered its written response to Russia's security "
        "demands on Wednesday. Secretary of State Antony Blinken said Washington would "
        "not bar Ukraine from joining NATO but offered talks on arms control and "
        "military exercises. The Kremlin said it would study the document before deciding "
        "whether to continue the security talks.",
    ),
    "en-geneva": (
        "Sherman and Ryabkov meet in Geneva",
        "U.S. and Russian diplomats held nearly eight hours of talks in Geneva on "
        "security guarantees. Deputy Foreign Minister Sergei Ryabkov said Moscow needs "
        "ironclad guarantees that NATO will not expand. Deputy Secretary of State Wendy "
        "Sherman said the US firmly rejected proposals that are non-starters.",
    ),
    "uk-leaders-call": (
        "Байден і Путін поговорили телефоном",
        "Президенти США і Росії Джо Байден та Володимир Путін провели телефонну розмову. "
        "Головною темою стали російські вимоги щодо гарантій безпеки. Байден попередив, "
        "що у разі вторгнення Вашингтон запровадить жорсткі санкції. У Кремлі розмову "
        "назвали конструктивною.",
    ),
    "en-new-start": (
        "Russia suspends New START",
        "Russian President Vladimir Putin said Moscow would suspend its participation in "
        "New START, the last arms control treaty with the United States. The State "
        "Department called the decision irresponsible, and Washington said it remained "
        "open to talks on strategic stability.",
    ),
    "ru-deadlock": (
        "Рябков: ответ США не учитывает главных озабоченностей",
        "Замглавы МИД России Сергей Рябков заявил, что письменный ответ Вашингтона на "
        "российские предложения по гарантиям безопасности не учитывает озабоченностей "
        "Москвы. По его словам, переговоры с США о нерасширении НАТО зашли в тупик.",
    ),
}

NEGATIVE = {
    # Other talks: same actors, a prisoner swap.
    "uk-prisoner-swap": (
        "США і Росія обмінялися ув'язненими",
        "Сполучені Штати та Росія провели обмін ув'язненими в аеропорту Абу-Дабі. "
        "Переговори тривали кілька місяців за посередництва ОАЕ. Президент Байден "
        "подякував партнерам, у Кремлі підтвердили обмін.",
    ),
    # Other guarantees: guarantees for Ukraine from its allies.
    "uk-ukraine-guarantees": (
        "Союзники обговорили гарантії безпеки для України",
        "Лідери коаліції охочих обговорили гарантії безпеки для України після "
        "припинення вогню. США готові підтримати європейських партнерів, заявив Трамп. "
        "Росія виступає проти розміщення іноземних військ. Гарантії безпеки Україні "
        "мають бути надійними, наголосили в Лондоні.",
    ),
    # War report with the same actors.
    "uk-war-report": (
        "Росія атакувала Київ ракетами",
        "Уночі російські війська завдали ракетного удару по Києву, загинули троє людей, "
        "ще дванадцятеро поранено. У Білому домі засудили обстріл і пообіцяли нові "
        "поставки ППО. Росія заявила, що била по військових об'єктах.",
    ),
    # Other US-Russia news: sanctions.
    "ru-sanctions": (
        "США ввели новые санкции против России",
        "Министерство финансов США расширило санкционный список против российских банков "
        "и энергетических компаний. В Кремле назвали санкции незаконными. Эксперты "
        "ожидают падения курса рубля.",
    ),
    # Guarantees, but bank deposits.
    "ru-deposit-guarantees": (
        "Агентство страхования вкладов повысило гарантии",
        "В России обсуждают повышение гарантий по вкладам. Американские банки в США "
        "страхуют вклады до 250 тысяч долларов, напомнили эксперты. Безопасность "
        "сбережений граждан остаётся приоритетом.",
    ),
    # Other talks: Russia and Ukraine in Istanbul, US only mentioned.
    "en-istanbul": (
        "Russia and Ukraine hold talks in Istanbul",
        "Russian and Ukrainian delegations met in Istanbul for a second round of talks "
        "on a prisoner exchange. The US welcomed the meeting. Moscow again demanded that "
        "Kyiv withdraw its troops from four regions.",
    ),
    # Security guarantees, but for Ukraine.
    "en-ukraine-guarantees": (
        "Europe drafts security guarantees for Ukraine",
        "European leaders worked on security guarantees for Ukraine with the coalition "
        "of the willing. The US signalled it may provide air support. Russia rejected any "
        "foreign troops in Ukraine, and shelling continued along the front line.",
    ),
    # A bilateral security deal between Ukraine and the US; Russia only reacts.
    "uk-ukraine-us-deal": (
        "Україна і США підписали безпекову угоду",
        "Президент України і президент США підписали двосторонню безпекову угоду на 10 "
        "років. Документ передбачає військову допомогу Україні для відсічі російській "
        "агресії. Росія назвала угоду нікчемною.",
    ),
    # Diplomats expelled: US-Russia news without security talks.
    "ru-expulsion": (
        "США выслали российских дипломатов",
        "Государственный департамент США объявил о высылке двенадцати сотрудников "
        "постпредства России при ООН. В МИД России пообещали ответные меры.",
    ),
    # Other "security": food security and the grain deal.
    "en-grain-deal": (
        "US says Russia must return to grain deal",
        "The United States urged Russia to return to the Black Sea grain deal, saying its "
        "exit threatens food security in Africa. The Kremlin said its demands were not met.",
    ),
    # A war report that mentions the talks once, as background.
    "uk-war-background": (
        "Росія вдарила по енергетиці",
        "Уночі Росія випустила по Україні понад сто ракет і дронів, загинули семеро "
        "людей. Обстріл пошкодив ТЕС у трьох областях. У Білому домі засудили атаку. "
        "Раніше США і Росія обговорювали гарантії безпеки, але переговори зайшли в "
        "глухий кут.",
    ),
    # NATO ministers on European security: US and Russia named, no US-Russia talks.
    "en-nato-ministers": (
        "NATO ministers meet in Brussels",
        "NATO defence ministers discussed European security in Brussels on Thursday. US "
        "Defense Secretary Lloyd Austin urged allies to raise spending to deter Russia.",
    ),
    # US security talks, but with China.
    "en-us-china": (
        "US and China resume military talks",
        "American and Chinese defense officials held security talks in Beijing on arms "
        "control and crisis communication. The Pentagon said the dialogue would continue.",
    ),
}


def topics_of(title: str, body: str) -> tuple[str, ...]:
    return analyze(body, title=title).topics


@pytest.mark.parametrize("key", sorted(POSITIVE))
def test_us_russia_security_positive(key: str) -> None:
    title, body = POSITIVE[key]
    assert US_RU in topics_of(title, body)


@pytest.mark.parametrize("key", sorted(NEGATIVE))
def test_us_russia_security_rejects_hard_negative(key: str) -> None:
    title, body = NEGATIVE[key]
    assert US_RU not in topics_of(title, body)


def test_seed_is_us_russia_security_and_first() -> None:
    analysis = analyze(seed_text())
    assert analysis.topics[0] == US_RU
    match = analysis.topic_matches[0]
    # The reason names both sides and the subject.
    assert {"США", "Росія", "гарантії безпеки"} <= set(match.terms)


def test_match_carries_matched_terms_only() -> None:
    title, body = POSITIVE["en-geneva"]
    match = next(m for m in analyze(body, title=title).topic_matches if m.topic_id == US_RU)
    assert "security guarantees" in match.terms
    assert "arms control" not in match.terms  # not in that story
    assert match.score > 0


def test_sides_must_meet_in_one_passage() -> None:
    # All three groups occur, but far apart: no sentence window holds them together.
    filler = " ".join(f"Фермери зібрали врожай номер {i} на полях області." for i in range(6))
    body = (
        "США оголосили про новий космічний запуск. "
        + filler
        + " Росія провела футбольний турнір. "
        + filler
        + " Експерти з ЄС обговорили гарантії безпеки для банківських вкладів і "
        "гарантії безпеки даних."
    )
    assert US_RU not in topics_of("Новини дня", body)


def test_nato_needs_repeated_mention() -> None:
    passing = "Зустріч відбулася в Брюсселі. Про НАТО згадали один раз."
    assert "nato" not in topics_of("Новини", passing)
    focused = (
        "Генсек НАТО Столтенберг відкрив саміт у Брюсселі. Союзники по НАТО обговорили "
        "оборонні витрати. Альянс готує нові плани."
    )
    assert "nato" in topics_of("Саміт НАТО", focused)


def test_other_topics() -> None:
    war = (
        "Окупанти обстріляли Харків, загинули двоє людей. ЗСУ відбили наступ на "
        "Донеччині. Бойові дії тривають уздовж усієї лінії фронту."
    )
    energy = (
        "Укренерго запровадило графіки відключень світла. Енергосистема працює з "
        "дефіцитом після атак на ТЕС. Імпорт електроенергії з ЄС зріс."
    )
    economy = (
        "НБУ залишив облікову ставку без змін. Інфляція сповільнилася до 7 відсотків, "
        "а ВВП зріс на 3 відсотки. Уряд очікує більших інвестицій."
    )
    assert "ukraine-war" in topics_of("Обстріл Харкова", war)
    assert "energy" in topics_of("Графіки відключень", energy)
    assert "economy" in topics_of("Рішення НБУ", economy)
    assert "economy" not in topics_of("Обстріл Харкова", war)
    assert "ukraine-war" not in topics_of("Рішення НБУ", economy)


def test_topic_rules_load_for_every_language_and_shipped_topic() -> None:
    shipped = {t.id for t in load_topics()}
    for language in ("uk", "ru", "en"):
        ruled = {r.topic_id for r in rules(language)}
        assert ruled == shipped
        for rule in rules(language):
            assert all(group.terms for group in rule.required), (language, rule.topic_id)


def test_load_topics_is_cheap() -> None:
    morph.analyzer.cache_clear()
    topics = load_topics()
    assert morph.analyzer.cache_info().currsize == 0  # no dictionary loaded
    ids = [t.id for t in topics]
    assert ids[:5] == ["us-russia-security", "nato", "ukraine-war", "energy", "economy"]
    assert all(t.names.get("uk") and t.names.get("en") for t in topics)


def test_war_reports_in_english_and_russian() -> None:
    english = (
        "Russian forces launched dozens of missiles and drones at Kyiv overnight, Ukrainian"
        " officials said. Air defense units shot down most of them, but the attack killed"
        " two people and wounded nine in the capital."
    )
    russian = (
        "Ночью Россия нанесла ракетный удар по Харькову, сообщили украинские власти."
        " Атака дронов продолжалась до утра, работала ПВО."
    )
    assert "ukraine-war" in topics_of("Missiles hit Kyiv", english)
    assert "ukraine-war" in topics_of("Удар по Харькову", russian)
    assert US_RU not in topics_of("Missiles hit Kyiv", english)
