"""What a failed Telegram send means: one pure classifier for every sender (delivery,
digests), so a blocked, deleted or migrated chat is treated the same wherever it shows.

classify(error) looks only at the exception; what to do about it is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

# BadRequest texts that mean the chat itself is gone (not this message's fault).
GONE_ERRORS = ("chat not found", "user is deactivated", "bot was kicked", "chat was deleted")
# BadRequest texts that blame the photo, not the message: Telegram could not fetch the
# URL, it was no image, or the image is one it cannot use. The text alone may still go.
MEDIA_ERRORS = (
    "wrong type of the web page content",
    "failed to get http url content",
    "wrong file identifier/http url specified",
    "wrong remote file identifier specified",
    "wrong padding in the string",
    "image_process_failed",
    "photo_invalid_dimensions",
    "photo_save_file_invalid",
    "photo_ext_invalid",
    "photo_invalid",
    "photo_content_type_invalid",
    "photo_content_url_empty",
    "webpage_curl_failed",
    "webpage_media_empty",
    "media_empty",
    "file is too big",
)


@dataclass(frozen=True, slots=True)
class Flood:
    """429: wait `retry_after_s` before sending to this chat again."""

    retry_after_s: float


@dataclass(frozen=True, slots=True)
class Blocked:
    """403: the reader blocked the bot, or it was removed from the group."""

    reason: str


@dataclass(frozen=True, slots=True)
class Gone:
    """The chat no longer exists (deleted, deactivated account, never known)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Migrated:
    """The group became a supergroup with a new id."""

    new_chat_id: int


@dataclass(frozen=True, slots=True)
class Rejected:
    """Telegram refused this message itself: sending the same bytes again cannot help."""

    reason: str


@dataclass(frozen=True, slots=True)
class MediaRefused:
    """Telegram refused this message's photo (not fetched, not an image, unusable): the
    same story without it can still be sent."""

    reason: str


@dataclass(frozen=True, slots=True)
class Transient:
    """Network trouble, a timeout or a 5xx: the same message may go through later."""

    reason: str


Outcome = Flood | Blocked | Gone | Migrated | MediaRefused | Rejected | Transient
CHAT_ENDED = (Blocked, Gone, Migrated)  # the chat's state changes, not only this message


def retry_seconds(retry_after: object) -> float:
    """RetryAfter.retry_after is a timedelta (PTB_TIMEDELTA) or seconds."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]


def classify(error: TelegramError) -> Outcome:
    # BadRequest is a NetworkError: it must be sorted before the Transient default.
    if isinstance(error, RetryAfter):
        return Flood(retry_seconds(error.retry_after))
    if isinstance(error, ChatMigrated):
        return Migrated(int(error.new_chat_id))
    if isinstance(error, Forbidden):
        if "deactivated" in error.message.lower():
            return Gone(error.message)
        return Blocked(error.message)
    if isinstance(error, BadRequest):
        message = error.message.lower()
        if any(reason in message for reason in GONE_ERRORS):
            return Gone(error.message)
        if any(reason in message for reason in MEDIA_ERRORS):
            return MediaRefused(error.message)
        return Rejected(error.message)
    return Transient(f"{type(error).__name__}: {error.message}")
