"""Lemmas, abbreviations and aliases: the same for stories and search queries."""

from __future__ import annotations

from bot.news import lemmatize_text, morph
from bot.news.lemmas import content, words


def test_inflections_share_a_lemma() -> None:
    forms = lemmatize_text("ракета ракет ракетами ракетою", "uk")
    assert len(set(forms)) == 1
    assert lemmatize_text("гарантій безпеки", "uk") == lemmatize_text("гарантії безпеки", "uk")
    assert lemmatize_text("гарантиями безопасности", "ru") == lemmatize_text(
        "гарантии безопасности", "ru"
    )


def test_english_is_stemmed() -> None:
    assert lemmatize_text("guarantees", "en") == lemmatize_text("guarantee", "en")
    assert lemmatize_text("talks", "en") == lemmatize_text("talk", "en")


def test_all_caps_abbreviations_keep_the_abbreviation_reading() -> None:
    # pymorphy3 would read "НАТО" as a vocative noun and "США" as a common noun.
    assert lemmatize_text("НАТО", "uk") == ["нато"]
    assert lemmatize_text("США", "ru") == ["сша"]


def test_aliases_fold_names_of_one_actor() -> None:
    russia = lemmatize_text("Росія", "uk")
    for name in ("РФ", "Кремль", "Кремлю", "Москва", "Російська Федерація"):
        assert lemmatize_text(name, "uk") == russia, name
    assert lemmatize_text("Сполучені Штати", "uk") == lemmatize_text("США", "uk")
    assert lemmatize_text("Держдепі", "uk") == lemmatize_text("Державний департамент", "uk")
    assert lemmatize_text("Госдепа", "ru") == lemmatize_text("Государственного департамента", "ru")
    assert lemmatize_text("Кремлём", "ru") == lemmatize_text("России", "ru")


def test_us_abbreviation_is_not_the_pronoun() -> None:
    usa = lemmatize_text("United States", "en")
    assert lemmatize_text("U.S.", "en") == usa
    assert lemmatize_text("US", "en") == usa
    assert lemmatize_text("told us", "en")[-1] != usa[0]


def test_query_and_text_lemmatize_alike() -> None:
    text = lemmatize_text("Ракетами вдарили по Кремлю, заявили в Держдепі.", "uk")
    for query in ("ракета", "Кремль", "держдеп"):
        assert set(lemmatize_text(query, "uk")) <= set(text), query


def test_words_keep_apostrophes_hyphens_and_numbers() -> None:
    assert words("Прем'єр-міністр сказав: 7,5 годин, будь-який п’ять U.S.") == [
        "Прем'єр-міністр",
        "сказав",
        "7,5",
        "годин",
        "будь-який",
        "п’ять",
        "U.S.",
    ]
    assert lemmatize_text("п’ять", "uk") == lemmatize_text("п'ять", "uk")


def test_content_drops_function_words() -> None:
    lemmas = lemmatize_text("Він сказав, що США та Росія не домовилися", "uk")
    kept = content(lemmas, "uk")
    assert "сша" in kept and "росія" in kept
    assert not {"він", "що", "та", "не"} & set(kept)


def test_hyphenated_actor_pairs_are_two_words() -> None:
    assert lemmatize_text("US-Russia talks", "en")[:2] == lemmatize_text("US Russia", "en")
    assert lemmatize_text("переговори США-Росія", "uk")[1:] == lemmatize_text("США Росія", "uk")
    # Dictionary compounds stay whole.
    assert len(lemmatize_text("прем'єр-міністр будь-який", "uk")) == 2


def test_letters_without_unicode_name_do_not_raise() -> None:
    assert lemmatize_text("слово \U00017000 тут", "uk")[0] == lemmatize_text("слово", "uk")[0]


def _dictionary_sample(language: str) -> list[str]:
    """Every 1000th word form of the analyzer's own dictionary under a spread of first
    letters, as written and capitalised, with е for ё (the dictionary's substitution)."""
    keys = morph.analyzer(language).dictionary.words.keys
    sample = [w for first in "абвгдекмнопрстуфхцчшщяіїєґ" for w in keys(first)[::1000]]
    return [*sample, *(w.capitalize() for w in sample), *(w.replace("ё", "е") for w in sample)]


def test_dictionary_lemma_is_the_first_parse_lemma() -> None:
    # the shortcut stands for pymorphy3's parse(word)[0].normal_form: one divergent word
    # would change a story's lemmas, topics and fingerprint
    for language in morph.MORPH_LANGUAGES:
        analyzer = morph.analyzer(language)
        sample = _dictionary_sample(language)
        unknown = ["Віткофф", "Рябкова", "zelensky", "І", "А", "qwertyщ", "Ушакову", "м'яч"]
        for word in [*sample, *unknown]:
            quick = morph.dictionary_lemma(word, language)
            parsed = analyzer.parse(word)
            if quick is not None:
                assert quick == parsed[0].normal_form, (language, word)
        taken = sum(morph.dictionary_lemma(w, language) is not None for w in sample)
        assert taken >= 0.99 * len(sample)  # the dictionary's own words take the shortcut


def _full_readings(word: str, language: str) -> tuple[morph.Reading, ...]:
    """readings() the long way: pymorphy3's own parse, every unit it runs."""
    return tuple(
        (str(p.tag), str(p.normal_form), morph._known(p)) for p in morph.parses(word, language)
    )


def test_dictionary_readings_are_the_full_parse() -> None:
    # the shortcut stands for every pymorphy3 parse, in its order (a name is inflected by
    # its reading's index in the full parse): one divergent word would change a quote's
    # speaker or gender
    for language in morph.MORPH_LANGUAGES:
        sample = _dictionary_sample(language)
        unknown = ["Віткофф", "Рябкова", "zelensky", "І", "А", "XIV", "qwertyщ", "Ушакову"]
        for word in [*sample, *unknown]:
            quick = morph._dictionary_readings(word, language)
            if quick is not None:
                assert quick == _full_readings(word, language), (language, word)
            assert morph.readings(word, language) == _full_readings(word, language)
        taken = sum(morph._dictionary_readings(w, language) is not None for w in sample)
        assert taken >= 0.99 * len(sample)
        assert morph._dictionary_readings("XIV", language) is None  # a Roman number too


def test_inflected_is_the_readings_inflection() -> None:
    for word, language in (("Олександра", "uk"), ("Грабаря", "uk"), ("Путина", "ru")):
        parses = morph.parses(word, language)
        for k, _ in enumerate(morph.readings(word, language)):
            form = parses[k].inflect({"nomn"})
            want = None if form is None else str(form.word)
            assert morph.inflected(word, language, k, "nomn") == want
    assert morph.inflected("Грабаря", "uk", 0, "nomn") == "грабар"
