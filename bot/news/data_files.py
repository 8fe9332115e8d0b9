"""Read the TOML files in bot/news/data once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """Parsed bot/news/data/<name>.toml (cached: data files never change at run time)."""
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)
