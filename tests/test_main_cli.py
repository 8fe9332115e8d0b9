"""main.py as a user runs it: the demo and the terminal sandbox, as real processes."""

from __future__ import annotations

import subprocess

from tests.main_command import ROOT, run_main
from tests.shared_data import SEED, require


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_main(*args, env=None, timeout=120, stdin=stdin)


def test_demo_prints_the_story_the_subscriber_received() -> None:
    done = run("demo")
    assert done.returncode == 0, done.stderr
    first_line = (ROOT / "bot/data/sample_story.txt").read_text(encoding="utf-8").splitlines()[0]
    assert f"<b>{first_line}</b>" in done.stdout
    assert "<blockquote>" in done.stdout
    # the admin's side: the preview with its buttons, the tap, the confirmation
    assert "(the preview)" in done.stdout and "[✅ Опублікувати]" in done.stdout
    assert "── the admin taps [✅ Опублікувати]" in done.stdout
    assert "Опубліковано як новину №1" in done.stdout
    # README shows this very output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- demo-output -->\n```\n", 1)[1].split("\n```\n<!-- /demo-output -->")[
        0
    ]
    assert shown == done.stdout.rstrip("\n"), (
        "README's demo block is not the demo's output: paste `python main.py demo` there"
    )


def test_demo_on_the_seed_in_english() -> None:
    seed = require(SEED)
    done = run("demo", "--article", str(seed), "--language", "en")
    assert done.returncode == 0, done.stderr
    story = done.stdout.split("── message 3")[1]
    headline = seed.read_text(encoding="utf-8").splitlines()[0]
    assert headline.replace('"', "&quot;") in story or headline in story
    assert story.count("— Нед Прайс") == 2
    assert "US–Russia security talks" in story and "Reading time" in story
    assert "Related video" not in story and "Fullscreen" not in story


def test_demo_refuses_a_missing_article() -> None:
    done = run("demo", "--article", "/nonexistent/story.txt")
    assert done.returncode == 2 and "no such file" in done.stderr


def test_terminal_sandbox_talks_to_the_bot() -> None:
    done = run("sandbox", "--language", "en", stdin="/topics\n/press 2\n/mysubs\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "unsub:nato" in done.stdout  # the button changed in place after the press
    assert "You follow 1 topic" in done.stdout
