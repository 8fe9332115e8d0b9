"""/feeds_export (the feeds as an .opml document) and /feeds_import (an .opml file sent
with that caption adds its feeds): admin only, a summary in reply."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.ingest.opml import MAX_BYTES, OpmlError
from handlers.common import admin_only, command_turn

log = logging.getLogger(__name__)

IMPORT_CAPTION = r"\A/feeds_import(@\w+)?(\s|\Z)"
EXPORT_NAME = "newsbot-feeds.opml"
LISTED = 10  # refused URLs named in the reply; the count says the rest


@admin_only("/feeds_export")
async def export_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    document = await tn.services.feeds.export_opml()
    count = document.count("<outline ")
    await message.reply_document(
        InputFile(document.encode("utf-8"), filename=EXPORT_NAME),
        caption=tn.t.ngettext("{n} feed.", "{n} feeds.", count).format(n=count),
    )


@admin_only("/feeds_import")
async def import_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tn, message = await command_turn(update, context)
    document = message.document
    if document is None:
        await message.reply_text(tn._("Send an .opml file with the caption /feeds_import."))
        return
    if document.file_size is not None and document.file_size > MAX_BYTES:
        await message.reply_text(tn._("The file is too big for a list of feeds."))
        return
    file = await context.bot.get_file(document.file_id)
    data = bytes(await file.download_as_bytearray())
    try:
        summary = await tn.services.feeds.import_opml(
            data, known_topics=frozenset(t.id for t in tn.services.topics), added_by=tn.user_id
        )
    except OpmlError as error:
        log.info("feeds_import: %s", error)
        await message.reply_text(tn._("This is not an OPML file I can read. Nothing was added."))
        return
    lines = [
        tn.t.ngettext("{n} feed added.", "{n} feeds added.", len(summary.added)).format(
            n=len(summary.added)
        )
    ]
    if summary.existing:
        lines.append(
            tn.t.ngettext(
                "{n} was polled already.", "{n} were polled already.", len(summary.existing)
            ).format(n=len(summary.existing))
        )
    if summary.refused:
        lines.append(
            tn.t.ngettext(
                "{n} address was refused:", "{n} addresses were refused:", len(summary.refused)
            ).format(n=len(summary.refused))
        )
        lines += [url[:200] for url, _code in summary.refused[:LISTED]]
    if summary.added:
        lines.append(tn._("New feeds publish only their newest entries; see /feeds."))
    await message.reply_text("\n".join(lines), disable_web_page_preview=True)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("feeds_export", export_feeds),
        CommandHandler("feeds_import", import_feeds),
        MessageHandler(filters.Document.ALL & filters.CaptionRegex(IMPORT_CAPTION), import_feeds),
    ]
