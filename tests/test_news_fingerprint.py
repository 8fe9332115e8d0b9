"""Near-duplicates: edited copies and re-writes are one story; other stories are not."""

from __future__ import annotations

import itertools
import random

from bot.news import analyze, same_story
from bot.news.fingerprint import SIZE, _hash, resemblance, shingles, sketch
from bot.news.sentences import split_sentences
from tests.shared_data import corpus_records, seed_text
from tests.test_news_topics import POSITIVE


def _seed_sentences() -> tuple[str, list[str]]:
    seed = analyze(seed_text())
    return seed.title, split_sentences(seed.paragraphs, "uk")


def test_identical_text_same_fingerprint() -> None:
    a, b = analyze(seed_text()), analyze(seed_text())
    assert a.fingerprint == b.fingerprint
    assert len(a.fingerprint) == SIZE
    assert resemblance(a.fingerprint, b.fingerprint) == 1.0


def test_sketch_estimates_overlap() -> None:
    base = [f"слово{i}" for i in range(400)]
    half = base[:200] + [f"інше{i}" for i in range(200)]
    estimate = resemblance(sketch(base), sketch(half))
    # True shingle Jaccard is 198/600 = 0.33; bottom-64 is within ~0.15 of it.
    assert 0.15 < estimate < 0.5


def test_edited_copies_are_the_same_story() -> None:
    title, sentences = _seed_sentences()
    original = analyze("\n".join(sentences), title=title)
    rng = random.Random(7)
    dropped = [s for i, s in enumerate(sentences) if i not in {2, 7, 11}]
    shuffled = sentences[:]
    rng.shuffle(shuffled)
    tail_cut = sentences[: len(sentences) * 2 // 3]
    for edited in (dropped, shuffled, tail_cut):
        assert same_story(original, analyze("\n".join(edited), title=title))
    with_noise = [*sentences, "Підписуйтеся на наш канал, щоб першими дізнаватися новини дня."]
    assert same_story(original, analyze("\n".join(with_noise), title=title + " (оновлено)"))


SYNONYMS = {
    "США": "Сполучені Штати",
    "Сполучені Штати": "Вашингтон",
    "сказав": "заявив",
    "наголосив": "підкреслив",
    "зазначив": "повідомив",
    "гарантій безпеки": "безпекових гарантій",
    "Росії": "РФ",
    "обговорюватимуть": "обговорять",
    "представник Держдепу": "речник Держдепартаменту",
    "заходи": "кроки",
    "союзниками": "партнерами",
    "обговорювали": "розглядали",
    "можуть": "готові",
    "наразі": "поки що",
    "продовжує": "і далі намагається",
}


def _paraphrase(sentence: str) -> str:
    """Swap words for synonyms and the clauses around the first comma."""
    for old, new in SYNONYMS.items():
        sentence = sentence.replace(old, new)
    head, comma, tail = sentence.rstrip(".").partition(", ")
    if comma and len(tail.split()) > 2:
        sentence = f"{tail[0].upper()}{tail[1:]}, {head[0].lower()}{head[1:]}."
    return sentence


def test_rewrite_is_the_same_story() -> None:
    title, sentences = _seed_sentences()
    original = analyze("\n".join(sentences), title=title)
    # Another outlet: new title, every third sentence gone, words swapped, order reversed.
    rewrite = [_paraphrase(s) for i, s in enumerate(sentences) if i % 3 != 1][::-1]
    other = analyze(
        "\n".join(rewrite), title="Держдеп: США не підуть на поступки Росії щодо гарантій безпеки"
    )
    assert resemblance(original.fingerprint, other.fingerprint) < 0.45  # not a mere copy
    assert same_story(original, other)


def test_other_story_on_same_topic_is_not_the_same() -> None:
    seed = analyze(seed_text())
    for title, body in POSITIVE.values():
        assert not same_story(seed, analyze(body, title=title))
    keys = sorted(POSITIVE)
    for a, b in itertools.combinations(keys, 2):
        first, second = POSITIVE[a], POSITIVE[b]
        assert not same_story(
            analyze(first[1], title=first[0]), analyze(second[1], title=second[0])
        ), (a, b)


def test_corpus_stories_are_not_duplicates_of_each_other() -> None:
    records = list(itertools.islice(corpus_records(), 120))
    analyses = [analyze(str(r["text"]), title=str(r["title"])) for r in records]
    seed = analyze(seed_text())
    false = [
        (records[i]["id"], records[j]["id"])
        for i, j in itertools.combinations(range(len(analyses)), 2)
        if same_story(analyses[i], analyses[j])
    ]
    assert false == []
    assert not any(same_story(seed, a) for a in analyses)


def test_a_story_that_grew_is_the_same_story() -> None:
    """A short item later expanded under the same headline (new paragraphs, new quotes)
    shares little wording overall, but keeps all of the first telling."""
    short = "США і Росія обговорять гарантії безпеки в Женеві\n\n" + (
        "Делегації США та Росії зустрінуться в Женеві, щоб обговорити гарантії безпеки,"
        " контроль над озброєннями і розміщення ракет у Європі, повідомили в Держдепі."
    )
    grown = short + "".join(
        f"\n\n{line}"
        for line in (
            "Зустріч триватиме два дні, а делегацію США очолить заступниця держсекретаря.",
            "Москва вимагає письмових відповідей на свої пропозиції до кінця місяця.",
            "Союзники по НАТО отримають звіт про перебіг консультацій наступного тижня.",
            "Експерти вважають, що швидкого прориву на переговорах чекати не варто.",
            "Попередній раунд консультацій завершився без спільної заяви сторін.",
        )
    )
    a, b = analyze(short), analyze(grown)
    assert resemblance(a.fingerprint, b.fingerprint) < 0.45  # wording alone would miss it
    assert same_story(a, b) and same_story(b, a)


def test_three_word_shingles_and_sketch_as_written_out() -> None:
    # shingles() joins three words without slicing and sketch() hashes inline: both must
    # give what the general form gives (sketches are stored and compared across versions)
    for n in range(8):
        lemmas = [f"w{i % 5}" for i in range(n)] + ["б", "в"] * (n % 3)
        general = {" ".join(lemmas[i : i + 3]) for i in range(len(lemmas) - 2)}
        if len(lemmas) < 3:
            general = {" ".join(lemmas)} if lemmas else set()
        assert shingles(lemmas) == general
        assert sketch(lemmas) == tuple(sorted({_hash(s) for s in general})[:64])
