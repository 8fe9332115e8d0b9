"""/settings: instant delivery or a daily digest at a local time, quiet hours, time zone.

Buttons edit the settings message in place. Callback data: "set:<field>:<value>" with
field m (mode), t (digest time HHMM), q (quiet hours "off" or HHMMHHMM), z (time zone).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.callbacks import Setting
from bot.readers import Chat
from handlers.common import Turn, turn

DIGEST_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
QUIET_PRESETS = (None, ("22:00", "07:00"), ("23:00", "08:00"))
TIMEZONES = ("Europe/Kyiv", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")


def _button(label: str, data: str, chosen: bool) -> InlineKeyboardButton:
    return InlineKeyboardButton(("✓ " if chosen else "") + label, callback_data=data)


def _data(field: str, value: str) -> str:
    return Setting(field, value).pack()


def _quiet_label(tn: Turn, preset: tuple[str, str] | None) -> str:
    return tn._("off") if preset is None else f"{preset[0]}–{preset[1]}"


def _quiet_value(preset: tuple[str, str] | None) -> str:
    return "off" if preset is None else (preset[0] + preset[1]).replace(":", "")


def render(tn: Turn, chat: Chat) -> tuple[str, InlineKeyboardMarkup]:
    tz = chat.timezone or tn.services.settings.timezone
    quiet = (chat.quiet_start, chat.quiet_end) if chat.quiet_start and chat.quiet_end else None
    if chat.mode == "digest":
        mode = tn._("a daily digest at {time}").format(time=chat.digest_time)
    else:
        mode = tn._("each story as it comes")
    text = "\n".join(
        [
            tn._("Delivery settings"),
            tn._("Delivery: {mode}").format(mode=mode),
            tn._("Quiet hours: {hours}").format(hours=_quiet_label(tn, quiet)),
            tn._("Time zone: {zone}").format(zone=tz),
            "",
            tn._("During quiet hours stories wait and arrive when they end."),
        ]
    )
    rows = [
        [
            _button(tn._("Instant"), _data("m", "instant"), chat.mode == "instant"),
            _button(tn._("Daily digest"), _data("m", "digest"), chat.mode == "digest"),
        ],
        [
            _button(
                t, _data("t", t.replace(":", "")), chat.mode == "digest" and chat.digest_time == t
            )
            for t in DIGEST_TIMES
        ],
        [
            _button(
                tn._("Quiet: {hours}").format(hours=_quiet_label(tn, preset)),
                _data("q", _quiet_value(preset)),
                preset == quiet,
            )
            for preset in QUIET_PRESETS
        ],
        [_button(z.split("/")[-1].replace("_", " "), _data("z", z), z == tz) for z in _zones(tn)],
    ]
    return text, InlineKeyboardMarkup(rows)


def _zones(tn: Turn) -> tuple[str, ...]:
    default = tn.services.settings.timezone
    return TIMEZONES if default in TIMEZONES else (default, *TIMEZONES)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    chat = await tn.services.readers.get(tn.chat_id)
    if chat is None:
        return
    text, keyboard = render(tn, chat)
    await message.reply_text(text, reply_markup=keyboard)


def changes(field: str, value: str, zones: tuple[str, ...]) -> dict[str, str | None] | None:
    """The settings a button sets, or None for data no button of ours makes."""
    if field == "m" and value in ("instant", "digest"):
        return {"mode": value}
    hhmm = f"{value[:2]}:{value[2:]}"
    if field == "t" and hhmm in DIGEST_TIMES:
        return {"mode": "digest", "digest_time": hhmm}
    if field == "q":
        for preset in QUIET_PRESETS:
            if _quiet_value(preset) == value:
                start, end = preset if preset else (None, None)
                return {"quiet_start": start, "quiet_end": end}
    if field == "z" and value in zones:
        return {"timezone": value}
    return None


async def settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parsed = Setting.unpack(query.data if query else None)
    if query is None or parsed is None:
        return
    tn = await turn(update, context)
    wanted = changes(parsed.name, parsed.value, _zones(tn))
    if wanted is None:
        await query.answer()
        return
    # Rows held for a mode or quiet hours may be due now: the service wakes delivery.
    chat = await tn.services.readers.update_settings(tn.chat_id, **wanted)
    await query.answer(tn._("Saved."))
    if chat is None:
        return
    text, keyboard = render(tn, chat)
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:  # "message is not modified": the same button twice
        if "not modified" not in error.message.lower():
            raise


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("settings", settings),
        CallbackQueryHandler(settings_button, pattern=Setting.pattern()),
    ]
