"""Admin commands that correct a published story everywhere it was delivered:
/unpublish ID (deleted within Telegram's 48 hours, else replaced with a correction
note) and /edit ID title|summary <text> (every delivered message edited). The work is
bot.corrections'; here the command is read and the outcome worded."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.corrections import (
    DELETED,
    EDITED,
    FAILED,
    MISSING,
    NOTED,
    SUMMARY_MAX,
    TITLE_MAX,
    UNCHANGED,
    Report,
)
from bot.inputs import MAX_ID, parse_number
from handlers.admin import command_body
from handlers.common import Turn, admin_only, command_turn

FIELDS = ("title", "summary")


def _counts(report: Report, *names: str) -> dict[str, int]:
    return {name: report.counts.get(name, 0) for name in names}


def unpublish_text(tn: Turn, article_id: int, report: Report) -> str:
    if not report.found:
        return tn._("There is no story #{id}.").format(id=article_id)
    head = (
        tn._("Story #{id} was withdrawn before; its messages were checked again.")
        if report.already
        else tn._("Story #{id} is withdrawn.")
    ).format(id=article_id)
    body = tn._(
        "Messages deleted: {deleted}; replaced with a correction note (older than 48 hours): "
        "{noted}; gone already: {missing}; failed: {failed}. Waiting messages that will not "
        "be sent: {skipped}."
    ).format(
        **_counts(report, DELETED, NOTED, MISSING, FAILED),
        skipped=report.skipped,
    )
    return head + "\n" + body


def edit_text(tn: Turn, article_id: int, field: str, report: Report) -> str:
    if not report.found:
        return tn._("There is no story #{id}.").format(id=article_id)
    if report.already:
        return tn._("Story #{id} is withdrawn: there is nothing to edit.").format(id=article_id)
    head = (
        tn._("Story #{id}: the title is changed.")
        if field == "title"
        else tn._("Story #{id}: the summary is changed.")
    ).format(id=article_id)
    body = tn._(
        "Messages edited: {edited}; already showing it: {unchanged}; gone: {missing}; "
        "failed: {failed}."
    ).format(**_counts(report, EDITED, UNCHANGED, MISSING, FAILED))
    return head + "\n" + body


@admin_only("/unpublish")
async def unpublish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    args = command_body(message).split()
    article_id = parse_number(args[0], low=1, high=MAX_ID) if len(args) == 1 else None
    corrections = tn.services.corrections
    if article_id is None or corrections is None:
        await message.reply_text(
            tn._("Usage: /unpublish <story number>, e.g. /unpublish 12 (see /stats).")
        )
        return
    report = await corrections.unpublish(article_id)
    await message.reply_text(unpublish_text(tn, article_id, report))


@admin_only("/edit")
async def edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    number, _, rest = command_body(message).strip().partition(" ")
    field, _, value = rest.strip().partition(" ")
    article_id = parse_number(number, low=1, high=MAX_ID)
    value = " ".join(value.split())
    limit = TITLE_MAX if field == "title" else SUMMARY_MAX
    corrections = tn.services.corrections
    if article_id is None or field not in FIELDS or not value or corrections is None:
        await message.reply_text(
            tn._(
                "Usage: /edit <story number> title <new title>, or "
                "/edit <story number> summary <new summary>."
            )
        )
        return
    if len(value) > limit:
        await message.reply_text(tn._("That is too long: at most {n} characters.").format(n=limit))
        return
    if field == "title":
        report = await corrections.edit(article_id, title=value)
    else:
        report = await corrections.edit(article_id, summary=value)
    await message.reply_text(edit_text(tn, article_id, field, report))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CommandHandler("unpublish", unpublish), CommandHandler("edit", edit)]
