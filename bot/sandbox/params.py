"""Request parameters as Telegram reads them: form fields, multipart or a JSON body.

python-telegram-bot posts every value as a form field, JSON-encoding anything that
is not a string, so typed readers here decode on demand and accept both shapes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file sent by the bot in a multipart request (or injected by a test)."""

    content: bytes
    file_name: str
    mime_type: str


class Params:
    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self.values = dict(values)
        self.uploads = dict(uploads)

    def __contains__(self, name: str) -> bool:
        return name in self.values and self.values[name] is not None

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1")

    def obj(self, name: str, label: str | None = None) -> Any:
        """A nested object: JSON text inside a form field, or already decoded. `label`:
        how Telegram's error names it ("link preview options")."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {label or name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            # "@username" targets are channels; the sandbox has none.
            raise bad_request("chat not found") from None
