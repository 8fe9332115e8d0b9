"""The layers, read from the imports themselves (ast), so the design holds as the code
grows: no import cycles; bot.news, bot.render and bot.outcomes pure; storage imports
nothing from bot but domain types; handlers reach storage only through services; no
module over 600 lines; handlers never touch the database (`.db`).

Every import counts, wherever it is written: at the top, inside a function (a
deferred import still ties the modules together) or under `if TYPE_CHECKING:`.
`from package import name` depends on the package's __init__ unless `name` is a
submodule, so a package whose __init__ imports a module that imports names back from
that __init__ is a cycle too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")
MAX_LINES = 600
# Libraries that talk to the outside world (network, database, Telegram, processes).
# Parsers are fine (urllib.parse, html, trafilatura's extraction from a string).
IO_LIBRARIES = (
    "aiohttp",
    "aiosqlite",
    "asyncio",
    "feedparser",
    "http.client",
    "http.server",
    "httpx",
    "requests",
    "shutil",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "telegram",
    "urllib.request",
)
DOMAIN = frozenset({"bot", "bot.domain"})  # what storage may import from bot


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if ".venv" not in path.parts:
                found[module_name(path)] = path
    return found


def _absolute(module: str | None, level: int, importer: str, is_package: bool) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str) -> Iterator[str]:
    """Every module `name` imports (project modules resolved, others as written)."""
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node.module, node.level, name, is_package)
            names = [alias.name for alias in node.names]
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules()]
            yield from submodules
            if len(submodules) < len(names):  # names defined in the module (or __init__)
                yield target


def project_imports(name: str) -> set[str]:
    return {target for target in imports_of(name) if target in modules() and target != name}


def top_level(target: str) -> str:
    return target.split(".")[0]


def does_io(target: str, allowed: tuple[str, ...] = ()) -> bool:
    return any(
        in_package(target, library) and not any(in_package(target, a) for a in allowed)
        for library in IO_LIBRARIES
    )


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    graph = {name: sorted(project_imports(name)) for name in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_reader_sees_every_kind_of_import() -> None:
    # The guard itself: these imports exist, written in each of the three ways.
    assert "bot.services" in project_imports("handlers.common")  # top-level
    assert "telegram.error" in set(imports_of("bot.outcomes"))  # a library
    assert "bot.news" in project_imports("bot.topics")  # `from package import name`


def test_no_import_cycles() -> None:
    assert cycles() == []


def test_bot_news_is_pure() -> None:
    bad = {
        (name, target)
        for name in modules()
        if in_package(name, "bot.news")
        for target in imports_of(name)
        if does_io(target)
        or top_level(target) in ("storage", "handlers")
        or (
            top_level(target) == "bot"
            and not in_package(target, "bot.news")
            and target not in DOMAIN
        )
    }
    assert bad == set()


@pytest.mark.parametrize("package", ["bot.render", "bot.outcomes", "bot.search.query"])
def test_pure_modules_do_no_io(package: str) -> None:
    # bot.outcomes reads Telegram's error classes, nothing else of it.
    allowed = ("telegram.error",) if package == "bot.outcomes" else ()
    bad = {
        (name, target)
        for name in modules()
        if in_package(name, package)
        for target in imports_of(name)
        if does_io(target, allowed) or top_level(target) in ("storage", "handlers")
    }
    assert bad == set()


def test_render_does_not_import_telegram() -> None:
    bad = {
        (name, target)
        for name in modules()
        if in_package(name, "bot.render")
        for target in imports_of(name)
        if top_level(target) == "telegram"
    }
    assert bad == set()


def test_storage_imports_nothing_from_bot_but_domain_types() -> None:
    bad = {
        (name, target)
        for name in modules()
        if in_package(name, "storage")
        for target in imports_of(name)
        if top_level(target) in ("bot", "handlers") and target not in DOMAIN
    }
    assert bad == set()


def test_handlers_do_not_import_storage() -> None:
    bad = {
        (name, target)
        for name in modules()
        if in_package(name, "handlers")
        for target in imports_of(name)
        if top_level(target) == "storage"
    }
    assert bad == set()


def database_uses(name: str) -> list[int]:
    """Lines where a module reaches for a `.db` (the services' database, or any)."""
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "db"
    )


def test_the_database_reader_sees_a_database_use() -> None:
    # The guard itself: services hold the database (and close it), so it is seen there.
    assert database_uses("bot.services")


def test_handlers_never_touch_the_database() -> None:
    # Handlers call the services on bot.services.Services; none hands them the database.
    bad = {
        name: lines
        for name in modules()
        if in_package(name, "handlers") and (lines := database_uses(name))
    }
    assert bad == {}


def test_nothing_imports_the_app_but_entry_points() -> None:
    entry_points = {"bot.app", "bot.harness"}
    bad = {
        name
        for name in modules()
        if name not in entry_points and "bot.app" in project_imports(name)
    }
    assert bad == set()


def test_no_module_over_600_lines() -> None:
    paths = [*modules().values(), ROOT / "main.py"]
    paths += sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "benchmarks").glob("*.py"))
    long = {
        str(path.relative_to(ROOT)): count
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
