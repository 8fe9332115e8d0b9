"""The one place every request of the reply bot passes (its rate limiter), used for
two guarantees no handler has to remember:

- a reply always fits: text over Telegram's 4096 UTF-16 units is shortened (HTML that
  would not fit goes out as shortened plain text) instead of failing after the work it
  confirms was already done;
- which callback queries were answered, so that a button no handler answered still
  gets a short alert (bot.updates asks after each update).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from bot import tghtml
from bot.render.text import trim

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
REMEMBERED = 10_000  # callback ids kept: far more than are in flight at once


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
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
