"""Logging set-up. The bot token must never reach a log line or a traceback, nor the
password of a DATABASE_URL (any user:password@ in a URL is masked).

httpx and PTB put it in request URLs, and PTB's InvalidToken quotes it in the exception
text, which reaches the output through `exc_info` and the traceback — after any filter
has run. So the formatter redacts the finished text (message, traceback and stack
together), and uncaught exceptions are printed through the same redaction.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType
from urllib.parse import quote

from storage.db import mask_url

MASK = "[token]"


class Redactor:
    """Every spelling of the secret that can reach text: as is, URL-quoted, and its
    part after the colon alone (the part that is the secret)."""

    def __init__(self, secret: str, *others: str) -> None:
        forms = {secret, quote(secret, safe=""), secret.partition(":")[2]} if secret else set()
        forms.update(other for other in others if other)  # the webhook secret, ...
        # Longest first, so the whole token goes before its tail.
        self.forms = sorted((f for f in forms if len(f) >= 8), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if "@" in text:
            text = mask_url(text)
        for form in self.forms:
            if form in text:
                text = text.replace(form, MASK)
        return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, secret: str, fmt: str | None = None, *others: str) -> None:
        super().__init__(fmt)
        self.redact = Redactor(secret, *others)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class RedactToken(logging.Filter):
    """Kept for handlers other code adds: cleans the message before formatting."""

    def __init__(self, secret: str, *others: str) -> None:
        super().__init__()
        self.redact = Redactor(secret, *others)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def format_exception(error: BaseException, secret: str) -> str:
    """A traceback as text with the token masked."""
    return Redactor(secret)("".join(traceback.format_exception(error)))


def _excepthooks(secret: str, *others: str) -> None:
    redact = Redactor(secret, *others)

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redact("".join(traceback.format_exception(kind, error, tb))))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


class _Drop(logging.Filter):
    def __init__(self, kind: type[BaseException]) -> None:
        super().__init__()
        self.kind = kind

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.kind))


def reported_elsewhere(kind: type[BaseException]) -> None:
    """Log records carrying this exception are dropped: the caller prints its own line
    for it (a rejected token: one clear line, not a library's retry traceback)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(_Drop(kind))


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup(level: str, secret: str, *others: str) -> None:
    """Log at `level` with `secret` (the token) and `others` (the webhook secret) masked."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secret, FORMAT, *others))
    handler.addFilter(RedactToken(secret, *others))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    _excepthooks(secret, *others)
    # httpx logs every request URL at INFO, token included: keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
