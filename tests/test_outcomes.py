"""bot.outcomes: what each Telegram error means (delivery and digests both act on it;
tests/test_delivery.py checks they act the same)."""

from __future__ import annotations

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.outcomes import (
    Blocked,
    Flood,
    Gone,
    MediaRefused,
    Migrated,
    Outcome,
    Rejected,
    Transient,
    classify,
)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RetryAfter(7), Flood(7.0)),
        (ChatMigrated(-1001), Migrated(-1001)),
        (Forbidden("Forbidden: bot was blocked by the user"), Blocked),
        (Forbidden("Forbidden: bot was kicked from the group chat"), Blocked),
        (Forbidden("Forbidden: user is deactivated"), Gone),
        (BadRequest("Bad Request: chat not found"), Gone),
        (BadRequest("Bad Request: can't parse entities: unclosed tag"), Rejected),
        (BadRequest("Bad Request: message is too long"), Rejected),
        (BadRequest("Bad Request: message caption is too long"), Rejected),
        # The photo, not the message: the story can still go as text.
        (BadRequest("Bad Request: wrong type of the web page content"), MediaRefused),
        (BadRequest("Bad Request: failed to get HTTP URL content"), MediaRefused),
        (BadRequest("Bad Request: wrong file identifier/HTTP URL specified"), MediaRefused),
        (BadRequest("Bad Request: IMAGE_PROCESS_FAILED"), MediaRefused),
        (BadRequest("Bad Request: PHOTO_INVALID_DIMENSIONS"), MediaRefused),
        (TimedOut(), Transient),
        (NetworkError("Bad Gateway"), Transient),
        (Conflict("terminated by other getUpdates request"), Transient),
    ],
)
def test_classify(error: TelegramError, expected: Outcome | type) -> None:
    found = classify(error)
    if isinstance(expected, type):
        assert type(found) is expected
    else:
        assert found == expected


def test_transient_keeps_the_kind_of_error() -> None:
    found = classify(TimedOut())
    assert isinstance(found, Transient) and found.reason.startswith("TimedOut:")
