"""An article out of an HTML page: title, publication date, site name, canonical URL and
main text, without the page's navigation, share buttons, related links and footer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura


def _line_filter() -> Callable[[Sequence[str]], list[str]] | None:
    """The shared line filter from text analysis; extraction works without it."""
    try:
        from bot.news.clean import clean_lines
    except ImportError:  # pragma: no cover - only while bot.news is incomplete
        return None
    return clean_lines


_clean_lines = _line_filter()


MIN_WORDS = 15


class ExtractError(ValueError):
    """The page has no article text. `code` picks the reply."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Extracted:
    title: str | None
    text: str  # paragraphs separated by blank lines, title not repeated
    url: str | None  # canonical when the page names one, else where it was fetched
    site_name: str | None
    published: datetime | None
    image: str | None = None  # lead image as the page gives it (absolute; not yet checked)


_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|"""
    r"""pubdate|publishdate|dc\.date\.issued|og:published_time)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"""content=["']([^"']+)["']""", re.IGNORECASE)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 (with or without time and zone); naive times are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _published(html: str, fallback: str | None) -> datetime | None:
    # Meta tags carry the time of day; trafilatura's date is the day only.
    for tag in _PUBLISHED_META.findall(html):
        content = _CONTENT_ATTR.search(tag)
        if content and (found := parse_date(content.group(1))):
            return found
    for value in _JSON_LD_DATE.findall(html):
        if found := parse_date(value):
            return found
    return parse_date(fallback)


def _field(doc: Any, name: str) -> str | None:
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return str(value).strip() or None if value else None


def clean_paragraphs(lines: list[str]) -> list[str]:
    if _clean_lines is not None:
        return _clean_lines(lines)
    return [line.strip() for line in lines if line.strip()]


# A page whose whole "article" is one of these is a notice, not a story: a paywall or
# licence line, a cookie or JavaScript wall, a subscription prompt.
_NOTICE = re.compile(
    r"copyright|©|all rights reserved|personal,? non-commercial use|reprints?\b|"
    r"subscri(?:be|ption)|sign (?:in|up)|log ?in|cookies?|enable javascript|"
    r"javascript (?:is )?(?:disabled|required)|your browser|ad ?blocker|"
    r"усі права захищено|всі права захищено|все права защищены|передплат|підпис|"
    r"подпис|увімкніть javascript|включите javascript|файли cookie|файлы cookie",
    re.IGNORECASE,
)
NOTICE_MAX_WORDS = 80  # a longer text that mentions cookies is still an article
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^[|\s:-]+$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
CLOSING_MIN_WORDS = 8


def looks_like_notice(paragraphs: Sequence[str]) -> bool:
    words = sum(len(p.split()) for p in paragraphs)
    if words >= NOTICE_MAX_WORDS:
        return False
    hits = sum(1 for p in paragraphs if _NOTICE.search(p))
    return hits > 0 and hits * 2 >= len(paragraphs)


def table_lines(lines: Sequence[str]) -> list[str]:
    """trafilatura writes table rows as `| a | b |`: readable lines, cells joined by a
    semicolon, the `|---|` rules dropped."""
    out = []
    for line in lines:
        text = line.strip()
        if _TABLE_ROW.match(text):
            if _TABLE_RULE.match(text):
                continue
            cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(text[1:-1])]
            text = "; ".join(c for c in cells if c)
        if text:
            out.append(text)
    return out


def _run(html: str, url: str | None, *, precise: bool) -> tuple[Any, list[str]]:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=precise,
        favor_recall=not precise,
        include_comments=False,
        include_tables=True,
        include_images=False,
        with_metadata=True,
    )
    if doc is None:
        return None, []
    title = _field(doc, "title")
    paragraphs = clean_paragraphs(table_lines((_field(doc, "text") or "").splitlines()))
    if title and paragraphs and paragraphs[0].strip() == title:
        paragraphs = paragraphs[1:]  # the headline repeated as the first line
    return doc, paragraphs


def _closing(precise: list[str], recall: list[str]) -> list[str]:
    """Sentences the recall run finds after the precise run's last paragraph: closing
    paragraphs precision mode tends to cut. Stops at the first line that is no sentence
    (a "related" list, a byline)."""
    if not precise or precise[-1] not in recall:
        return []
    extra = []
    for line in recall[recall.index(precise[-1]) + 1 :]:
        if len(line.split()) < CLOSING_MIN_WORDS or not line.rstrip().endswith(
            (".", "!", "?", "…", "»", '"', "”")
        ):
            break
        if line in precise or _NOTICE.search(line):
            break
        extra.append(line)
    return extra


def _words(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _first_image(html: str, url: str | None) -> str | None:
    """The first image inside the main text, as trafilatura's own extraction keeps it
    (a separate run: with images on, its text differs, so the story's text never comes
    from this one)."""
    doc = trafilatura.bare_extraction(
        html, url=url, favor_precision=True, include_images=True, with_metadata=False
    )
    body = getattr(doc, "body", None)
    if body is None:
        return None
    for graphic in body.iter("graphic"):
        src = urljoin(url or "", str(graphic.get("src") or "").strip())
        if urlsplit(src).scheme in ("http", "https"):
            return src
    return None


def lead_image(doc: Any, html: str, url: str | None, *, find_image: bool) -> str | None:
    """og:image / twitter:image (trafilatura reads both into its metadata), resolved
    against the page's URL; else, with `find_image`, the first image of the article."""
    meta = _field(doc, "image")
    if meta:
        return urljoin(url or "", meta)
    return _first_image(html, url) if find_image else None


def extract(html: str, *, url: str | None = None, find_image: bool = True) -> Extracted:
    """Main text with precision settings (page furniture out, even at the cost of a
    borderline paragraph), then the shared line filter for scraped leftovers. When that
    is short or only a notice, recall settings try again; a notice is never a story.
    `find_image=False` skips looking for an image inside the text when the page's meta
    tags name none (the caller has one from the feed)."""
    doc, paragraphs = _run(html, url, precise=True)
    recall_doc, recall = _run(html, url, precise=False)
    if _words(paragraphs) < MIN_WORDS or looks_like_notice(paragraphs):
        doc, paragraphs = recall_doc, recall
    else:
        paragraphs = paragraphs + _closing(paragraphs, recall)
    if doc is None or _words(paragraphs) < MIN_WORDS or looks_like_notice(paragraphs):
        raise ExtractError("no_text")  # a menu, a teaser or a notice, not an article
    title = _field(doc, "title")
    canonical = _field(doc, "url")
    if canonical:
        canonical = urljoin(url or "", canonical)
        if urlsplit(canonical).scheme not in ("http", "https"):
            canonical = None
    site = _field(doc, "sitename") or _host(canonical or url)
    return Extracted(
        title=title,
        text="\n\n".join(paragraphs),
        url=canonical or url,
        site_name=site,
        published=_published(html, _field(doc, "date")),
        image=lead_image(doc, html, url, find_image=find_image),
    )


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None
