"""Drafts from a URL or an uploaded file, ready for StoryService.analyze / publish.

The /push handlers use these: FetchError, ExtractError and FileError carry a `code`
that picks the admin's reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.ingest.extract import extract
from bot.ingest.fetch import MAX_BYTES, TIMEOUT_S, fetch
from bot.ingest.files import read_file
from bot.ingest.images import allows_private, image_url
from bot.ingest.keys import item_keys
from bot.stories import Draft
from storage.seen import Key


@dataclass(frozen=True, slots=True)
class UrlDraft:
    draft: Draft
    keys: list[Key]  # requested, final and canonical URL: any of them means "seen"


async def draft_from_url(
    url: str,
    *,
    client: httpx.AsyncClient | None = None,
    topics: Sequence[str] = (),
    timeout: float = TIMEOUT_S,  # noqa: ASYNC109 - handed to fetch()
    max_bytes: int = MAX_BYTES,
    image: str | None = None,
) -> UrlDraft:
    """The story at `url`. Its lead image is the page's (og:image, twitter:image), else
    `image` (a feed entry's own), else the first image in the article."""
    fetched = await fetch(url, client=client, timeout=timeout, max_bytes=max_bytes)
    allow = allows_private(client)
    own = image_url(image, allow_private=allow)
    # lxml parsing of a large page takes tens of ms: off the event loop.
    found = await asyncio.to_thread(
        extract, fetched.text(), url=fetched.url, find_image=own is None
    )
    draft = Draft(
        text=found.text,
        title=found.title,
        url=found.url or fetched.url,
        source=found.site_name,
        published=found.published,
        topics=tuple(topics),
        image=image_url(found.image, fetched.url, allow_private=allow) or own,
    )
    return UrlDraft(draft, item_keys(urls=(url, fetched.url, found.url)))


def draft_from_file(name: str, data: bytes, *, topics: Sequence[str] = ()) -> Draft:
    found = read_file(name, data)
    return Draft(
        text=found.text,
        title=found.title,
        url=found.url,
        source=found.site_name,
        topics=tuple(topics),
    )
