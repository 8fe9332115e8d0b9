"""A bot message as a terminal shows it: Telegram's entities as ANSI styles (bold,
italic, underline, strikethrough, code dimmed, links followed by their address,
quotes behind a bar), never the raw HTML. Pure: text in, text out."""

from __future__ import annotations

from typing import Any

from bot.sandbox.html import HtmlError, parse_html

RESET = "\x1b[0m"
STYLES = {
    "bold": "\x1b[1m",
    "italic": "\x1b[3m",
    "underline": "\x1b[4m",
    "strikethrough": "\x1b[9m",
    "code": "\x1b[2m",
    "pre": "\x1b[2m",
    "spoiler": "\x1b[7m",
    "text_link": "\x1b[4;34m",
    "url": "\x1b[4;34m",
}
QUOTE_BAR = "│ "


def _utf16_to_index(text: str) -> list[int]:
    """UTF-16 offset → index into `text` (astral characters take two units)."""
    out = []
    for index, ch in enumerate(text):
        out.append(index)
        if ord(ch) > 0xFFFF:
            out.append(index)
    out.append(len(text))
    return out


def styled(text: str, parse_mode: str | None, *, colour: bool = True) -> str:
    """What the reader sees, styled for a terminal (`colour=False`: plain text, links
    still followed by their address)."""
    if parse_mode != "HTML":
        return text
    try:
        parsed = parse_html(text)
    except HtmlError:
        return text  # the sandbox refused it already; show what was sent
    return render(parsed.text, parsed.entities, colour=colour)


def render(text: str, entities: list[dict[str, Any]], *, colour: bool = True) -> str:
    index = _utf16_to_index(text)
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    quotes: list[tuple[int, int]] = []
    for entity in entities:
        start = index[min(entity["offset"], len(index) - 1)]
        end = index[min(entity["offset"] + entity["length"], len(index) - 1)]
        kind = entity["type"]
        if kind in ("blockquote", "expandable_blockquote"):
            quotes.append((start, end))
        if colour and kind in STYLES:
            opens.setdefault(start, []).append(STYLES[kind])
            closes.setdefault(end, []).append(kind)
        if kind == "text_link" and entity.get("url"):
            closes.setdefault(end, []).append("url:" + str(entity["url"]))
    out: list[str] = []
    active: list[str] = []
    for position in range(len(text) + 1):
        ended = closes.get(position, [])
        for item in ended:
            if item.startswith("url:"):
                out.append((RESET if colour else "") + f" ({item[4:]})")
                active = []  # a link's style ends with it; others reopen below
            elif item in STYLES and STYLES[item] in active:
                active.remove(STYLES[item])
        if colour and ended:
            out.append(RESET + "".join(active))
        for style in opens.get(position, []):
            active.append(style)
            out.append(style)
        if position < len(text):
            ch = text[position]
            out.append(ch)
            if ch == "\n" and any(s <= position < e - 1 for s, e in quotes):
                out.append(QUOTE_BAR)
    shown = "".join(out) + (RESET if colour and active else "")
    for start, _ in quotes:  # the bar before each quote's first line
        before = text[:start]
        shown = _bar_at(shown, before.count("\n"))
    return shown


def _bar_at(shown: str, line: int) -> str:
    lines = shown.split("\n")
    if line < len(lines) and not _plain(lines[line]).startswith(QUOTE_BAR):
        lines[line] = QUOTE_BAR + lines[line]
    return "\n".join(lines)


def _plain(line: str) -> str:
    while line.startswith("\x1b["):
        line = line[line.index("m") + 1 :]
    return line
