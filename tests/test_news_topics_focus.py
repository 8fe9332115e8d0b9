"""us-russia-security is a story ABOUT the two sides' talks, not one that names them
(issue 18): the two sides must be the story's main actors ([topic.focus]) — a
Trump–Zelensky meeting, the US–Ukraine minerals deal, US–Ukraine talks, the coalition
of the willing or a Ramstein meeting that mentions the Trump–Putin contacts in a line
stays out; a short story about the two sides' call, contacts or dialogue gets in, also
when a third party is its occasion. Every story here was written for these tests."""

from __future__ import annotations

import pytest

from bot.news import analyze
from bot.news.lemmas import lemmatize_text

US_RU = "us-russia-security"

OTHER_MAIN_ACTORS = {
    # A Trump–Zelensky meeting; the Trump–Putin talks in one line.
    "uk-zelensky-visit": (
        "Зеленський приїхав до Білого дому на зустріч із Трампом",
        "Президент України Володимир Зеленський прибув до Білого дому. Трамп зустрів "
        "Зеленського біля входу, і лідери пішли на обід. Зеленський попросив більше "
        "систем ППО. Журналісти запитали Трампа про переговори з Путіним, але він не "
        "відповів. Увечері Зеленський повернеться до готелю. Також обговорюється можлива "
        "зустріч Трампа і Путіна щодо мирного плану.",
    ),
    "ru-zelensky-visit": (
        "Трамп и Зеленский встретились в Вашингтоне",
        "Владимир Зеленский встретился с Дональдом Трампом в Овальном кабинете. Зеленский "
        "рассказал Трампу о положении на фронте. Трамп добавил, что позже может "
        "поговорить с Путиным о встрече. Зеленский поблагодарил американцев за помощь. "
        "Белый дом готовит переговоры Трампа и Путина об урегулировании.",
    ),
    # The minerals deal, framed as leverage for the peace talks with Russia.
    "en-minerals-leverage": (
        "Trump backs the minerals deal with Ukraine",
        "President Trump signed off on the minerals deal with Ukraine to strengthen his hand "
        "in future peace talks with Russia, his treasury secretary said. The deal sets up an "
        "investment fund for rare earths and critical minerals. Ukrainian officials signed "
        "the agreement in Kyiv. The fund will invest in mining and energy projects.",
    ),
    "uk-minerals": (
        "США та Україна підписали угоду про надра",
        "Україна та США підписали угоду про корисні копалини. Документ створює спільний "
        "інвестиційний фонд. У Вашингтоні заявили, що угода посилить позиції Трампа на "
        "мирних переговорах з Росією. Верховна Рада має ратифікувати угоду.",
    ),
    # US–Ukraine talks: Russia is only to be asked.
    "en-us-ukraine-talks": (
        "US and Ukrainian delegations meet in Jeddah",
        "The Ukrainian delegation met Secretary of State Marco Rubio in Jeddah for eight "
        "hours. Ukraine accepted a US proposal for a 30-day ceasefire. Rubio said the "
        "United States would now take the offer to Russia for peace talks. Witkoff will "
        "meet Putin in Moscow to discuss the peace plan. Ukrainian officials called the "
        "talks constructive.",
    ),
    # Europe's guarantees, the US envoy present.
    "uk-coalition-envoy": (
        "Коаліція охочих зібралася в Парижі",
        "Лідери коаліції охочих обговорили в Парижі гарантії безпеки для України. У "
        "засіданні взяв участь спецпосланець США Стів Віткофф. Зеленський провів окрему "
        "зустріч з Віткоффом. Віткофф розповів про свої переговори з Путіним щодо "
        "мирного плану. Росія відкидає будь-які іноземні війська в Україні.",
    ),
    # A Ramstein meeting: another party's meeting, the Kremlin named in passing.
    "ru-ramstein": (
        "Остин выступил на Рамштайне",
        "Глава Пентагона Ллойд Остин на встрече в формате Рамштайн заявил, что США и "
        "союзники продолжат помогать Киеву в войне с Россией. По его словам, на Украину "
        "смотрит Кремль. Участники Рамштайна обсудили поставки снарядов. США и Россия "
        "при этом продолжают переговоры об урегулировании, напомнил Остин.",
    ),
    # US–Ukraine talks: Russia named only as the war's party.
    "uk-us-ukraine-geneva": (
        "Переговори щодо плану закінчення війни Росії проти України завершилися",
        "У Женеві завершилися переговори США щодо мирного плану закінчення війни Росії "
        "проти України. Держсекретар США Марко Рубіо назвав переговори продуктивними. "
        "Рубіо сказав, що до мирного плану внесуть зміни.",
    ),
    # Sanctions news that gives the talks as the reason.
    "ru-sanctions": (
        "США ввели санкции против нефтяных компаний России",
        "США ввели санкции против двух крупнейших нефтяных компаний России из-за отказа "
        "Москвы от мирного урегулирования. Санкции затронут экспорт российской нефти. В "
        "Вашингтоне заявили, что новые санкции усилят давление на Кремль перед "
        "переговорами.",
    ),
}

TWO_SIDES = {
    # The two sides' call is the story; the meeting with Zelensky is its occasion.
    "en-call-before-meeting": (
        "Trump says he had a good call with Putin before meeting Zelensky",
        "US President Donald Trump said he held a productive phone call with Russian "
        "President Vladimir Putin on Sunday. Trump spoke to Putin for over an hour, the "
        "Kremlin said. Zelensky will see Trump in Florida later.",
    ),
    "en-conversation": (
        "Trump is having a conversation with Putin",
        "Donald Trump said he was in a long conversation with Vladimir Putin. The Kremlin "
        "confirmed that the two presidents were speaking.",
    ),
    "ru-contacts": (
        "Песков: контакты с США продолжаются",
        "Контакты России и США по Украине продолжаются, заявил Дмитрий Песков. Он не стал "
        "раскрывать подробности.",
    ),
    "ru-resume-dialogue": (
        "Рябков о команде Трампа",
        "Сергей Рябков считает, что команда Трампа хочет возобновить диалог с Россией. "
        "Москва готова к разговору с Вашингтоном, добавил он.",
    ),
    # The treaty's name in Roman numerals.
    "uk-start-roman-numerals": (
        "Нуланд про СНО-ІІІ",
        "Заступниця держсекретаря США Вікторія Нуланд прокоментувала заяву Путіна про "
        "призупинення участі Росії в договорі СНО-ІІІ. Вона сказала, що Росія давно не "
        "пускає американських інспекторів.",
    ),
    # Putin receives the US envoys; Zelensky will hear from them afterwards.
    "uk-envoys-then-zelensky": (
        "Путін прийняв Віткоффа і Кушнера в Кремлі",
        "Путін у Кремлі провів зустріч зі спецпосланцем США Стівом Віткоффом і Джаредом "
        "Кушнером. Юрій Ушаков сказав, що сторони обговорили мирний план. Після зустрічі "
        "посланці поговорять із Зеленським.",
    ),
}


def topics_of(title: str, body: str) -> tuple[str, ...]:
    return analyze(body, title=title).topics


@pytest.mark.parametrize("key", sorted(OTHER_MAIN_ACTORS))
def test_a_story_with_other_main_actors_does_not_match(key: str) -> None:
    assert US_RU not in topics_of(*OTHER_MAIN_ACTORS[key])


@pytest.mark.parametrize("key", sorted(TWO_SIDES))
def test_a_story_about_the_two_sides_matches(key: str) -> None:
    assert US_RU in topics_of(*TWO_SIDES[key])


# Half the body is the two sides' call, half a third party's meeting: the headline decides.
BODY = (
    "Трамп поговорив із Путіним по телефону. Трамп і Путін домовилися про нову зустріч. "
    "Зеленський провів зустріч із Макроном. Зеленський і Макрон обговорили постачання зброї."
)


def test_the_headline_weighs_more_than_a_body_sentence() -> None:
    assert US_RU in topics_of("Трамп і Путін домовилися про зустріч", BODY)
    assert US_RU not in topics_of("Зеленський зустрівся з Макроном", BODY)


@pytest.mark.parametrize(
    ("language", "text", "acronym", "security"),
    [
        (
            "ru",
            "Лавров выступил в Организации по безопасности и сотрудничеству в Европе.",
            "ОБСЕ",
            "безопасность",
        ),
        (
            "uk",
            "Лавров виступив в Організації з безпеки та співробітництва в Європі.",
            "ОБСЄ",
            "безпека",
        ),
        (
            "en",
            "Lavrov spoke at the Organization for Security and Co-operation in Europe.",
            "OSCE",
            "security",
        ),
    ],
)
def test_the_osce_full_name_is_the_organisation_not_a_subject_phrase(
    language: str, text: str, acronym: str, security: str
) -> None:
    # "security … in Europe" inside the name is the organisation, not the subject
    lemmas = analyze(text, title=text).lemmas
    assert lemmatize_text(acronym, language)[0] in lemmas
    assert lemmatize_text(security, language)[0] not in lemmas
