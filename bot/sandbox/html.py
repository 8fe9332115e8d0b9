"""Telegram-flavoured HTML: parse like the Bot API does, or fail with its error text.

Only the tags Telegram accepts are allowed; anything else raises `HtmlError`, whose
message is what the Bot API puts after "Bad Request: can't parse entities: ".
Offsets and lengths are in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from bot.tghtml import NAMED_ENTITIES, TAG_TYPES

# The tags and named entities Telegram knows; any other "&name;" stays literal text.
# (This parser imitates Telegram's leniency; bot.tghtml is the stricter self-check.)
NAMED = NAMED_ENTITIES
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


class HtmlError(ValueError):
    """Markup Telegram would reject; str(error) is its description."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return utf16_len(self.text)


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    at: int  # index in the source, for error offsets
    arg: str | None = None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters beyond the BMP count twice."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode())


def _decode_entity(source: str, i: int) -> tuple[str, int] | None:
    """Decode an entity starting at source[i] == '&'; None when it is not one."""
    end = source.find(";", i + 1, i + 12)
    if end < 0:
        return None
    body = source[i + 1 : end]
    if body in NAMED:
        return NAMED[body], end + 1
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        except ValueError:
            return None
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), end + 1
    return None


def _read_attrs(source: str, i: int, tag: str, at: int) -> tuple[dict[str, str], int]:
    """Read attributes after the tag name; return them and the index after '>'."""
    attrs: dict[str, str] = {}
    n = len(source)
    bad = f'Unclosed start tag "{tag}" at byte offset {_byte_offset(source, at)}'
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise HtmlError(bad)
        if source[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and not source[i].isspace() and source[i] not in "=>/\"'":
            i += 1
        name = source[start:i].lower()
        if not name:
            raise HtmlError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(source, at)}'
            )
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise HtmlError(bad)
        if source[i] != "=":
            attrs[name] = ""
            continue
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise HtmlError(bad)
        if source[i] in "\"'":
            quote = source[i]
            close = source.find(quote, i + 1)
            if close < 0:
                raise HtmlError(bad)
            raw = source[i + 1 : close]
            attrs[name] = html.unescape(raw) if "&" in raw else raw
            i = close + 1
        else:
            start = i
            while i < n and (source[i].isalnum() or source[i] in ".-_"):
                i += 1
            if i < n and not source[i].isspace() and source[i] != ">":
                raise HtmlError(
                    f"Unexpected end of name token at byte offset {_byte_offset(source, i)}"
                )
            attrs[name] = source[start:i]


def _tag_arg(tag: str, attrs: dict[str, str], source: str, at: int) -> str | None:
    if tag == "a":
        return attrs.get("href")
    if tag == "code":
        cls = attrs.get("class", "")
        return cls.removeprefix("language-") if cls.startswith("language-") else None
    if tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, at)}'
            )
        return None
    if tag == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise HtmlError("Invalid custom emoji identifier specified")
        return emoji_id
    if tag == "blockquote":
        return "expandable" if "expandable" in attrs else None
    return None


def _entity(opened: _Open, end: int) -> dict[str, Any]:
    kind = TAG_TYPES[opened.tag]
    entity: dict[str, Any] = {"type": kind, "offset": opened.start, "length": end - opened.start}
    if opened.tag == "a":
        entity["url"] = opened.arg or ""
    elif opened.tag == "code" and opened.arg:
        entity["language"] = opened.arg
    elif opened.tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.arg
    elif opened.tag == "blockquote" and opened.arg:
        entity["type"] = "expandable_blockquote"
    return entity


def _close(entities: list[dict[str, Any]], opened: _Open, end: int) -> None:
    if end <= opened.start:
        return  # Telegram drops entities over empty text
    new = _entity(opened, end)
    last = entities[-1] if entities else None
    same_span = last is not None and (last["offset"], last["length"]) == (
        new["offset"],
        new["length"],
    )
    # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
    if same_span and last is not None and {last["type"], new["type"]} == {"pre", "code"}:
        last["type"] = "pre"
        language = last.get("language") or new.get("language")
        if language:
            last["language"] = language
        return
    entities.append(new)


def parse_html(source: str) -> Parsed:
    """Parse Telegram HTML into plain text and entities; raise HtmlError on bad markup."""
    out: list[str] = []
    pos = 0  # UTF-16 length of out
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i)
            if decoded is not None:
                out.append(decoded[0])
                pos += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if ch != "<":
            out.append(ch)
            pos += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        at = i
        if i + 1 < n and source[i + 1] == "/":
            close = source.find(">", i + 2)
            if close < 0:
                raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(source, at)}")
            name = source[i + 2 : close].strip().lower()
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(source, at)}")
            opened = stack.pop()
            if name and name != opened.tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, at)}, "
                    f'expected "</{opened.tag}>", found "</{name}>"'
                )
            _close(entities, opened, pos)
            i = close + 1
            continue
        j = i + 1
        while j < n and source[j] in _NAME_CHARS:
            j += 1
        tag = source[i + 1 : j].lower()
        if j >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(source, at)}")
        if tag not in TAG_TYPES:
            # Telegram names the whole token up to a space or '>' in this message.
            k = j
            while k < n and not source[k].isspace() and source[k] != ">":
                k += 1
            shown = source[i + 1 : k].lower()
            raise HtmlError(
                f'Unsupported start tag "{shown}" at byte offset {_byte_offset(source, at)}'
            )
        attrs, i = _read_attrs(source, j, tag, at)
        stack.append(_Open(tag, pos, at, _tag_arg(tag, attrs, source, at)))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return Parsed("".join(out), entities)


def plain(text: str) -> Parsed:
    """Text sent without parse_mode: no entities from markup."""
    return Parsed(text)


__all__ = ["HtmlError", "Parsed", "parse_html", "plain", "utf16_len"]
