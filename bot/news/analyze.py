"""analyze(): one story in, everything the bot needs about it out. Pure, no I/O.

Data files (dictionaries, aliases, topic rules) load on first use and stay cached;
call warm_up() at start-up to pay that cost before the first story.
"""

from __future__ import annotations

from datetime import datetime

from bot.news import morph
from bot.news.clean import clean_text
from bot.news.fingerprint import entities, sketch
from bot.news.language import detect_language
from bot.news.lemmas import apply_aliases, content, token_lemmas, words
from bot.news.model import Analysis, Quote
from bot.news.quotes import extract_quotes
from bot.news.sentences import split_sentences
from bot.news.summary import Candidate, summarize
from bot.news.topics import match_topics, rules

MAX_QUOTES = 5


def _lemmas_of(sentence: str, language: str) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """Lemmas of a sentence (aliases applied) and (surface, raw lemma, first) per word."""
    raw: list[str] = []
    marks: list[tuple[str, str, bool]] = []
    for i, word in enumerate(words(sentence)):
        for lemma in token_lemmas(word, language):
            raw.append(lemma)
            marks.append((word, lemma, i == 0))
    return apply_aliases(raw, language), marks


def _quotes(paragraphs: tuple[str, ...], language: str, title: str) -> tuple[Quote, ...]:
    return tuple(extract_quotes(paragraphs, language, headline=title)[:MAX_QUOTES])


def analyze(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
) -> Analysis:
    cleaned = clean_text(text, title)
    language = detect_language(cleaned.title + "\n" + "\n".join(cleaned.paragraphs))
    sentences = split_sentences(cleaned.paragraphs, language)

    title_lemmas, title_marks = _lemmas_of(cleaned.title, language)
    per_sentence: list[list[str]] = [title_lemmas]
    surfaces = [[m[0] for m in title_marks]]  # names match on what is written too
    marks = list(title_marks)
    for sentence in sentences:
        lemmas, sentence_marks = _lemmas_of(sentence, language)
        per_sentence.append(lemmas)
        surfaces.append([m[0] for m in sentence_marks])
        marks.extend(sentence_marks)
    body = [lem for lemmas in per_sentence[1:] for lem in lemmas]

    candidates = [
        Candidate(s, frozenset(content(lemmas, language)))
        for s, lemmas in zip(sentences, per_sentence[1:], strict=True)
    ]
    quotes = _quotes(cleaned.paragraphs, language, cleaned.title)
    title_words = frozenset(content(title_lemmas, language))
    summary = summarize(
        candidates, title_words, title=cleaned.title, quotes=[q.text for q in quotes]
    )
    while not summary and any(not q.speaker for q in quotes):
        # the quotes hold the whole story: a summary matters more than a quote shown
        # without a name (the longest goes first)
        drop = max((q for q in quotes if not q.speaker), key=lambda q: len(q.text))
        quotes = tuple(q for q in quotes if q is not drop)
        summary = summarize(
            candidates, title_words, title=cleaned.title, quotes=[q.text for q in quotes]
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
    """Load dictionaries and rules now instead of on the first story."""
    morph.warm_up(languages)
    for language in languages:
        rules(language)
