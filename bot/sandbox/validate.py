"""Checks Telegram applies to what the bot sends: text, captions, keyboards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.html import HtmlError, Parsed, parse_html, plain, utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ENTITY_LIMIT = 100
CALLBACK_DATA_LIMIT = 64  # bytes
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "login_url",
    "web_app",
    "callback_game",
    "pay",
)


# Tests add Telegram's own parser here (tests/tdparse_hook.py): it sees every HTML body
# with the sandbox's verdict, so a body Telegram would read differently fails the test.
html_observers: list[Callable[[str, Parsed | HtmlError], None]] = []


LINK_PREVIEW = "link preview options"  # how Telegram's errors name link_preview_options


def parse_text(text: str, parse_mode: str | None) -> Parsed:
    mode = (parse_mode or "").lower()
    if mode == "html":
        source = text.strip()
        try:
            parsed = parse_html(source)
        except HtmlError as exc:
            for observe in html_observers:
                observe(source, exc)
            raise bad_request(f"can't parse entities: {exc}") from None
        for observe in html_observers:
            observe(source, parsed)
        return parsed
    if mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed here: the text counts as it is.
        return plain(text)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def message_text(text: str | None, parse_mode: str | None) -> Parsed:
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    parsed = parse_text(text, parse_mode)
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if parsed.length > TEXT_LIMIT:
        raise bad_request("message is too long")
    entity_count(parsed)
    return parsed


def caption_text(caption: str | None, parse_mode: str | None, entities: Any = None) -> Parsed:
    """A caption as Telegram reads it: its HTML parsed, or, when `caption_entities` are
    given (Telegram then ignores parse_mode), the text as it is with those entities;
    at most 1024 UTF-16 units after parsing either way."""
    if not caption:
        return plain("")
    if entities is not None:
        parsed = given_entities(caption, entities)
    else:
        parsed = parse_text(caption, parse_mode)
    if parsed.length > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    entity_count(parsed)
    return parsed


ENTITY_TYPES = frozenset(
    {
        "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number",
        "bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
        "expandable_blockquote", "code", "pre", "text_link", "text_mention", "custom_emoji",
        "date_time",
    }
)  # fmt: skip


def given_entities(text: str, entities: Any) -> Parsed:
    """Entities sent as JSON: each a MessageEntity inside the text; one that reaches past
    the end is cut there and an empty one dropped, as Telegram fixes them."""
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    kept = []
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") not in ENTITY_TYPES:
            raise bad_request("can't parse MessageEntity: unsupported entity type")
        offset, length = entity.get("offset"), entity.get("length")
        if not (isinstance(offset, int) and isinstance(length, int)) or offset < 0:
            raise bad_request("can't parse MessageEntity: wrong offset or length")
        length = min(length, size - offset)
        if length > 0:
            kept.append({**entity, "offset": offset, "length": length})
    return Parsed(text, kept)


def link_preview(options: Any) -> dict[str, Any] | None:
    """LinkPreviewOptions as Telegram reads them: an object, flags JSON booleans, the
    url a string (the preview's page or image, even when the text does not hold it)."""
    if options is None:
        return None
    if not isinstance(options, dict):
        raise bad_request("object expected as link preview options")
    for flag in ("is_disabled", "prefer_small_media", "prefer_large_media", "show_above_text"):
        if flag in options and not isinstance(options[flag], bool):
            raise bad_request(f'field "{flag}" must be of type Boolean')
    if "url" in options and not isinstance(options["url"], str):
        raise bad_request('field "url" must be of type String')
    return options


def entity_count(parsed: Parsed) -> None:
    # Telegram silently drops entities past 100; the sandbox refuses, so tests notice.
    if len(parsed.entities) > ENTITY_LIMIT:
        raise bad_request(
            f"too many entities: {len(parsed.entities)} > {ENTITY_LIMIT} "
            "(sandbox check: Telegram would silently drop the formatting past 100)"
        )


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an inline keyboard (other keyboards pass through); return it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            _button(button)
    return markup


def _button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if len(actions) != 1:
        raise bad_request("can't parse inline keyboard button: exactly one action expected")
    data = button.get("callback_data")
    if "callback_data" in button and not (
        isinstance(data, str) and 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (
        isinstance(url, str) and url.split(":", 1)[0].lower() in ("http", "https", "tg")
    ):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid")
