"""analyze(): one story in, everything the bot needs about it out. Pure, no I/O.

Data files (dictionaries, aliases, topic rules) load on first use and stay cached;
call warm_up() at start-up to pay that cost before the first story.
"""

from __future__ import annotations

import gc
from datetime import datetime
from functools import cache

from bot.news import morph
from bot.news.clean import clean_text
from bot.news.fingerprint import entities, sketch
from bot.news.language import detect_language
from bot.news.lemmas import apply_aliases, content, token_lemmas, words
from bot.news.model import Analysis, Quote
from bot.news.quotes import extract_quotes
from bot.news.sentences import split_paragraph
from bot.news.summary import Candidate, speech_label, summarize
from bot.news.topics import match_topics, rules

MAX_QUOTES = 5
_KNOWN_WORDS = 200_000  # word forms kept per language (then the table starts again)


@cache
def _known(language: str) -> dict[str, tuple[str, ...]]:
    """token_lemmas() by word form, read with one dict lookup per token: a story has
    hundreds of tokens and the memoised call costs twice the lookup."""
    return {}


def _lemmas_of(
    sentence: str, language: str, marks: list[tuple[str, str, bool]]
) -> tuple[list[str], list[str]]:
    """Lemmas of a sentence (aliases applied) and the surface word of each raw lemma;
    `marks` gets the tokens that can be key tokens (fingerprint.entities())."""
    raw: list[str] = []
    surfaces: list[str] = []
    opening = True  # the sentence's first word
    known = _known(language)
    for word in words(sentence):
        found = known.get(word)
        if found is None:
            if len(known) >= _KNOWN_WORDS:
                known.clear()
            found = known[word] = token_lemmas(word, language)
        if len(found) == 1:
            raw.append(found[0])
            surfaces.append(word)
        else:  # a compound split in parts: each part keeps the word as written
            raw.extend(found)
            surfaces.extend([word] * len(found))
        if word[0].isdigit() or word[0].isupper():
            marks.extend((word, lemma, opening) for lemma in found)
        opening = False
    return apply_aliases(raw, language), surfaces


def _quotes(paragraphs: tuple[str, ...], language: str, title: str) -> tuple[Quote, ...]:
    return tuple(extract_quotes(paragraphs, language, headline=title)[:MAX_QUOTES])


def analyze(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
) -> Analysis:
    """Everything the bot needs about one story (see the module docstring).

    The cyclic garbage collector waits while a story is analysed: a story makes
    thousands of short-lived objects (tokens, candidates, sets) that reference counting
    frees, and a collection every 700 of them walked those still alive again and again
    (a tenth of the analysis time). A young collection that fell due meanwhile runs at
    the end, over what survived; full collections keep the interpreter's own schedule."""
    if not gc.isenabled():
        return _analyze(text, title, url, published)
    gc.disable()
    try:
        return _analyze(text, title, url, published)
    finally:
        gc.enable()
        _collect_if_due()


def _collect_if_due() -> None:
    """The collection the interpreter would have made by now, youngest generations only."""
    count0, count1, _ = gc.get_count()
    threshold0, threshold1, _ = gc.get_threshold()
    if threshold0 and count0 > threshold0:
        gc.collect(1 if count1 + 1 > threshold1 else 0)


def _analyze(text: str, title: str | None, url: str | None, published: datetime | None) -> Analysis:
    cleaned = clean_text(text, title)
    language = detect_language(cleaned.title + "\n" + "\n".join(cleaned.paragraphs))
    sentences: list[str] = []
    speech: set[int] = set()  # a transcript's answer after 'SECRETARY NAME:': not the story's text
    answer: list[int] = []  # unlabelled paragraphs after a label: the answer goes on…
    for paragraph in cleaned.paragraphs:
        part = split_paragraph(paragraph, language)
        at = range(len(sentences), len(sentences) + len(part))
        if speech_label(paragraph):
            speech.update(answer)  # …until the next speaker's label
            speech.update(at)
            answer = []
        elif speech:
            answer.extend(at)
        sentences.extend(part)

    per_sentence: list[list[str]] = []
    surfaces: list[list[str]] = []  # names match on what is written too
    marks: list[tuple[str, str, bool]] = []  # (surface, raw lemma, opens its sentence)
    for sentence in (cleaned.title, *sentences):
        lemmas, written = _lemmas_of(sentence, language, marks)
        per_sentence.append(lemmas)
        surfaces.append(written)
    title_lemmas = per_sentence[0]
    body = [lem for lemmas in per_sentence[1:] for lem in lemmas]

    candidates = [
        Candidate(s, frozenset(content(lemmas, language)))
        for s, lemmas in zip(sentences, per_sentence[1:], strict=True)
    ]
    quotes = _quotes(cleaned.paragraphs, language, cleaned.title)
    title_words = frozenset(content(title_lemmas, language))
    summary = summarize(
        candidates,
        title_words,
        title=cleaned.title,
        quotes=[q.text for q in quotes],
        speech=speech,
    )
    while not summary and any(not q.speaker for q in quotes):
        # the quotes hold the whole story: a summary matters more than a quote shown
        # without a name (the longest goes first)
        drop = max((q for q in quotes if not q.speaker), key=lambda q: len(q.text))
        quotes = tuple(q for q in quotes if q is not drop)
        summary = summarize(
            candidates,
            title_words,
            title=cleaned.title,
            quotes=[q.text for q in quotes],
            speech=speech,
        )

    return Analysis(
        language=language,
        title=cleaned.title,
        paragraphs=cleaned.paragraphs,
        summary=summary,
        quotes=quotes,
        topic_matches=match_topics(per_sentence, language, words=surfaces),
        fingerprint=sketch(body),
        lemmas=tuple(title_lemmas + body),
        url=url,
        published=published,
        word_count=sum(len(p.split()) for p in cleaned.paragraphs),
        entities=entities(marks),
    )


def warm_up(languages: tuple[str, ...] = ("uk", "ru", "en")) -> None:
    """Load dictionaries and rules now instead of on the first story.

    Then everything loaded so far is moved out of the garbage collector's reach
    (gc.freeze): it lives as long as the process, and without this every full
    collection walks the ~50,000 objects of the dictionaries and rules again, which
    was a third of a fresh process's analysis time."""
    morph.warm_up(languages)
    for language in languages:
        rules(language)
    gc.collect()  # garbage made so far is freed, not frozen with the rest
    gc.freeze()
