"""What the search index holds for a story, built from the lemmas its analysis
already has (storage writes it, never lemmatizes).

Columns: title, summary and body lemmas, then the filters (language, source words,
topic tokens). The body comes from Analysis.lemmas (the title's lemmas, which open
it, are left to the title column); a story without an analysis is lemmatized here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from bot.domain import Analysis, Article
from bot.search.lemmas import index_text, lemmatize
from storage import search
from storage.articles import NewArticle
from storage.db import Database
from storage.search import SearchDocument

_NOT_WORD = re.compile(r"[\W_]+")


def topic_token(topic: str) -> str:
    """A topic id as one index token: us-russia-talks → usrussiatalks."""
    return _NOT_WORD.sub("", topic.lower())


def _body(analysis: Analysis) -> str:
    title = lemmatize(analysis.title, analysis.language)
    lemmas = list(analysis.lemmas)
    if lemmas[: len(title)] == title:
        lemmas = lemmas[len(title) :]
    return " ".join(lemmas)


def document(
    *,
    title: str,
    text: str,
    language: str,
    source: str | None = None,
    topics: Sequence[str] = (),
    analysis: Analysis | None = None,
) -> SearchDocument:
    summary = analysis.summary if analysis is not None else ()
    return SearchDocument(
        title=index_text(title, language),
        summary=index_text("\n".join(summary), language),
        body=_body(analysis) if analysis is not None else index_text(text, language),
        language=language,
        source=source or "",
        topics=" ".join(topic_token(t) for t in topics),
    )


def new_article(
    *,
    title: str,
    text: str,
    language: str,
    topics: Sequence[str] = (),
    url: str | None = None,
    source: str | None = None,
    published: datetime | None = None,
    analysis: Analysis | None = None,
    image: str | None = None,
) -> NewArticle:
    """A story to store, with its search document."""
    return NewArticle(
        title=title,
        text=text,
        language=language,
        topics=tuple(topics),
        url=url,
        source=source,
        published=published,
        analysis=analysis,
        image=image,
        search=document(
            title=title,
            text=text,
            language=language,
            source=source,
            topics=topics,
            analysis=analysis,
        ),
    )


def _document_of(article: Article) -> SearchDocument:
    return document(
        title=article.title,
        text=article.text,
        language=article.language,
        source=article.source,
        topics=article.topics,
        analysis=article.analysis,
    )


async def reindex(db: Database, *, rebuild: bool = False) -> int:
    """Index stories missing from the index (all of them with rebuild=True), e.g. after
    upgrading a database that had stories before search existed. Returns how many."""
    missing = await search.unindexed(db, rebuild=rebuild)
    await search.write_documents(db, [(article, _document_of(article)) for article in missing])
    return len(missing)
