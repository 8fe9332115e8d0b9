"""How incoming updates are taken in: journaled first, then handled concurrently across
chats and in order within one chat.

- At least once: `JournalQueue.put` stores each update (storage.updates) before
  python-telegram-bot confirms it to Telegram with the next getUpdates; the processor
  marks it handled once every handler (or the error handler) ran. On start-up the
  updates stored but never marked are handled again; update_id keeps a redelivered one
  from being handled twice. A store that fails is retried (backing off) before the put
  returns, so nothing unstored is confirmed; a replay is counted before it starts, and
  one replayed MAX_ATTEMPTS times (a poison update) is marked failed instead.
- Concurrency: a slow admin command (a URL fetch, a feed's first poll) no longer holds
  every other reader's updates: only updates of the same chat wait for each other.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor

from bot import metrics
from bot.inputs import strip_surrogates
from storage import updates as journal_rows
from storage.db import Database

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 256


class UpdateJournal:
    """The storage side; `db` is set in post_init, before polling starts.

    Each update is claimed by this process (`holder`) for `lease_s` when stored; a
    redelivery is taken only when no live lease holds it, so several processes behind
    one webhook handle each update once. `live` are the ids queued here and not done."""

    def __init__(self, holder: str = "local", lease_s: float = 120.0) -> None:
        self.db: Database | None = None
        self.holder = holder
        self.lease_s = lease_s
        self.live: set[int] = set()

    async def store(self, update: Update) -> bool:
        """True when this process is to handle the update (stored now, or a redelivery
        of one nobody else is handling and nobody handled)."""
        if self.db is None:
            return True
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        now = time.time()
        owned = await journal_rows.store(
            self.db, update.update_id, payload, now=now, holder=self.holder, lease_s=self.lease_s
        ) or await journal_rows.claim(
            self.db, update.update_id, self.holder, now=now, lease_s=self.lease_s
        )
        if owned:
            self.live.add(update.update_id)
        return owned

    async def handled(self, update: Update) -> bool:
        return self.db is not None and await journal_rows.handled(self.db, update.update_id)

    async def done(self, update: Update) -> None:
        self.live.discard(update.update_id)
        if self.db is not None:
            await journal_rows.mark_handled(self.db, update.update_id, now=time.time())

    async def pending(
        self,
        bot: Bot,
        on_failed: Callable[[Update], Awaitable[None]] | None = None,
        *,
        steal: bool = False,
    ) -> list[Update]:
        """Updates stored and never handled whose lease ran out (an earlier run's, or a
        dead process's; with steal every one: start-up on SQLite), oldest first, each
        claimed and its replay counted. One replayed MAX_ATTEMPTS times already (it took
        the process down each time) is marked failed instead, logged once and passed to
        on_failed."""
        if self.db is None:
            return []
        now = time.time()
        await journal_rows.prune(self.db, now=now)
        if self.live:  # still queued here: keep them ours
            await journal_rows.renew(
                self.db, self.holder, sorted(self.live), now=now, lease_s=self.lease_s
            )
        rows = await journal_rows.claim_unhandled(
            self.db, self.holder, now=now, lease_s=self.lease_s, steal=steal
        )
        found = []
        for update_id, payload, attempts in rows:
            if update_id in self.live:
                continue
            try:
                update = Update.de_json(json.loads(payload), bot)
            except (ValueError, TypeError, KeyError) as error:
                log.warning("stored update %s cannot be read back: %s", update_id, error)
                await journal_rows.mark_handled(self.db, update_id, now=time.time())
                continue
            if attempts >= journal_rows.MAX_ATTEMPTS:
                await journal_rows.mark_failed(self.db, update_id, now=time.time())
                # Only the id and count: the payload is a user's message.
                log.error(
                    "update %s was replayed %s times and never finished; marked failed",
                    update_id,
                    attempts,
                )
                if on_failed is not None:
                    await self._tell_failed(on_failed, update)
                continue
            await journal_rows.count_attempt(self.db, update_id)
            self.live.add(update_id)
            found.append(update)
        return found

    async def _tell_failed(
        self, on_failed: Callable[[Update], Awaitable[None]], update: Update
    ) -> None:
        try:
            await on_failed(update)
        except Exception as error:  # the chat may be gone; start-up goes on regardless
            log.info(
                "could not tell the chat of update %s: %s", update.update_id, type(error).__name__
            )


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return strip_surrogates(value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_surrogates(v) for k, v in value.items()}
    return value


def clean_update(update: Update) -> Update:
    """The update without lone surrogates (they cannot be stored as UTF-8; a user can
    send one through the Bot API's JSON). Entity offsets count UTF-16 units, which a
    lone surrogate takes too: such an update loses its entities' exactness, not its text."""
    raw = update.to_dict()
    cleaned = _without_surrogates(raw)
    if cleaned == raw:
        return update
    return Update.de_json(cleaned, update.get_bot())


STORE_RETRY_FIRST_S = 0.5
STORE_RETRY_MAX_S = 30.0


class JournalQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored before it is queued.

    python-telegram-bot confirms a batch to Telegram only after every put of it returned,
    so a store that fails (disk full, database read-only) is retried here, backing off,
    until it works: the update is neither confirmed nor handled unstored, and the batch
    keeps its order. An exception would instead end the polling task for good."""

    def __init__(
        self,
        journal: UpdateJournal,
        *,
        retry_first_s: float = STORE_RETRY_FIRST_S,
        retry_max_s: float = STORE_RETRY_MAX_S,
    ) -> None:
        super().__init__()
        self.journal = journal
        self.retry_first_s = retry_first_s
        self.retry_max_s = retry_max_s
        self.store_failures = 0  # since start-up; read by tests and the hostile benchmark

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            item = clean_update(item)
            if not await self._store(item):
                return  # handled already, or another process is handling it
        await super().put(item)

    async def _store(self, update: Update) -> bool:
        delay = self.retry_first_s
        failing = False
        while True:
            try:
                owned = await self.journal.store(update)
            except (sqlite3.Error, OSError) as error:
                self.store_failures += 1
                if not failing:  # one line per outage, not one per retry
                    log.error(
                        "cannot store update %s (%s: %s); not confirming it, retrying",
                        update.update_id,
                        type(error).__name__,
                        error,
                    )
                    failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            if failing:
                log.warning("update %s stored after a failed attempt", update.update_id)
            return owned


def _chat_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        return ("update", update.update_id)
    return ("other", id(update))


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats at once (up to MAX_CONCURRENT_UPDATES), one chat in order;
    skips updates already handled, marks the others handled when they were."""

    def __init__(
        self,
        journal: UpdateJournal,
        max_concurrent: int = MAX_CONCURRENT_UPDATES,
        *,
        answered: Callable[[str], bool] | None = None,
        on_unanswered: Callable[[Update], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(max_concurrent)
        self.journal = journal
        # Every button press gets an answer: one no handler answered gets on_unanswered.
        self.answered = answered
        self.on_unanswered = on_unanswered
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: Counter[object] = Counter()
        self.in_flight = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        self.in_flight += 1
        try:
            async with lock:
                if isinstance(update, Update) and await self.journal.handled(update):
                    close = getattr(coroutine, "close", None)
                    if close is not None:
                        close()
                    return
                await coroutine  # every handler, and the error handler, run inside
                if isinstance(update, Update):
                    await self._answer_forgotten(update)
                    await self.journal.done(update)
                    metrics.UPDATES.inc()
        finally:
            self.in_flight -= 1
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                self._locks.pop(key, None)

    async def _answer_forgotten(self, update: Update) -> None:
        query = update.callback_query
        if query is None or self.answered is None or self.on_unanswered is None:
            return
        if self.answered(query.id):
            return
        try:
            await self.on_unanswered(update)
        except Exception as error:  # the query may be too old to answer by now
            log.info("could not answer button %s: %s", query.id, type(error).__name__)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
