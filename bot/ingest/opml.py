"""OPML 1.0 / 2.0 subscription lists: read the feeds out of one (import), write the
bot's feeds as one (export). The file comes from an admin, but it is parsed like any
outside input: size-capped, no entities, no DTD, no network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from xml.sax.saxutils import quoteattr

from lxml import etree

MAX_BYTES = 1024 * 1024
MAX_FEEDS = 500


class OpmlError(ValueError):
    """Not an OPML file we can read; `code` picks the reply."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None = None
    categories: tuple[str, ...] = ()  # `category` attribute and enclosing folder names


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, in document order, each URL once."""
    if len(data) > MAX_BYTES:
        raise OpmlError("too_big", f"{len(data)} bytes")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise OpmlError("not_xml", str(error)[:200]) from None
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlError("not_opml", str(root.tag)[:50])
    body = root.find("body")
    if body is None:
        raise OpmlError("not_opml", "no body")
    found: dict[str, OpmlFeed] = {}
    _walk(body, (), found)
    if len(found) > MAX_FEEDS:
        raise OpmlError("too_many", str(len(found)))
    return list(found.values())


def _walk(node: etree._Element, folders: tuple[str, ...], found: dict[str, OpmlFeed]) -> None:
    for outline in node:
        if not isinstance(outline.tag, str) or outline.tag.lower() != "outline":
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        if url:
            own = tuple(c.strip().strip("/") for c in (outline.get("category") or "").split(","))
            categories = tuple(dict.fromkeys(c for c in (*folders, *own) if c))
            found.setdefault(url, OpmlFeed(url, title, categories))
        else:  # a folder
            _walk(outline, (*folders, title) if title else folders, found)


def write_opml(
    feeds: Sequence[OpmlFeed], *, title: str = "newsbot feeds", now: float | None = None
) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_text(title)}</title>",
        f"    <dateCreated>{formatdate(now, usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        name = feed.title or feed.url
        attributes = f'type="rss" text={quoteattr(name)} title={quoteattr(name)}'
        attributes += f" xmlUrl={quoteattr(feed.url)}"
        if feed.categories:
            attributes += f" category={quoteattr(','.join(feed.categories))}"
        lines.append(f"    <outline {attributes}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
