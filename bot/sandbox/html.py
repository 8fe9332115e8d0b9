"""Telegram-flavoured HTML: parse exactly as Telegram does, or fail with its error text.

This follows tdlib's own `parse_html` (what the Bot API runs for parse_mode=HTML) step
by step, and is checked against the compiled original (`../shared/tools/tdparse`) on
tdlib's test cases and a differential fuzz run (tests/test_sandbox_html.py). Its quirks
are Telegram's: `&lt` needs no ';', unknown `&name;` stays literal, an unquoted attribute
value is a lower-cased name token, `</>` closes any tag, an entity over empty text
vanishes, `<a>` without href links its own text, a link Telegram cannot use (no dot in
the host, another scheme) is dropped silently, and a decoded lone surrogate is an error.
Error messages are what the Bot API puts after "Bad Request: can't parse entities: ";
offsets and lengths are in UTF-16 code units, error offsets in UTF-8 bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.links import c_integer, c_integer_safe, checked_link, link_user_id, lower_ascii
from bot.tghtml import NAMED_ENTITIES, TAG_TYPES

# Telegram's tags: the ones the bot may use (bot.tghtml) and <tg-time>, which it does not.
TAGS = frozenset(TAG_TYPES) | {"tg-time"}
NAMED = {name: ord(char) for name, char in NAMED_ENTITIES.items()}

_SPACE = frozenset(" \t\r\n\v\0")  # tdlib's is_space; NUL also ends the text in a tag
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_TOKEN = _ALPHA | _DIGITS | {".", "-"}
_ATTR_END = _SPACE | set("=>/\"'")
_SPECIAL = re.compile("[&<]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE_FLAGS = {"t": 2, "T": 4, "d": 8, "D": 16, "w": 32, "W": 32}

# tdlib's entity kinds: their sort priority and their Bot API type.
_PRIORITY = {
    "Bold": 90, "Italic": 91, "Underline": 92, "Strikethrough": 93, "Spoiler": 94,
    "Code": 20, "Pre": 11, "PreCode": 10, "TextUrl": 49, "MentionName": 49,
    "CustomEmoji": 99, "BlockQuote": 0, "ExpandableBlockQuote": 0, "FormattedDate": 30,
}  # fmt: skip
_BOT_API_TYPE = {
    "Bold": "bold", "Italic": "italic", "Underline": "underline",
    "Strikethrough": "strikethrough", "Spoiler": "spoiler", "Code": "code", "Pre": "pre",
    "PreCode": "pre", "TextUrl": "text_link", "MentionName": "text_mention",
    "CustomEmoji": "custom_emoji", "BlockQuote": "blockquote",
    "ExpandableBlockQuote": "expandable_blockquote", "FormattedDate": "date_time",
}  # fmt: skip
_SIMPLE_KINDS = {
    "b": "Bold", "strong": "Bold", "i": "Italic", "em": "Italic", "u": "Underline",
    "ins": "Underline", "s": "Strikethrough", "strike": "Strikethrough",
    "del": "Strikethrough", "tg-spoiler": "Spoiler", "span": "Spoiler",
}  # fmt: skip

# (kind, offset, length, argument) as tdlib reports it; a list so <pre> can retype it.
TdEntity = list[Any]


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
    argument: str
    date: int
    offset: int  # UTF-16 offset in the output
    chunk: int  # index in the output chunks, for <a> without href


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters beyond the BMP count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8", "surrogatepass"))


class _Offset:
    """A byte offset for an error message, computed only when one is raised."""

    __slots__ = ("index", "source")

    def __init__(self, source: str, index: int) -> None:
        self.source, self.index = source, index

    def __str__(self) -> str:
        return str(_byte_offset(self.source, self.index))


def _decode_entity(s: str, i: int) -> tuple[int, int] | None:
    """tdlib's decode_html_entity at s[i] == '&': (code point, next index) or None."""
    j = i + 1
    if s[j] == "#":
        j += 1
        hexadecimal = s[j] == "x"
        j += hexadecimal
        start = j
        while s[j] in (_HEX if hexadecimal else _DIGITS):
            j += 1
        if j - i >= 10 or j == start:
            return None
        code = int(s[start:j], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None
    else:
        while s[j] in _ALPHA:
            j += 1
        code = NAMED.get(s[i + 1 : j], 0)
        if not code:
            return None
    return code, j + (s[j] == ";")


def _date_flags(date_format: str) -> int:
    if date_format in ("r", "R"):
        return 1
    flags = 0
    for ch in date_format:
        if ch not in _DATE_FLAGS:
            raise HtmlError("Invalid date format used")
        flags |= _DATE_FLAGS[ch]
    return flags


def _start_tag(s: str, begin: int, source: str) -> tuple[_Open, int]:
    """Read the start tag at s[begin] == '<'; return it and the index of its '>'."""
    i = begin + 1
    while s[i] not in _SPACE and s[i] != ">":
        i += 1
    at = _Offset(source, begin)
    if s[i] == "\0":
        raise HtmlError(f"Unclosed start tag at byte offset {at}")
    tag = lower_ascii(s[begin + 1 : i])
    if tag not in TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {at}')
    argument, date = "", 0
    while s[i] != ">":
        while s[i] in _SPACE and s[i] != "\0":
            i += 1
        if s[i] == ">":
            break
        name_at = i
        while s[i] not in _ATTR_END:
            i += 1
        name = s[name_at:i]
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        while s[i] in _SPACE and s[i] != "\0":
            i += 1
        if s[i] != "=":
            if s[i] == "\0":
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {at}')
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while s[i] in _SPACE and s[i] != "\0":
            i += 1
        if s[i] == "\0":
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {at}')
        value, i = _attribute_value(s, i, source)
        if s[i] == "\0":
            raise HtmlError(f"Unclosed start tag at byte offset {at}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[9:]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif (tag, name) in (("tg-emoji", "emoji-id"), ("tg-time", "format")):
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
        elif tag == "tg-time" and name == "unix":
            date = c_integer(value, 32)
    if tag == "span" and argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    return _Open(tag, argument, date, 0, 0), i


def _attribute_value(s: str, i: int, source: str) -> tuple[str, int]:
    if s[i] not in "'\"":
        # A name token: letters, digits, '.', '-'; not case-sensitive.
        start = i
        while s[i] in _NAME_TOKEN:
            i += 1
        if s[i] not in _SPACE and s[i] != ">":
            raise HtmlError(
                f"Unexpected end of name token at byte offset {_byte_offset(source, start)}"
            )
        return lower_ascii(s[start:i]), i
    quote = s[i]
    i += 1
    parts: list[str] = []
    while s[i] != quote and s[i] != "\0":
        if s[i] == "&":
            decoded = _decode_entity(s, i)
            if decoded is not None:
                parts.append(chr(decoded[0]))
                i = decoded[1]
                continue
        parts.append(s[i])
        i += 1
    if s[i] == quote:
        i += 1
    return "".join(parts), i


def _close(opened: _Open, offset: int, out: list[str], entities: list[TdEntity]) -> None:
    """Turn a closed tag over non-empty text into tdlib's entity (or drop it)."""
    start, length = opened.offset, offset - opened.offset
    tag, argument = opened.tag, opened.argument
    last = entities[-1] if entities else None
    same_span = last is not None and last[1] == start and last[2] == length
    if tag in _SIMPLE_KINDS:
        entities.append([_SIMPLE_KINDS[tag], start, length, ""])
    elif tag == "tg-emoji":
        emoji_id = c_integer_safe(argument, 64)
        if not emoji_id:
            raise HtmlError("Invalid custom emoji identifier specified")
        entities.append(["CustomEmoji", start, length, str(emoji_id)])
    elif tag == "tg-time":
        flags = _date_flags(argument)
        if opened.date > 0:
            entities.append(["FormattedDate", start, length, f"{opened.date}/{flags}"])
    elif tag == "a":
        url = argument or "".join(out[opened.chunk :])
        user_id = link_user_id(url)
        if user_id:
            entities.append(["MentionName", start, length, str(user_id)])
        elif url := checked_link(url):
            entities.append(["TextUrl", start, length, url])
    elif tag == "pre":
        if same_span and last is not None and last[0] == "Code" and last[3]:
            last[0] = "PreCode"
        else:
            entities.append(["Pre", start, length, ""])
    elif tag == "code":
        if same_span and last is not None and last[0] == "Pre" and argument:
            last[0], last[3] = "PreCode", argument
        else:
            entities.append(["Code", start, length, argument])
    else:  # blockquote
        entities.append(["ExpandableBlockQuote" if argument else "BlockQuote", start, length, ""])


def parse_tdlib(source: str) -> tuple[str, list[TdEntity]]:
    """Text and entities as tdlib's parse_html returns them (its kind names and arguments).

    Raises HtmlError with tdlib's message. `parse_html` is the Bot API view of this."""
    s = source + "\0"  # tdlib reads a NUL-terminated string
    n = len(source)
    out: list[str] = []
    offset = 0  # UTF-16 length of out
    stack: list[_Open] = []
    entities: list[TdEntity] = []
    decoded_surrogate = False
    i = 0
    while i < n:
        found = _SPECIAL.search(s, i, n)
        stop = found.start() if found else n
        if stop > i:
            chunk = s[i:stop]
            out.append(chunk)
            offset += utf16_len(chunk)
            i = stop
            continue
        if s[i] == "&":
            decoded = _decode_entity(s, i)
            if decoded is None:
                out.append("&")
                offset += 1
                i += 1
                continue
            code, i = decoded
            offset += 1 + (code > 0xFFFF)
            decoded_surrogate = decoded_surrogate or 0xD800 <= code <= 0xDFFF
            out.append(chr(code))
            continue
        begin = i
        if s[i + 1] != "/":
            opened, i = _start_tag(s, begin, source)
            opened.offset, opened.chunk = offset, len(out)
            stack.append(opened)
            i += 1
            continue
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
        i += 1
        while s[i] not in _SPACE and s[i] != ">":
            i += 1
        end_name = lower_ascii(s[begin + 2 : i])
        while s[i] in _SPACE and s[i] != "\0":
            i += 1
        if s[i] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
        tag = stack[-1].tag
        if end_name and end_name != tag:
            raise HtmlError(
                f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                f'expected "</{tag}>", found "</{end_name}>"'
            )
        if offset > stack[-1].offset:
            _close(stack[-1], offset, out, entities)
        stack.pop()
        i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for entity in entities:
        if entity[0] == "Code":
            entity[3] = ""
    # tdlib's order: by offset, the longer first, then by type priority (stable).
    entities.sort(key=lambda e: (e[1], -e[2], _PRIORITY[e[0]]))
    text = "".join(out)
    if decoded_surrogate and _SURROGATE.search(text):
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    return text, entities


def bot_api_entity(kind: str, offset: int, length: int, argument: str) -> dict[str, Any]:
    """One tdlib entity as the Bot API reports it in Message.entities."""
    entity: dict[str, Any] = {"type": _BOT_API_TYPE[kind], "offset": offset, "length": length}
    if kind == "PreCode":
        entity["language"] = argument
    elif kind == "TextUrl":
        entity["url"] = argument
    elif kind == "MentionName":
        entity["user"] = {"id": int(argument), "is_bot": False, "first_name": ""}
    elif kind == "CustomEmoji":
        entity["custom_emoji_id"] = argument
    elif kind == "FormattedDate":
        date, flags = (int(part) for part in argument.split("/"))
        entity["unix_time"] = date
        if flags:
            entity["date_time_format"] = _format_of(flags)
    return entity


def _format_of(flags: int) -> str:
    if flags & 1:
        return "r"
    parts = [("w", 32), ("d", 8), ("D", 16), ("t", 2), ("T", 4)]
    return "".join(letter for letter, bit in parts if flags & bit)


def parse_html(source: str) -> Parsed:
    """Parse Telegram HTML into plain text and Bot API entities; raise HtmlError on bad markup."""
    text, entities = parse_tdlib(source)
    return Parsed(text, [bot_api_entity(*entity) for entity in entities])


def plain(text: str) -> Parsed:
    """Text sent without parse_mode: no entities from markup."""
    return Parsed(text)


__all__ = [
    "HtmlError",
    "Parsed",
    "bot_api_entity",
    "parse_html",
    "parse_tdlib",
    "plain",
    "utf16_len",
]
