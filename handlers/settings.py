"""/settings: instant delivery or a daily digest at a local time, quiet hours, time zone.

Buttons edit the settings message in place. Callback data: "set:<field>:<value>" with
field m (mode), t (digest time HHMM), q (quiet hours "off" or HHMMHHMM), z (time zone).
Typed settings (`/settings Europe/Warsaw`, `/settings digest 07:30`,
`/settings quiet 23:00-07:00`) are read by bot.reader_settings: any IANA zone, any time.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import reader_settings
from bot.callbacks import Setting
from bot.reader_settings import Problem
from bot.readers import Chat
from handlers.common import Turn, turn, unchanged_is_fine

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
            tn._(
                "Or type any of them: /settings Europe/Warsaw, /settings digest 07:30, "
                "/settings quiet 23:00-07:00 (or quiet off), /settings instant"
            ),
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
        [_button(_zone_label(z), _data("z", z), z == tz) for z in _zones(tn, tz)],
    ]
    return text, InlineKeyboardMarkup(rows)


def _zone_label(zone: str) -> str:
    return zone.split("/")[-1].replace("_", " ")


def _zones(tn: Turn, chosen: str | None = None) -> tuple[str, ...]:
    """The zone buttons: the usual ones, the bot's default and the reader's own first."""
    zones = list(TIMEZONES)
    for extra in (tn.services.settings.timezone, chosen):
        if extra and extra not in zones:
            zones.insert(0, extra)
    return tuple(zones)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    tn = await turn(update, context)
    typed = " ".join(context.args or []).strip()
    if typed:
        parsed = reader_settings.parse(typed)
        if parsed.problem is not None:
            await message.reply_text(
                _problem(tn, parsed), reply_markup=_suggestions(tn, parsed.suggestions)
            )
            return
        chat = await tn.services.readers.update_settings(tn.chat_id, **parsed.changes)
    else:
        chat = await tn.services.readers.get(tn.chat_id)
    if chat is None:
        return
    text, keyboard = render(tn, chat)
    if typed:
        text = tn._("Saved.") + "\n\n" + text
    await message.reply_text(text, reply_markup=keyboard)


def _problem(tn: Turn, parsed: reader_settings.Parsed) -> str:
    shown = parsed.value[:60]
    if parsed.problem is Problem.UNKNOWN_ZONE:
        text = tn._("I do not know the time zone “{zone}”.").format(zone=shown)
        if parsed.suggestions:
            return text + " " + tn._("Did you mean one of these?")
        return text + " " + tn._("Use a name like Europe/Kyiv or America/New_York.")
    if parsed.problem is Problem.BAD_TIME:
        return tn._("“{value}” is not a time: use HH:MM, for example 07:30.").format(value=shown)
    if parsed.problem is Problem.BAD_RANGE:
        return tn._(
            "“{value}” is not a range of hours: use HH:MM-HH:MM, for example 23:00-07:00, "
            "or quiet off."
        ).format(value=shown)
    return tn._(
        "I can set: a time zone (/settings Europe/Warsaw), a digest time "
        "(/settings digest 07:30), quiet hours (/settings quiet 23:00-07:00 or quiet off) "
        "or instant delivery (/settings instant)."
    )


def _suggestions(tn: Turn, zones: tuple[str, ...]) -> InlineKeyboardMarkup | None:
    if not zones:
        return None
    return InlineKeyboardMarkup([[_button(z, _data("z", z), False)] for z in zones])


def changes(field: str, value: str, zones: tuple[str, ...]) -> dict[str, str | None] | None:
    """The settings a button sets, or None for data no button of ours makes."""
    if field == "m" and value in ("instant", "digest"):
        return {"mode": value}
    hhmm = reader_settings.clock(value) if len(value) == 4 else None
    if field == "t" and hhmm is not None:
        return {"mode": "digest", "digest_time": hhmm}
    if field == "q":
        for preset in QUIET_PRESETS:
            if _quiet_value(preset) == value:
                start, end = preset if preset else (None, None)
                return {"quiet_start": start, "quiet_end": end}
    if field == "z" and (value in zones or reader_settings.zone(value) == value):
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
    with unchanged_is_fine():
        await query.edit_message_text(text, reply_markup=keyboard)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("settings", settings),
        CallbackQueryHandler(settings_button, pattern=Setting.pattern()),
    ]
