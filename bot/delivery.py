"""The delivery worker: drains the outbox at Telegram's limits.

It claims due rows, renders each message in the reader's language, sends it through
bot.sending (the digests' sender too) and marks the row. Failures are sorted by
bot.outcomes: flood control waits, a blocked chat stops its rows, a gone chat is marked
gone, a migrated group moves, network trouble retries with backoff up to MAX_ATTEMPTS,
a message Telegram rejects fails at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup

from bot import i18n, metrics
from bot.digest import quiet_until
from bot.domain import Article, Reason, ReasonKind
from bot.markup import markup
from bot.outcomes import Blocked, Flood, Gone, MediaRefused, Rejected, Transient
from bot.pacing import GROUP_INTERVAL_S, Pacer, Ticket
from bot.render import render_story
from bot.sender_http import SEND_MESSAGE, SEND_PHOTO, prepare, prepare_photo
from bot.sending import ChatSender, Result, Sent
from storage import articles, fanout, outbox
from storage.db import Database
from storage.outbox import Delivery

log = logging.getLogger(__name__)
T = TypeVar("T")
# Text, keyboard, photo (the story as its caption), preview image (a large link preview).
RenderedStory = tuple[str, InlineKeyboardMarkup | None, str | None, str | None]

MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
BATCH = 200
CLAIM_S = 2.0
IN_FLIGHT = 64
FLUSH_S = 0.05
IDLE_WAIT_S = 5.0
STOP_GRACE_S = 30.0
LEASE_S = 30.0
# Leases are renewed every quarter of lease_s by a task of their own; a row is sent only
# while half of its lease is left, so a renewal late by up to a quarter of the lease (a
# busy machine, a slow database) stops the sends before another worker can take a row.
RENEW_SHARE = 1 / 4
SURE_SHARE = 1 / 2
FLUSH_RETRY_S = 1.0
PREPARED_MAX = 1024  # encoded message variants kept (a handful per story)
REFUSED_MAX = 4096  # photo URLs Telegram refused, remembered so the rest go as text


@dataclass(frozen=True, slots=True)
class Prepared:
    """One story variant, encoded once for all its readers (bot.sender_http)."""

    body: bytes  # sendMessage, or sendPhoto when `photo` is set
    photo: str | None = None  # the URL a sendPhoto body carries
    fallback: bytes = b""  # a sendPhoto's story as text, for when the photo is refused


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    unsure: int = 0  # rows not sent because their lease might have run out (claimed again)
    flood_waits: int = 0
    by_error: dict[str, int] = field(default_factory=dict)


def backoff(attempts: int, base_s: float = BACKOFF_BASE_S) -> float:
    """Exponential with jitter, so retries of many chats do not arrive together."""
    return random.uniform(0.5, 1.0) * min(BACKOFF_MAX_S, base_s * 2.0**attempts)


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        rate_per_s: float,
        default_language: str,
        timezone: str,
        topic_names: Callable[[str], dict[str, str]],
        paid_broadcast: bool = False,
        holder: str = "local",
        lease_s: float = LEASE_S,
        pacer: Pacer | None = None,
    ) -> None:
        self.db = db
        self.bot = bot
        # Rows are claimed for `holder` with a lease, renewed while it lives: any number
        # of workers share one outbox, and a dead one's rows return after lease_s.
        self.holder = holder
        self.lease_s = lease_s
        self.pacer = pacer or Pacer(rate_per_s)
        # About CLAIM_S of sends at a time: other workers find rows left to claim.
        self.batch = max(1, min(BATCH, int(rate_per_s * CLAIM_S)))
        self.sender = ChatSender(db, bot, self.pacer)
        self.default_language = default_language
        self.timezone = timezone
        self.topic_names = topic_names
        self.paid_broadcast = paid_broadcast  # allow_paid_broadcast on every story message
        self.stats = DeliveryStats()
        # Knobs tests turn: wall clock (quiet hours), retry policy.
        self.clock: Callable[[], float] = time.time
        self.max_attempts = MAX_ATTEMPTS
        self.backoff_base_s = BACKOFF_BASE_S
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        # Rows claimed and not finished → the wall time until which no other worker can
        # have claimed them (their lease as this worker knows it, renewals included).
        self._leases: dict[int, float] = {}
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._sent_buffer: list[tuple[int, int]] = []
        self._flusher: asyncio.Task[None] | None = None
        # A claim found fewer rows than it wanted: queue the next batch of a story's
        # fan-out (storage.fanout; PostgreSQL), in a task of its own so that the
        # round goes on (and renews its leases) while the batch is written.
        self._expand_wanted = asyncio.Event()
        self._expander: asyncio.Task[None] | None = None
        self._newest_claimed = 0.0  # when the newest row of the last round was queued
        self._articles: dict[int, Article | None] = {}
        self._prepared: dict[tuple[object, ...], Prepared] = {}
        self._refused_photos: set[str] = set()

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="delivery")
            self._expander = asyncio.create_task(self._expand(), name="fan-out")
            self._renewer = asyncio.create_task(self._renew_leases(), name="leases")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        for task in (self._task, self._expander):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._expander = None
        # Let sends already on the wire finish and be recorded: nothing sent goes unmarked
        # (their leases are renewed meanwhile).
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_S)
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        # A flush under way holds rows already taken from the buffer: let it write them
        # before the database closes (else they are sent again after a restart).
        if self._flusher is not None and not self._flusher.done():
            await asyncio.wait({self._flusher}, timeout=STOP_GRACE_S)
        await self._flush()
        try:
            await outbox.release(self.db, self.holder)  # the rows left go to others now
        except Exception as error:  # they return after the lease anyway
            log.warning("outbox claims not released: %s", type(error).__name__)

    async def idle(self, within_s: float = 30.0) -> bool:
        """True once nothing is due or in flight (tests and the demo wait on this)."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            nxt = await outbox.next_due_at(self.db)
            if not self._in_flight and (nxt is None or nxt > time.time()):
                await self._flush()
                return True
            await asyncio.sleep(0.05)
        return False

    async def drained(self, within_s: float = 30.0) -> bool:
        """True once no row is pending at all (retries scheduled later included)."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if not self._in_flight and await outbox.next_due_at(self.db) is None:
                await self._flush()
                return True
            await asyncio.sleep(0.05)
        return False

    # -- the loop --------------------------------------------------------------------

    async def _run(self) -> None:
        fresh = not self.db.shared
        while not self._stopping:
            try:
                if fresh:
                    # One process per SQLite file: every claim found belongs to a gone one.
                    await outbox.release(self.db)
                    fresh = False
                if not await self._dispatch_due():
                    await self._sleep_until_due()  # reads the database too: same guard
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery loop error; retrying in a second")
                await asyncio.sleep(1.0)

    async def _renew_leases(self) -> None:
        """Renew the leases of the rows on hand on a timer of its own: a round waiting for
        send slots, or sends waiting for answers, never hold a renewal back (a round
        sharing the send schedule with other workers can outlast a lease)."""
        while True:
            await asyncio.sleep(self.lease_s * RENEW_SHARE)
            if not self._leases:
                continue
            try:
                await self._renew()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the rows' sends stop once their leases run low
                log.warning("outbox leases not renewed: %s", type(error).__name__)

    async def _renew(self) -> None:
        started = time.time()
        known = list(self._leases)  # rows whose claim committed before the renewal began
        await outbox.renew(self.db, self.holder, lease_s=self.lease_s, now=started, ids=known)
        done = time.time()
        lost = 0
        for row_id in known:
            until = self._leases.get(row_id)
            if until is None:
                continue
            # A lease that ran out before the renewal was through may have been claimed
            # by another worker meanwhile: that row is no longer surely this one's.
            self._leases[row_id] = max(until, started + self.lease_s) if until > done else 0.0
            lost += until <= done
        if lost:
            log.warning("%d outbox leases ran out before their renewal: not sent here", lost)

    def _sure(self, row_id: int) -> bool:
        """The row is this worker's for at least SURE_SHARE of a lease more."""
        until = self._leases.get(row_id, 0.0)
        return time.time() < until - self.lease_s * SURE_SHARE

    async def _dispatch_due(self) -> int:
        claimed_at = time.time()
        rows = await outbox.claim(
            self.db,
            self.holder,
            lease_s=self.lease_s,
            now=claimed_at,
            limit=self.batch,
            exclude=self._in_flight,
        )
        for row in rows:
            self._leases[row.id] = claimed_at + self.lease_s
        try:
            return await self._dispatch(rows)
        finally:
            for row in rows:  # rows the round left stay claimed until their lease ends
                if row.id not in self._in_flight:
                    self._leases.pop(row.id, None)

    async def _dispatch(self, rows: list[Delivery]) -> int:
        if len(rows) < self.batch:
            self._expand_wanted.set()
        self._newest_claimed = max((row.queued_at for row in rows), default=0.0)
        # Shared database: the round's groups book their rows (replies book them too).
        await self.pacer.book_groups([(row.target, row.chat_type) for row in rows])
        dispatched = 0
        for row in rows:
            if self._stopping:
                break
            if not self.pacer.ready(row.target):  # a forum topic paces with its group
                continue  # the chat is paused or its slot is taken; later rounds get it
            if row.quiet_start and await self._hold_for_quiet_hours(row):
                continue
            await self._slots.acquire()
            try:
                ticket = await self.pacer.acquire(row.target, row.chat_type)
            except BaseException:
                self._slots.release()
                raise
            if not self._sure(row.id):
                # The claims run out (renewal stalled): another worker may take the rest.
                self.stats.unsure += 1
                self.pacer.answered(ticket)  # the slot went unused: not a send to wait for
                self._slots.release()
                break
            self._in_flight.add(row.id)
            task = asyncio.create_task(self._deliver(row, ticket))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            dispatched += 1
        self.pacer.forget_idle()
        return dispatched

    async def _expand(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._expand_wanted.wait(), CLAIM_S)
            wanted = self._expand_wanted.is_set()
            self._expand_wanted.clear()
            try:
                if not wanted:
                    # Claims are full, of rows queued after a story still being fanned
                    # out: its readers go first (rows are claimed oldest first).
                    since = await fanout.oldest(self.db)
                    if since is None or since >= self._newest_claimed:
                        continue
                queued = await fanout.expand(self.db, batch=self.db.fanout_batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("fan-out batch not queued; retrying in a second")
                await asyncio.sleep(1.0)
                self._expand_wanted.set()
                continue
            if queued is not None:
                self._wake.set()  # new rows to claim
            else:  # no fan-out (or another worker's): not a look every round
                await asyncio.sleep(CLAIM_S)

    async def _hold_for_quiet_hours(self, row: Delivery) -> bool:
        ends = quiet_until(
            row.quiet_start, row.quiet_end, row.timezone or self.timezone, self.clock()
        )
        if ends is None:
            return False
        await outbox.postpone_chat(self.db, row.chat_id, due_at=ends, error="quiet hours")
        return True

    async def _sleep_until_due(self) -> None:
        nxt = await outbox.next_due_at(self.db)
        wait = IDLE_WAIT_S if nxt is None else max(0.02, min(IDLE_WAIT_S, nxt - time.time()))
        if nxt is not None and nxt <= time.time():
            wait = 0.05  # due rows exist but their chats are paused: look again soon
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), wait)

    # -- one message -----------------------------------------------------------------

    async def _deliver(self, row: Delivery, ticket: Ticket) -> None:
        sent = False
        try:
            sent = await self._send(row, ticket)
        except Exception:
            log.exception("unexpected error delivering outbox row %s", row.id)
            metrics.RETRIED.labels("internal").inc()
            try:
                await outbox.mark_retry(
                    self.db,
                    row.id,
                    due_at=time.time() + backoff(row.attempts, self.backoff_base_s),
                    error="internal",
                )
            except Exception as error:  # the database is gone too: the lease brings it back
                log.warning("outbox row %s not rescheduled: %s", row.id, type(error).__name__)
        finally:
            if ticket.answered_at is None:  # nothing was sent, or it raised
                self.pacer.answered(ticket)
            if not sent:  # a sent row leaves them once _flush marks it
                self._in_flight.discard(row.id)
                self._leases.pop(row.id, None)
            self._slots.release()

    async def _send(self, row: Delivery, ticket: Ticket) -> bool:
        """True when Telegram accepted the message (the row is marked sent by _flush)."""
        article = await self._load_article(row.article_id)
        if article is None:
            await outbox.mark(self.db, row.id, outbox.SKIPPED, error="article deleted")
            return False
        if article.analysis is None:  # unreadable when stored (storage logged it)
            self.stats.failed += 1
            metrics.FAILED.labels("analysis unreadable").inc()
            await outbox.mark(self.db, row.id, outbox.FAILED, error="analysis unreadable")
            return False
        locale = i18n.resolve_locale(row.language, row.telegram_language, self.default_language)
        prepared = self._prepare(article, row, locale)
        await self.pacer.on_time(ticket)  # its slot, now: the request leaves next
        if not self._sure(row.id):
            # Its lease ran low while the send waited (the story loading, a busy machine,
            # a late renewal): another worker may have claimed the row. It stays claimed
            # here if nobody did, and a later round takes it again.
            self.stats.unsure += 1
            return False
        result = await self._send_story(row, prepared, ticket)
        # The chat's part (pause, blocked, gone, moved) is done by the sender; here the row's.
        if isinstance(result, Sent):
            self.stats.sent += 1
            metrics.SENT.inc()
            if row.queued_at:
                metrics.LATENCY.observe(max(0.0, time.time() - row.queued_at))
            self._sent_buffer.append((row.id, result.message_id))
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.create_task(self._flush_soon())
            return True
        if isinstance(result, Flood):
            self.stats.flood_waits += 1
            seconds = result.retry_after_s
            await outbox.postpone(
                self.db, row.id, due_at=time.time() + seconds, error=f"429 retry after {seconds}"
            )
        elif isinstance(result, Blocked | Gone):
            self.stats.blocked += 1
        elif isinstance(result, Rejected | MediaRefused):
            # Telegram rejected this message itself: retrying sends the same bytes.
            self.stats.failed += 1
            metrics.FAILED.labels(metrics.reason_label(result.reason)).inc()
            log.error("message for chat %s rejected: %s", row.chat_id, result.reason)
            await outbox.mark(self.db, row.id, outbox.FAILED, error=result.reason)
        elif isinstance(result, Transient):
            await self._retry(row, result.reason)
        # Migrated: the row moved with the chat and is due again under its new id.
        return False

    async def _send_story(self, row: Delivery, prepared: Prepared, ticket: Ticket) -> Result:
        """The story as prepared; a photo Telegram refuses (not fetched, no image) is
        sent again as the text message, and its URL remembered: the story's other
        readers get the text straight away. The refused request delivered nothing, so
        the text goes in the chat's same slot."""
        photo = prepared.photo

        async def send(body: bytes, method: str = SEND_MESSAGE) -> Result:
            return await self.sender.send_prepared(
                row.target,  # a forum topic's group, with the topic as thread_id
                body,
                reply_to=row.reply_to_message_id,
                method=method,
                ticket=ticket,
                thread_id=row.thread_id,
            )

        if photo is None:
            return await send(prepared.body)
        if photo in self._refused_photos:
            return await send(prepared.fallback)
        result = await send(prepared.body, SEND_PHOTO)
        if not isinstance(result, MediaRefused):
            return result
        log.info("photo of story %s refused (%s); sent as text", row.article_id, result.reason)
        metrics.PHOTOS_REFUSED.inc()
        if len(self._refused_photos) >= REFUSED_MAX:
            self._refused_photos.clear()
        self._refused_photos.add(photo)
        return await send(prepared.fallback)

    async def _retry(self, row: Delivery, error: str) -> None:
        kind = error.split(":", 1)[0]
        self.stats.by_error[kind] = self.stats.by_error.get(kind, 0) + 1
        if row.attempts + 1 >= self.max_attempts:
            self.stats.failed += 1
            metrics.FAILED.labels(metrics.reason_label(kind)).inc()
            await outbox.mark(self.db, row.id, outbox.FAILED, error=error)
        else:
            self.stats.retried += 1
            metrics.RETRIED.labels(metrics.reason_label(kind)).inc()
            due = time.time() + backoff(row.attempts, self.backoff_base_s)
            await outbox.mark_retry(self.db, row.id, due_at=due, error=error)

    async def _flush_soon(self) -> None:
        # Loop: rows sent while a flush is writing must not wait for the next send.
        while self._sent_buffer:
            await asyncio.sleep(FLUSH_S)
            try:
                await self._flush()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("sent rows not recorded yet (%s); again soon", type(error).__name__)
                await asyncio.sleep(FLUSH_RETRY_S)

    async def _flush(self) -> None:
        """Mark the sent rows. A failed write keeps them in flight and in the buffer for
        the next flush, their leases renewed: left pending and unclaimed here, they would
        be claimed and sent again."""
        if not self._sent_buffer:
            return
        batch, self._sent_buffer = self._sent_buffer, []
        try:
            # The chat stays held that long: no other worker sends to it sooner.
            await outbox.mark_sent(self.db, batch, hold_s=GROUP_INTERVAL_S)
        except BaseException:
            self._sent_buffer[:0] = batch
            raise
        for row_id, _ in batch:
            self._in_flight.discard(row_id)
            self._leases.pop(row_id, None)

    # -- rendering -------------------------------------------------------------------

    async def _load_article(self, article_id: int) -> Article | None:
        if article_id not in self._articles:
            if len(self._articles) > 256:
                self._articles.clear()
            self._articles[article_id] = await articles.get(self.db, article_id)
        return self._articles[article_id]

    def _prepare(self, article: Article, row: Delivery, locale: str) -> Prepared:
        """The encoded body, once per story variant (bot.sender_http): sendPhoto with the
        story as caption when it fits one, else sendMessage (with a large preview of
        the lead image when there is one)."""
        tz = row.timezone or self.timezone
        key: tuple[object, ...] = (article.id, locale, row.reason_kind, row.reason_value)
        key += (row.watch_id, row.is_update, tz)
        prepared = self._prepared.get(key)
        if prepared is None:
            if len(self._prepared) > PREPARED_MAX:
                self._prepared.clear()
            text, keyboard, photo, preview = self.render(article, row, locale)
            flags = {"disable_notification": row.is_update, "paid_broadcast": self.paid_broadcast}
            as_text = prepare(text, keyboard=keyboard, preview_image=preview, **flags)
            if photo is None:
                prepared = Prepared(as_text)
            else:
                body = prepare_photo(photo, text, keyboard=keyboard, **flags)
                prepared = Prepared(body, photo, fallback=as_text)
            self._prepared[key] = prepared
        return prepared

    def forget(self, article_id: int) -> None:
        """The story was edited or withdrawn: read and render it again."""
        self._articles.pop(article_id, None)
        self._prepared = {k: v for k, v in self._prepared.items() if k[0] != article_id}
        _render_cached.cache_clear()  # keyed by the article, whose analysis is not compared

    def render(self, article: Article, row: Delivery, locale: str) -> RenderedStory:
        """(text, keyboard, photo, preview image) a row gets; bot.corrections edits to it."""
        return _render_cached(
            article,
            locale,
            row.reason_kind,
            row.reason_value,
            row.watch_id,
            row.is_update,
            row.timezone or self.timezone,
            tuple(sorted(self.topic_names(locale).items())),
        )


@lru_cache(maxsize=1024)
def _render_cached(
    article: Article,
    locale: str,
    reason_kind: str,
    reason_value: str,
    watch_id: int | None,
    update: bool,
    tz: str,
    topic_names: tuple[tuple[str, str], ...],
) -> RenderedStory:
    # One story goes to thousands of readers in a handful of (locale, reason) variants.
    analysis = article.analysis
    if analysis is None:
        raise ValueError(f"article {article.id} has no analysis")
    reason = Reason(ReasonKind(reason_kind), reason_value, watch_id)
    rendered = render_story(
        article, analysis, locale, reason, tz=tz, topic_names=dict(topic_names), update=update
    )
    return rendered.text, markup(rendered.keyboard), rendered.photo, rendered.preview
