"""Every third-party package the bot's code imports is declared in pyproject.toml.

A package that only arrives as another one's dependency disappears when that one drops
it (charset-normalizer came with requests/trafilatura and was imported by bot.ingest.decode
without being declared)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_CODE = ["bot", "handlers", "storage", "main.py"]
FIRST_PARTY = {"bot", "handlers", "storage", "main", "benchmarks", "tests"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for spec in project["dependencies"]:
        names.add(_normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]))
    return names


def _imported_top_levels() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for entry in RUNTIME_CODE:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], file)
    return found


def test_every_imported_package_is_declared() -> None:
    distributions = packages_distributions()
    declared = _declared()
    missing = []
    for top, file in sorted(_imported_top_levels().items()):
        if top in sys.stdlib_module_names or top in FIRST_PARTY:
            continue
        owners = {_normal(d) for d in distributions.get(top, [])}
        assert owners, f"{top} (imported in {file.relative_to(ROOT)}) is not installed"
        if not owners & declared:
            missing.append(f"{top} from {sorted(owners)} in {file.relative_to(ROOT)}")
    assert not missing, "imported but not declared in pyproject.toml: " + "; ".join(missing)


def test_every_dependency_has_a_version_range() -> None:
    """A lower bound for the API the code uses, an upper one against the next major."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for spec in project["dependencies"]:
        assert ">=" in spec and re.search(r"<(?!=)", spec), spec
