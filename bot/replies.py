"""The one place every request of the reply bot passes (its rate limiter), used for
guarantees no handler has to remember:

- a reply always fits: text over Telegram's 4096 UTF-16 units is shortened (HTML that
  would not fit goes out as shortened plain text) instead of failing after the work it
  confirms was already done;
- which callback queries were answered, so that a button no handler answered still
  gets a short alert (bot.updates asks after each update);
- with several processes on one database (`shared`), every send takes a permit of the
  budget the delivery workers share, and a group's a slot on the group's row
  (ReplySlots), so replies and broadcasts of all processes together keep Telegram's
  global rate and a group's 20 a minute;
- in one process (`local`), every send takes its slot from the in-process delivery's
  own pacer (LocalSlots), ahead of the broadcast: one budget for the global rate and
  for each chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from bot import tghtml
from bot.cluster import FREE_SCHEDULE, SEND_SCHEDULE, group_schedule
from bot.config import FREE_SEND_RATE
from bot.pacing import GROUP_INTERVAL_S, LATE_MAX_S, Pacer, SharedPermits, Ticket
from bot.render.text import trim

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
REMEMBERED = 10_000  # callback ids kept: far more than are in flight at once
REBOOK = 3  # a slot already past when the database answered is booked again, so often


def is_send(endpoint: str) -> bool:
    """Methods that post or change a message: Telegram counts them in its flood limits.
    Getters, answerCallbackQuery, chat actions, deletions are not sends."""
    if endpoint == "sendChatAction":
        return False
    return endpoint.startswith(("send", "edit", "copyMessage", "forwardMessage")) or (
        endpoint == "stopPoll"
    )


class ReplySlots:
    """One reply's share of what every process on the database shares: a permit of
    the global send budget the delivery workers take theirs from (bot.pacing
    SharedPermits, counted until a second after its answer), and for a group's or
    channel's reply first a slot on the group's own schedule (GROUP_INTERVAL_S apart,
    storage.leases.reserve_slots). With paid broadcasts the workers' sends skip
    Telegram's free 30/s, which then counts the replies alone: they take a permit of
    the free budget as well. On an idle budget each costs one round trip."""

    def __init__(
        self,
        reserve: Callable[[str, float, float], Awaitable[float]],
        takers: Callable[[str], Callable[[int, int, int, float], Awaitable[int]]],
        rate_per_s: float,
        *,
        paid: bool = False,
        group_interval_s: float = GROUP_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reserve = reserve  # (schedule, interval_s, not before) → the slot's wall time
        self.clock = clock
        self.group_interval = group_interval_s
        # One permit a take: a reply goes at once, not after a batch's worth.
        self.budgets = [SharedPermits(takers(SEND_SCHEDULE), rate_per_s, batch=1)]
        if paid:
            self.budgets.insert(0, SharedPermits(takers(FREE_SCHEDULE), FREE_SEND_RATE, batch=1))

    async def wait(self, chat_id: object) -> Callable[[], None]:
        """Until this send's slot and permits have come; returns what to call on its
        answer. The group's slot first: it may lie seconds ahead, and a permit taken
        before it would be held unused."""
        group = _group_of(chat_id)
        if group is not None:
            await self._take(group_schedule(group), self.group_interval)
        tickets: list[tuple[SharedPermits, Ticket]] = []
        for budget in self.budgets:
            ticket = Ticket(budget.clock())
            await budget.acquire(ticket)
            tickets.append((budget, ticket))
        for budget, ticket in tickets:
            await budget.leave(ticket)

        def answered() -> None:
            for budget, ticket in tickets:
                ticket.answered_at = budget.clock()

        return answered

    async def _take(self, name: str, interval: float) -> None:
        """Book a slot and wait for it. One that has passed by more than LATE_MAX_S when
        the database answered or the sleep ended (a busy machine) is given up and the
        next booked, so late replies never bunch; after REBOOK tries the reply goes."""
        lead = 0.0
        for _ in range(REBOOK):
            asked = self.clock()
            slot = await self.reserve(name, interval, asked + lead)
            delay = slot - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.clock() - slot <= LATE_MAX_S:
                return
            if delay < -LATE_MAX_S:  # the answer itself came late: book as far ahead
                lead = self.clock() - asked


class LocalSlots:
    """One process's replies on the pacer of its in-process delivery (Pacer.acquire_first):
    the replies and the broadcast share one global rate and each chat's interval, and
    a reply takes the next free slot ahead of the broadcast. With paid broadcasts the
    stories skip Telegram's free 30/s, which the replies keep alone (a pacer of their
    own at that rate, as the free schedule does on a shared database)."""

    def __init__(self, pacer: Pacer, *, paid: bool = False) -> None:
        self.pacer = pacer
        self.free = Pacer(FREE_SEND_RATE) if paid else None

    async def wait(self, chat_id: object, endpoint: str) -> Callable[[], None]:
        """Until this send's slots have come; returns what to call on its answer."""
        group = _group_of(chat_id)
        key: int | str | None = None
        if group is not None:
            key = int(group) if group.lstrip("-").isdigit() else group
        elif chat_id is not None:
            key = int(str(chat_id))
        chat_type = "private" if group is None else "group"
        # Telegram counts an edit in a private chat in the global rate only.
        per_chat = not (endpoint.startswith("edit") and chat_type == "private")
        tickets: list[tuple[Pacer, Ticket]] = []
        if self.free is not None:
            tickets.append((self.free, await self.free.acquire_first(None, chat_type)))
        tickets.append(
            (self.pacer, await self.pacer.acquire_first(key, chat_type, per_chat=per_chat))
        )

        def answered() -> None:
            for pacer, ticket in tickets:
                pacer.answered(ticket)

        return answered


def _group_of(chat_id: object) -> str | None:
    """A group's, supergroup's or channel's id (negative, or a channel's @username);
    None for a private chat or no chat (an inline message)."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        return chat_id
    if isinstance(chat_id, int | str) and int(chat_id) < 0:
        return str(int(chat_id))
    return None


def fit(data: dict[str, Any], field: str, limit: int) -> None:
    text = data.get(field)
    if not isinstance(text, str):
        return
    if str(data.get("parse_mode") or "").upper() == "HTML":
        try:
            plain, _entities = tghtml.parse(text)
        except ValueError:
            return  # not ours to repair: Telegram's error says what is wrong
        if tghtml.utf16_len(plain) <= limit:
            return
        data[field] = trim(plain, limit)
        data.pop("parse_mode", None)
    elif tghtml.utf16_len(text) > limit:
        data[field] = trim(text, limit)


class ReplyLimiter(AIORateLimiter):
    def __init__(self, *, max_retries: int) -> None:
        super().__init__(max_retries=max_retries)
        self._answered: OrderedDict[str, None] = OrderedDict()
        self.shared: ReplySlots | None = None  # set while the database is shared
        self.local: LocalSlots | None = None  # else: the in-process delivery's pacer
        self._booking_failed = False

    def answered(self, query_id: str) -> bool:
        return query_id in self._answered

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[Any]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[Any]:
        if endpoint == "answerCallbackQuery" and data.get("callback_query_id"):
            self._answered[str(data["callback_query_id"])] = None
            while len(self._answered) > REMEMBERED:
                self._answered.popitem(last=False)
        elif endpoint in ("sendMessage", "editMessageText"):
            fit(data, "text", TEXT_LIMIT)
        elif endpoint in ("sendPhoto", "sendDocument", "editMessageCaption"):
            fit(data, "caption", CAPTION_LIMIT)
        if self.shared is not None and is_send(endpoint):
            booked = await self._book(self.shared, data.get("chat_id"))
            if booked is not None:
                callback = _noting(callback, booked)
        elif self.local is not None and is_send(endpoint):
            answered = await self.local.wait(data.get("chat_id"), endpoint)
            callback = _noting(callback, answered)
        # The local limits stay (looser than the shared ones, they rarely wait) and so
        # does the retry after a 429; a retried send is not booked again.
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _book(self, shared: ReplySlots, chat_id: object) -> Callable[[], None] | None:
        try:
            answered = await shared.wait(chat_id)
        except Exception as error:
            # The reply still goes, paced by this process's own limits only.
            if not self._booking_failed:
                log.warning(
                    "reply slots not booked (%s): replies paced in this process alone "
                    "until the database answers",
                    type(error).__name__,
                )
            self._booking_failed = True
            return None
        if self._booking_failed:
            log.info("reply slots booked on the shared schedule again")
            self._booking_failed = False
        return answered


def _noting(
    callback: Callable[..., Coroutine[Any, Any, Any]], answered: Callable[[], None]
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """The request, telling the pacer when each try's answer is in (a retry after a
    429 is a request too: its answer moves the time on)."""

    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        finally:
            answered()

    return call
