"""Daily digests and quiet hours: when a reader's messages may go, and the digest itself.

A digest-mode chat's outbox rows are never sent one by one (the worker skips them);
once a minute `send_digests` sends each chat whose local digest time has passed ONE
digest of the rows queued before that time, and marks exactly those rows sent. The
rule is stateless (rows queued before the latest digest time), so a bot that was down
at digest time catches up when it is back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from bot import i18n
from bot.domain import Article
from bot.outcomes import MediaRefused, Rejected, Transient
from bot.render import DigestItem, render_digest
from bot.render.text import host
from bot.sending import PacedSender, Sent
from storage import articles, chats, outbox
from storage.db import Database

log = logging.getLogger(__name__)

SOURCE_MAX = 50  # room left in the "source · date" line for the /article_<id> link


def _at(day: datetime, hhmm: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day.date(), clock_time(hours, minutes), tzinfo=zone)


def quiet_until(start: str | None, end: str | None, tz: str, now: float) -> float | None:
    """When quiet hours [start, end) hold at `now`, the unix time they end; else None.
    A window may cross midnight (22:00–07:00)."""
    if not start or not end or start == end:
        return None
    zone = ZoneInfo(tz)
    local = datetime.fromtimestamp(now, zone)
    today_start, today_end = _at(local, start, zone), _at(local, end, zone)
    if start < end:
        inside = today_start <= local < today_end
        ends = today_end
    elif local >= today_start:  # the evening part of a window that crosses midnight
        inside, ends = True, _at(local + timedelta(days=1), end, zone)
    else:
        inside, ends = local < today_end, today_end
    return ends.timestamp() if inside else None


def latest_digest_time(digest_time: str, tz: str, now: float) -> float:
    """The most recent moment (≤ now) the chat's local clock showed `digest_time`."""
    zone = ZoneInfo(tz)
    local = datetime.fromtimestamp(now, zone)
    moment = _at(local, digest_time, zone)
    if moment.timestamp() > now:
        moment = _at(local - timedelta(days=1), digest_time, zone)
    return moment.timestamp()


def with_link(article: Article) -> Article:
    """The digest's "source · date" line also carries /article_<id>, a tap on which
    shows the full story in the bot."""
    label = (article.source or host(article.url) or "").strip()[:SOURCE_MAX]
    link = f"/article_{article.id}"
    return replace(article, source=f"{label} · {link}" if label else link)


async def send_digests(
    db: Database,
    sender: PacedSender,
    *,
    default_language: str,
    timezone: str,
    now: float | None = None,
) -> int:
    """Send every due digest; returns how many chats got one."""
    now = time.time() if now is None else now
    done = 0
    for chat in await chats.digest_chats(db):
        try:
            if await _send_one(db, sender, chat, now, default_language, timezone):
                done += 1
        except Exception:  # one chat's trouble never stops the others' digests
            log.exception("digest for chat %s failed", chat.id)
    return done


async def _send_one(
    db: Database,
    sender: PacedSender,
    chat: chats.Chat,
    now: float,
    default_language: str,
    timezone: str,
) -> bool:
    tz = chat.timezone or timezone
    cutoff = latest_digest_time(chat.digest_time, tz, now)
    rows = await outbox.digest_rows(db, chat.id, created_before=cutoff)
    if not rows:
        return False
    items = []
    for article_id in dict.fromkeys(row.article_id for row in rows):
        article = await articles.get(db, article_id)
        if article is not None:
            items.append(DigestItem(with_link(article), article.analysis))
    locale = i18n.resolve_locale(chat.language, chat.telegram_language, default_language)
    first_message_id = 0
    for part in render_digest(items, locale, tz):
        result = await sender.send_paced(chat.send_to, chat.type, part, thread_id=chat.thread_id)
        if isinstance(result, Sent):
            first_message_id = first_message_id or result.message_id
            continue
        # The sender already paused, marked or moved the chat; what is left is the rows'.
        if isinstance(result, Rejected | MediaRefused):  # digests carry no media
            log.error("digest for chat %s rejected: %s", chat.id, result.reason)
            for row in rows:
                await outbox.mark(db, row.id, outbox.FAILED, error=f"digest: {result.reason}")
        elif isinstance(result, Transient):
            log.warning("digest for chat %s not sent yet: %s", chat.id, result.reason)
        # Flood and Transient: the next minute's run tries again; a migrated chat's rows
        # moved with it and go in its next digest; blocked or gone: its rows stopped.
        return False
    # Every row in the digest is delivered by it (even one whose story was deleted).
    await outbox.mark_sent(db, [(row.id, first_message_id) for row in rows], in_digest=True)
    return True
