"""Taking a published story back or correcting it, in every chat it reached.

/unpublish deletes each delivered message while Telegram still allows it (48 hours)
and replaces an older one with a correction note; /edit changes the title or summary
and edits every delivered message to the new rendering. Both go through the delivery
worker's pacer, so edits and deletions share the sends' limits (30/s overall, 1/s a
private chat, 20/min a group), and through its renderer, so an edited message is what
the reader would get now. A 429 waits and tries again; a chat that blocked the bot is
marked as on delivery.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, replace

from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError

from bot import i18n
from bot.delivery import DeliveryWorker
from bot.outcomes import Blocked, Flood, Gone, Rejected, classify, retry_seconds
from bot.render.correction import render_withdrawn
from bot.search import index as search_index
from storage import articles, corrections
from storage.corrections import DELETED, NOTED, SentCopy
from storage.db import Database

__all__ = [
    "DELETED",
    "EDITED",
    "FAILED",
    "MISSING",
    "NOTED",
    "UNCHANGED",
    "CorrectionService",
    "Report",
]

log = logging.getLogger(__name__)

DELETE_WITHIN_S = 48 * 3600 - 600  # Telegram's 48 hours, less a margin for clocks
MAX_FLOOD_WAITS = 5
TITLE_MAX = 300
SUMMARY_MAX = 1500
# Outcome names in reports.
EDITED, UNCHANGED, MISSING, FAILED = "edited", "unchanged", "missing", "failed"
NO_SUCH_PART = "no_such_part"  # a text edit of a photo, or a caption edit of text


def large_preview(image: str | None) -> LinkPreviewOptions | None:
    """The lead image above the text, as bot.sender_http.prepare sends it."""
    if image is None:
        return None
    return LinkPreviewOptions(url=image, prefer_large_media=True, show_above_text=True)


@dataclass(frozen=True, slots=True)
class Report:
    """What happened to a story's messages; `found` False when there is no such story."""

    found: bool
    counts: dict[str, int]
    skipped: int = 0  # waiting messages that will not be sent
    already: bool = False  # withdrawn before


class CorrectionService:
    def __init__(self, db: Database, delivery: DeliveryWorker) -> None:
        self.db = db
        self.delivery = delivery

    async def unpublish(self, article_id: int) -> Report:
        article = await articles.get(self.db, article_id)
        if article is None:
            return Report(False, {})
        first, skipped = await corrections.withdraw(self.db, article_id)
        self.delivery.forget(article_id)
        counts: Counter[str] = Counter()
        # Twice: a message in flight while the story was withdrawn is marked sent later.
        for _ in range(2):
            copies = [
                c for c in await corrections.sent_copies(self.db, article_id) if not c.corrected
            ]
            if not copies:
                await self.delivery.idle(within_s=5.0)
                continue
            done: list[tuple[int, str]] = []
            for copy in copies:
                outcome = await self._withdraw_one(copy, article.title)
                counts[outcome] += 1
                if outcome in (DELETED, NOTED, MISSING):
                    done.append((copy.delivery.id, NOTED if outcome == NOTED else DELETED))
            await corrections.mark_corrected(self.db, done)
        return Report(True, dict(counts), skipped, already=not first)

    async def edit(
        self, article_id: int, *, title: str | None = None, summary: str | None = None
    ) -> Report:
        article = await articles.get(self.db, article_id)
        if article is None or article.analysis is None:
            return Report(False, {})
        analysis = article.analysis
        if summary is not None:
            analysis = replace(analysis, summary=(summary,))
        if title is not None:
            analysis = replace(analysis, title=title)
        document = search_index.document(
            title=title if title is not None else article.title,
            text=article.text,
            language=article.language,
            source=article.source,
            topics=article.topics,
            analysis=analysis,
        )
        day = (article.published or article.created_at).timestamp()
        await corrections.change_story(
            self.db, article_id, title=title, analysis=analysis, search=document, day=day
        )
        self.delivery.forget(article_id)
        changed = await articles.get(self.db, article_id)
        assert changed is not None
        counts: Counter[str] = Counter()
        if await corrections.is_withdrawn(self.db, article_id):
            return Report(True, {}, already=True)
        for copy in await corrections.sent_copies(self.db, article_id):
            row = copy.delivery
            locale = i18n.resolve_locale(
                row.language, row.telegram_language, self.delivery.default_language
            )
            text, keyboard, photo, preview = self.delivery.render(changed, row, locale)
            counts[
                await self._edit_one(
                    copy, text, keyboard, caption=photo is not None, preview=preview
                )
            ] += 1
        return Report(True, dict(counts))

    # -- one message -------------------------------------------------------------------

    async def _withdraw_one(self, copy: SentCopy, title: str) -> str:
        if time.time() - copy.sent_at < DELETE_WITHIN_S:
            outcome = await self._call(copy, "delete")
            if outcome != FAILED or copy.corrected:
                return outcome
        row = copy.delivery
        locale = i18n.resolve_locale(
            row.language, row.telegram_language, self.delivery.default_language
        )
        outcome = await self._edit_one(copy, render_withdrawn(title, locale), None, caption=False)
        return NOTED if outcome in (EDITED, UNCHANGED) else outcome

    async def _edit_one(
        self,
        copy: SentCopy,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        *,
        caption: bool,
        preview: str | None = None,
    ) -> str:
        """Edit a message to `text`: a photo's caption or a text message. A story sent
        as a photo may have gone as text (the photo refused), so the other is tried."""
        first, second = ("caption", "text") if caption else ("text", "caption")
        outcome = await self._call(copy, first, text=text, keyboard=keyboard, preview=preview)
        if outcome == NO_SUCH_PART:
            outcome = await self._call(copy, second, text=text, keyboard=keyboard, preview=preview)
        return FAILED if outcome == NO_SUCH_PART else outcome

    async def _call(
        self,
        copy: SentCopy,
        action: str,
        *,
        text: str = "",
        keyboard: InlineKeyboardMarkup | None = None,
        preview: str | None = None,
    ) -> str:
        """Delete one message, or edit its text or caption, at the sends' pace; the
        outcome's name."""
        row = copy.delivery
        pacer = self.delivery.pacer
        for _ in range(MAX_FLOOD_WAITS):
            ticket = await pacer.acquire(row.target, row.chat_type)
            try:
                return await self._request(copy, action, text, keyboard, preview)
            except RetryAfter as error:
                self.delivery.pacer.pause_chat(row.target, retry_seconds(error.retry_after))
                continue
            except TelegramError as error:
                outcome = classify(error)
                reason = str(error).lower()
                if isinstance(outcome, Flood):
                    continue
                if isinstance(outcome, Blocked | Gone):
                    await self.delivery.sender.settle(row.target, outcome)
                    return MISSING
                if isinstance(outcome, Rejected):
                    if "not modified" in reason:
                        return UNCHANGED
                    if "there is no text" in reason or "there is no caption" in reason:
                        return NO_SUCH_PART
                    if "not found" in reason:
                        return MISSING  # deleted by someone meanwhile
                log.info("%s of message %s in %s: %s", action, copy.message_id, row.target, error)
                return FAILED
            finally:
                pacer.answered(ticket)
        return FAILED

    async def _request(
        self,
        copy: SentCopy,
        action: str,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
        preview: str | None,
    ) -> str:
        """One Bot API request; Telegram's errors are left to _call."""
        row = copy.delivery
        bot = self.delivery.bot
        if action == "delete":
            await bot.delete_message(row.target, copy.message_id)
            return DELETED
        if action == "caption":
            await bot.edit_message_caption(
                chat_id=row.target,
                message_id=copy.message_id,
                caption=text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
            return EDITED
        await bot.edit_message_text(
            text,
            chat_id=row.target,
            message_id=copy.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            link_preview_options=large_preview(preview),
        )
        return EDITED
