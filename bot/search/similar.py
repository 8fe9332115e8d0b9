"""More like this: stories sharing a story's key words, through the search engine."""

from __future__ import annotations

from collections import Counter

from bot.domain import Article
from bot.news.lemmas import content
from bot.search.engine import SearchHit, Status, search
from bot.search.lemmas import lemmatize
from storage.db import Database

SIMILAR = 5
KEY_WORDS = 4
BODY_CHARS = 5000  # without a stored analysis, key words come from the story's start


def key_words(article: Article) -> list[str]:
    """The story's key lemmas: content words of the title, those the body repeats most
    first; topped up with the body's most frequent words when the title has few."""
    body = list(article.analysis.lemmas) if article.analysis is not None else []
    if not body:
        body = lemmatize(article.text[:BODY_CHARS], article.language)
    counts = Counter(content(body, article.language))
    title = list(
        dict.fromkeys(content(lemmatize(article.title, article.language), article.language))
    )
    title.sort(key=lambda lem: (-counts[lem], -len(lem)))
    words = title[:KEY_WORDS]
    for lem, _count in counts.most_common(KEY_WORDS * 2):
        if len(words) >= 2:
            break
        if lem not in words:
            words.append(lem)
    return words


async def more_like(db: Database, article: Article) -> list[SearchHit]:
    """Stories sharing the most key words: all of them first, then the two strongest,
    then any one — the search index ranks within each step."""
    words = key_words(article)
    steps = [words, words[:2], *([w] for w in words)]
    found: dict[int, SearchHit] = {}
    for step in dict.fromkeys(" ".join(s) for s in steps if s):
        page = await search(db, step, limit=SIMILAR + 1)
        if page.status is not Status.OK:
            continue
        for hit in page.hits:
            if hit.article_id != article.id and hit.article_id not in found:
                found[hit.article_id] = hit
        if len(found) >= SIMILAR:
            break
    return list(found.values())[:SIMILAR]
