"""Pure helpers for Telegram's HTML parse mode: escaping, UTF-16 length, a strict parser.

`parse()` follows https://core.telegram.org/bots/api#html-style and returns the plain
text and entities Telegram would produce, or raises ValueError. It is deliberately a
little stricter than Telegram itself: the docs ask for every literal "<", ">" and "&"
to be escaped, so a stray one is an error here even where Telegram would forgive it.
Unknown attributes are ignored, as Telegram does. Where Telegram is looser still, this
check refuses: attribute values must be quoted and names lower-case, `&#X41;` and `&lt`
without ';' are errors (Telegram would show or decode them literally), whitespace inside
a tag is only Telegram's (space, tab, CR, LF, VT). Everything Telegram's own parser
refuses, this refuses too (tests/test_sandbox_html.py checks it against tdlib's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_TEXT = 4096  # message text, UTF-16 code units after parsing
MAX_CAPTION = 1024
MAX_ENTITIES = 100

# tag name -> entity type (span needs class="tg-spoiler", handled below)
TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_SPACE = " \t\r\n\v"  # whitespace in a tag, as Telegram counts it (not \f, not NBSP)
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR = re.compile(
    r"""[ \t\r\n\v]+([a-z][a-z0-9_-]*)(?:[ \t\r\n\v]*=[ \t\r\n\v]*(?:"([^"]*)"|'([^']*)'))?"""
)
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6})|([A-Za-z]+));")
_EMOJI_ID = re.compile(r"[1-9][0-9]{0,18}")  # a positive int64, as Telegram requires
_SURROGATE = re.compile("[\ud800-\udfff]")


# Tests add Telegram's own parser here (tests/tdparse_hook.py): it sees every markup this
# check accepts, so a rendered message Telegram would read differently fails the test.
accepted_observers: list[Callable[[str, str, list[Entity]], None]] = []


@dataclass(frozen=True, slots=True)
class Entity:
    """A message entity as Telegram reports it; offset and length in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None


def escape(text: str, *, quote: bool = False) -> str:
    """Escape text for Telegram HTML; quote=True also escapes '"' (attribute values)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;")
    return text


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _decode_ref(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in NAMED_ENTITIES:
            raise ValueError(f"unsupported HTML entity &{name};")
        return NAMED_ENTITIES[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"invalid character reference {match.group(0)}")
    return chr(code)


def _unescape(raw: str, where: int) -> str:
    """Decode character references in a text run; a stray '&' or '>' is an error."""
    out: list[str] = []
    pos = 0
    while True:
        amp = raw.find("&", pos)
        chunk = raw[pos:] if amp < 0 else raw[pos:amp]
        if ">" in chunk:
            raise ValueError(f"unescaped '>' at {where + pos + chunk.index('>')}")
        if _SURROGATE.search(chunk):
            raise ValueError(f"lone surrogate at {where + pos}")
        out.append(chunk)
        if amp < 0:
            return "".join(out)
        match = _CHAR_REF.match(raw, amp)
        if match is None:
            raise ValueError(f"unescaped '&' at {where + amp}")
        out.append(_decode_ref(match))
        pos = match.end()


def _attr_value(match: re.Match[str], where: int) -> str:
    raw = next((g for g in match.groups()[1:] if g is not None), "")
    if "<" in raw:
        raise ValueError(f"'<' in an attribute value at {where}")
    return _unescape(raw.replace(">", "&gt;"), where)


@dataclass(slots=True)
class _Open:
    tag: str
    entity_type: str
    start: int  # UTF-16 offset in the plain text
    url: str | None = None
    language: str | None = None
    emoji_id: str | None = None
    index: int = 0  # opening order, to sort nested entities that share a span


def _check_nesting(stack: list[_Open], tag: str, entity_type: str) -> None:
    """Telegram's rules: code/pre hold nothing (but pre may hold one code), no nested
    links or blockquotes."""
    inner = stack[-1].entity_type if stack else ""
    if inner in ("code", "pre") and not (inner == "pre" and entity_type == "code"):
        raise ValueError(f"<{tag}> inside <{stack[-1].tag}>")
    if any(o.entity_type in ("code", "pre") for o in stack[:-1]):
        raise ValueError(f"<{tag}> inside a code block")
    same = ("blockquote", "expandable_blockquote") if "blockquote" in entity_type else ()
    for o in stack:
        if o.entity_type == entity_type == "text_link":
            raise ValueError("nested <a>")
        if o.entity_type in same:
            raise ValueError("nested <blockquote>")
        if o.entity_type == entity_type == "custom_emoji":
            raise ValueError("nested <tg-emoji>")


def parse(html: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into (plain text, entities). Raises ValueError if Telegram
    would reject it (unknown/unclosed/misnested tags, stray '<' '>' '&')."""
    plain: list[str] = []
    offset = 0  # UTF-16 length of plain so far
    stack: list[_Open] = []
    done: list[tuple[int, Entity]] = []
    pos = 0
    while pos < len(html):
        lt = html.find("<", pos)
        run = html[pos:] if lt < 0 else html[pos:lt]
        if run:
            text = _unescape(run, pos)
            plain.append(text)
            offset += utf16_len(text)
        if lt < 0:
            break
        pos = _parse_tag(html, lt, stack, done, offset)
    if stack:
        raise ValueError(f"unclosed <{stack[-1].tag}>")
    # Telegram's order: by offset, outer entity first, then opening order
    ranked = sorted(done, key=lambda p: (p[1].offset, -p[1].length, p[0]))
    text, entities = "".join(plain), [entity for _, entity in ranked]
    for observe in accepted_observers:
        observe(html, text, entities)
    return text, entities


def _parse_tag(
    html: str, lt: int, stack: list[_Open], done: list[tuple[int, Entity]], offset: int
) -> int:
    """Handle the tag starting at html[lt] == '<'; return the position after it."""
    closing = html.startswith("</", lt)
    name_at = lt + (2 if closing else 1)
    name_match = _TAG_NAME.match(html, name_at)
    if name_match is None:
        raise ValueError(f"unescaped '<' at {lt}")
    tag = name_match.group(0).lower()
    pos = name_match.end()
    if closing:
        gt = pos + len(html[pos:]) - len(html[pos:].lstrip(_SPACE))
        if not html.startswith(">", gt):
            raise ValueError(f"malformed end tag </{tag} at {lt}")
        if not stack:
            raise ValueError(f"end tag </{tag}> without a start tag at {lt}")
        top = stack.pop()
        if top.tag != tag:
            raise ValueError(f"</{tag}> at {lt} closes <{top.tag}>")
        done.append(
            (
                top.index,
                Entity(
                    top.entity_type,
                    top.start,
                    offset - top.start,
                    url=top.url,
                    language=top.language,
                    custom_emoji_id=top.emoji_id,
                ),
            )
        )
        return gt + 1
    if tag not in TAG_TYPES:
        raise ValueError(f"unsupported tag <{tag}> at {lt}")
    attrs: dict[str, str] = {}
    while True:
        attr = _ATTR.match(html, pos)
        if attr is None:
            break
        attrs[attr.group(1)] = _attr_value(attr, attr.start())
        pos = attr.end()
    rest = html[pos:]
    pos += len(rest) - len(rest.lstrip(_SPACE))
    if not html.startswith(">", pos):
        raise ValueError(f"malformed start tag <{tag} at {lt}")
    entity_type = TAG_TYPES[tag]
    opened = _Open(tag, entity_type, offset, index=len(done) + len(stack))

    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise ValueError(f'<span> without class="tg-spoiler" at {lt}')
    if tag == "a":
        opened.url = attrs.get("href")
    elif tag == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not (_EMOJI_ID.fullmatch(emoji_id) and int(emoji_id) < 1 << 63):
            raise ValueError(f"<tg-emoji> needs a numeric emoji-id at {lt}")
        opened.emoji_id = emoji_id
    elif tag == "blockquote" and "expandable" in attrs:
        opened.entity_type = "expandable_blockquote"
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        opened.language = attrs["class"].removeprefix("language-")
    _check_nesting(stack, tag, opened.entity_type)
    stack.append(opened)
    return pos + 1
