"""Extractive summary: whole sentences, original order, no repeats, no background."""

from __future__ import annotations

import random
import re

import pytest

from bot.news import analyze, summary
from tests.shared_data import seed_text

STORY = """Уряд ухвалив нову програму підтримки фермерів
Уряд ухвалив програму підтримки фермерів на 5 млрд гривень.
Програма передбачає дешеві кредити для фермерів і компенсацію за техніку.
Нагадаємо, раніше уряд уже ухвалював програму підтримки фермерів на 2 млрд гривень.
Кредити для фермерів видаватимуть державні банки під 5 відсотків.
Уряд ухвалив програму підтримки фермерів на 5 млрд гривень, повідомили в Мінагро.
Фермери зможуть подати заявки з 1 березня.
Погода цього тижня буде теплою.
Міністр пообіцяв, що техніку для фермерів компенсують на 25 відсотків.
Асоціація фермерів назвала програму підтримки кроком уперед."""


def test_summary_sentences_are_whole_and_in_order() -> None:
    analysis = analyze(STORY)
    body = "\n".join(analysis.paragraphs)
    assert 2 <= len(analysis.summary) <= 3
    positions = [body.index(s) for s in analysis.summary]
    assert positions == sorted(positions)
    assert all(s in body for s in analysis.summary)


def test_summary_has_no_near_duplicates_or_background() -> None:
    summary = analyze(STORY).summary
    starts = [s.startswith("Уряд ухвалив програму підтримки фермерів на 5 млрд") for s in summary]
    assert sum(starts) == 1  # the two near-identical lines never both
    assert not any(s.startswith("Нагадаємо") for s in summary)
    assert "Погода цього тижня буде теплою." not in summary  # off-topic


def test_background_line_used_when_nothing_else() -> None:
    text = (
        "Заголовок\nНагадаємо, що переговори тривали сім годин у Женеві.\n"
        "Раніше сторони вже зустрічалися в Римі для консультацій."
    )
    assert len(analyze(text).summary) == 2


def test_short_story_gets_what_it_has() -> None:
    analysis = analyze("Коротко\nОдне-єдине речення про важливу подію у столиці.")
    assert analysis.summary == ("Одне-єдине речення про важливу подію у столиці.",)
    assert analyze("Лише заголовок").summary == ()


def test_seed_summary_says_no_concessions() -> None:
    analysis = analyze(seed_text())
    assert 2 <= len(analysis.summary) <= 3
    text = " ".join(analysis.summary)
    assert "не поступатимуться Росії" in text or "не стануть поступками" in text
    assert "гарантій безпеки" in text
    body = "\n".join(analysis.paragraphs)
    assert all(s in body for s in analysis.summary)
    assert not any(s.startswith("Нагадаємо") for s in analysis.summary)


ANAPHORA_UK = """Переговори щодо гарантій безпеки завершилися в Женеві
Делегації США та Росії завершили в Женеві переговори щодо гарантій безпеки.
Американська делегація заявила, що США не підуть на поступки Росії щодо гарантій безпеки.
За його словами, Москва чекає письмової відповіді США на свої пропозиції щодо гарантій безпеки.
Він також заявив, що Росія чекає відповіді США щодо гарантій безпеки найближчим часом.
Це вже третій раунд переговорів США та Росії щодо гарантій безпеки у Женеві.
Наступний раунд переговорів щодо гарантій безпеки відбудеться у лютому в Женеві.
Сторони домовилися обмінятися письмовими пропозиціями до кінця місяця.
Журналісти чекали на завершення переговорів біля входу до місії."""


def test_summary_avoids_sentences_that_lean_on_the_one_before() -> None:
    analysis = analyze(ANAPHORA_UK)
    assert 2 <= len(analysis.summary) <= 3
    body = "\n".join(analysis.paragraphs)
    assert all(s in body for s in analysis.summary)
    for opener in ("За його словами", "Він ", "Це "):
        assert not any(s.startswith(opener) for s in analysis.summary), analysis.summary


def test_summary_anaphora_in_russian_and_english() -> None:
    ru = (
        "Переговоры о гарантиях безопасности завершились в Женеве\n"
        "Делегации США и России встретились в Женеве в понедельник утром.\n"
        "По его словам, переговоры о гарантиях безопасности в Женеве завершились без соглашения.\n"
        "Он также заявил, что переговоры о гарантиях безопасности продолжатся в Женеве.\n"
        "Следующий раунд переговоров пройдёт в феврале в Вене.\n"
    )
    en = (
        "Security talks end in Geneva\n"
        "US and Russian delegations met in Geneva on Monday morning.\n"
        "He said the security talks in Geneva ended without a deal on security guarantees.\n"
        "This means the security talks in Geneva will continue next month.\n"
        "The next round of talks is planned for February in Vienna.\n"
    )
    ru_summary = analyze(ru).summary
    assert ru_summary[0].startswith("Делегации США и России"), ru_summary
    assert not any(s.startswith("Он ") for s in ru_summary), ru_summary
    en_summary = analyze(en).summary
    assert len(en_summary) == 2
    assert not any(s.startswith(("He ", "This ")) for s in en_summary), en_summary


def test_a_sentence_that_leans_on_another_comes_only_after_it() -> None:
    alone = (
        "Заголовок\nЗа його словами, переговори тривали сім годин у Женеві.\n"
        "Він додав, що сторони вже зустрічалися в Римі для консультацій."
    )
    assert analyze(alone).summary == ()  # no antecedent in the summary: better nothing
    resolved = (
        "Переговори у Женеві\nПосол Іван Петренко провів переговори у Женеві сім годин.\n"
        "Він додав, що сторони вже зустрічалися в Римі для консультацій."
    )
    summary = analyze(resolved).summary
    assert summary == (
        "Посол Іван Петренко провів переговори у Женеві сім годин.",
        "Він додав, що сторони вже зустрічалися в Римі для консультацій.",
    )


def test_time_phrases_with_this_are_not_anaphora() -> None:
    from bot.news.summary import _ANAPHORIC

    assert _ANAPHORIC.match("Це вже третій раунд переговорів.")
    assert _ANAPHORIC.match("За її словами, угода готова.")
    assert not _ANAPHORIC.match("Цього року уряд ухвалив програму.")
    assert not _ANAPHORIC.match("Вонтоба оголосила результати.")
    assert not _ANAPHORIC.match("Theresa May said the deal was ready.")


def _summary_of(
    lines: list[str], title: str = "Переговори про обмін полоненими у Відні"
) -> tuple[str, ...]:
    return analyze("\n".join([title, *lines])).summary


STANDALONE = [
    "Делегації двох країн провели у Відні перший раунд переговорів про обмін полоненими.",
    "Посередники з трьох країн назвали переговори корисними і запропонували нову дату.",
    "Наступна зустріч делегацій запланована на березень у тому ж місті.",
]


def test_summary_never_repeats_a_quote_shown_below_it() -> None:
    quoted = (
        "«Ми готові обміняти всіх полонених уже наступного місяця без жодних умов», "
        "— сказав посол Іван Петренко."
    )
    analysis = analyze("\n".join(["Переговори про обмін полоненими", quoted, *STANDALONE]))
    assert analysis.quotes and analysis.quotes[0].speaker == "Іван Петренко"
    assert quoted not in analysis.summary
    assert analysis.summary


def test_summary_skips_labels_and_captions() -> None:
    lines = [
        "Деталі:",
        STANDALONE[0],
        "Фото: учасники переговорів у Відні під час першої зустрічі делегацій.",
        "Учасники переговорів у Відні перед початком першої зустрічі (Фото: агенція).",
        *STANDALONE[1:],
    ]
    summary = _summary_of(lines)
    assert summary
    assert not any("Фото" in s or s.endswith(":") for s in summary), summary


def test_summary_drops_the_dateline_in_front_of_a_sentence() -> None:
    for dateline in (
        "ВІДЕНЬ, 10 січня — ",
        "ВІДЕНЬ, 10 січня. /Агенція/. ",
        "10 січня 2022, 14:30 — ",
    ):
        summary = _summary_of([dateline + STANDALONE[0], *STANDALONE[1:]])
        assert STANDALONE[0] in summary, (dateline, summary)
    english = analyze(
        "Talks in Vienna\nVIENNA, Jan 10 (Agency) - Delegations of both countries met in Vienna "
        "for the first round of talks on prisoner exchanges.\nMediators from three countries "
        "called the talks useful and proposed a new date.\n"
    ).summary
    assert english[0].startswith("Delegations of both countries met")


def test_summary_does_not_repeat_the_headline() -> None:
    title = "Делегації двох країн провели у Відні перший раунд переговорів про обмін полоненими"
    summary = _summary_of([STANDALONE[0], *STANDALONE[1:]], title=title)
    assert summary and STANDALONE[0] not in summary


@pytest.mark.parametrize(
    "opener",
    [
        "Про це він заявив журналістам після першого раунду переговорів у Відні.",
        "Данная встреча прошла в Вене в рамках переговоров об обмене пленными.",
        "The diplomat, however, said the talks on prisoner exchanges would go on.",
        "Дипломат також заявив, що переговори про обмін полоненими триватимуть.",
        "Вона наголосила, що переговори про обмін полоненими триватимуть у Відні.",
    ],
)
def test_summary_never_starts_a_thought_it_cannot_finish(opener: str) -> None:
    # the leaning sentence comes first: nothing before it in the summary can carry it
    summary = _summary_of([opener, *STANDALONE])
    assert opener not in summary and summary


def test_a_role_followed_by_a_name_is_standalone() -> None:
    from bot.news.summary import needs_antecedent

    assert not needs_antecedent("Президент США Джо Байден зустрівся з колегою у Відні.")
    assert not needs_antecedent("The minister of defence John Smith resigned on Monday.")
    assert needs_antecedent("Міністр наголосив, що переговори триватимуть.")
    assert needs_antecedent("The minister, however, left early.")


def test_a_story_opening_with_its_headline_may_lean_on_it() -> None:
    # one paragraph: the first sentence heads the story, the next leans on it
    text = (
        "Посол Іван Петренко провів у Відні переговори про обмін полоненими. "
        "Про це він розповів журналістам після зустрічі з делегацією сусідньої країни. "
        "Наступна зустріч делегацій запланована на березень у тому ж місті."
    )
    analysis = analyze(text)
    assert analysis.title.startswith("Посол Іван Петренко провів")
    assert analysis.summary[0].startswith("Про це він розповів")


def test_time_phrases_are_standalone_and_possessives_lean() -> None:
    from bot.news.summary import needs_antecedent

    assert not needs_antecedent("Цього року сторони зустрілися двічі.")
    assert not needs_antecedent("This week the delegations met twice.")
    assert needs_antecedent("Їх площа відповідає вимогам проєкту.")


def test_a_russian_such_opener_needs_its_antecedent() -> None:
    from bot.news.summary import needs_antecedent

    assert needs_antecedent("Такое решение делегации приняли после долгих переговоров.")
    assert needs_antecedent("Такая встреча нужна обеим сторонам.")


def test_furniture_reads_like_its_regexes() -> None:
    # _furniture runs the caption regex at the start only when the line has no colon,
    # "©" or "photo"; it must agree with a search over the whole line
    label_end = re.compile(r":\s*$")
    words = ["Фото", "фото:", "photo", "PHOTO by", "©", ":", "на фото", "Pictured", "ok", " ", "("]
    rnd = random.Random(15)
    lines = [" ".join(rnd.choice(words) for _ in range(rnd.randrange(6))) for _ in range(5_000)]
    lines += ["Фото: Reuters", "Деталі:", "On the photo a man", "Photograph by AP", "Текст."]
    for line in lines:
        bare = line.strip()
        expected = bool(label_end.search(bare) or summary._CAPTION.search(bare))
        assert summary._furniture(line) == expected, repr(line)


@pytest.mark.parametrize(
    "dateline",
    [
        "Jan. 12 (Agency) -- ",
        "VIENNA, March 3 (Reuters) - ",
        "VIENNA, March 3 (Agency) -- ",
        "ВЕНА, 3 декабря. /ТАСС/. ",
        "VIENNA: ",
    ],
)
def test_wire_datelines_are_cut_from_a_sentence_start(dateline: str) -> None:
    sentence = "Delegations of both countries met in Vienna for the first round of talks."
    assert summary.without_dateline(dateline + sentence) == sentence


@pytest.mark.parametrize(
    "label", ["SECRETARY SMITH:", "MR. JONES:", "MS JONES:", "JOHN SMITH:", "QUESTION:"]
)
def test_a_transcript_speaker_label_opens_speech_not_story_text(label: str) -> None:
    assert summary.speech_label(f"{label}  We will be watching what they actually do.")
    assert summary.without_dateline(f"{label} We will watch.").startswith(label)


def test_capitalised_words_and_a_colon_inside_prose_are_no_label() -> None:
    for sentence in (
        "The Secretary said: we will be watching.",
        "NATO allies met in Vienna: the talks were useful.",
        "US envoy Smith: talks were useful.",
    ):
        assert not summary.speech_label(sentence), sentence


def test_a_transcript_answer_stays_out_of_the_summary() -> None:
    # the whole paragraph after the label is the speaker's answer, not only its first
    # sentence: "We will send …" would be picked as the story's own words otherwise
    story = (
        "Talks in Vienna on prisoner exchanges\n"
        "Delegations of both countries met in Vienna for the first round of talks on "
        "prisoner exchanges.\n"
        "SECRETARY SMITH:  Thank you all for coming here today. We will send our delegation "
        "to Vienna again in March for new talks on prisoner exchanges.\n"
        "The weather in Vienna was warm and sunny all week long.\n"
    )
    shown = analyze(story).summary
    assert shown and not any("SMITH" in s or s.startswith("We will") for s in shown), shown


def test_an_answer_running_over_paragraphs_until_the_next_label_stays_out() -> None:
    # the speaker goes on until the next speaker's label
    lead = (
        "Delegations of both countries met in Vienna for the first round of talks on "
        "prisoner exchanges."
    )
    story = (
        f"Talks in Vienna on prisoner exchanges\n{lead}\n"
        "SECRETARY SMITH:  Thank you all for coming here today. We will send our delegation "
        "to Vienna again in March.\n"
        "When we started, both delegations agreed on the first lists of names and on the "
        "dates for the first round of exchanges.\n"
        "QUESTION:  Will the next round be held in Vienna as well?\n"
    )
    assert analyze(story).summary == (lead,)
