"""Telegram's own HTML parser (tdlib's parse_html, ../shared/tools/tdparse) as a test oracle.

`oracle()` starts the compiled parser once per process; tests that need it skip with a
reason when ../shared is absent and fail under CI=true (tests/shared_data.py).
`fuzz_inputs(seed, count)` generates Telegram-HTML-like inputs, well-formed and broken.
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
from collections.abc import Iterable
from typing import Any

from bot.sandbox.html import HtmlError, parse_tdlib
from tests.shared_data import SHARED, require

TDPARSE = SHARED / "tools" / "tdparse"
CASES = TDPARSE / "tdlib_cases.json"

Result = dict[str, Any]  # {"ok": True, "text", "entities": [(kind, offset, length, arg)]}
_oracle: Any = None


def oracle() -> Any:
    """The shared TdParse instance (its wrapper, ../shared/tools/tdparse/tdparse.py)."""
    global _oracle
    if _oracle is None:
        path = require(TDPARSE / "tdparse.py")
        spec = importlib.util.spec_from_file_location("tdparse", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _oracle = module.TdParse(require(TDPARSE / "tdparse"))
    return _oracle


def tdlib_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(require(CASES).read_text(encoding="utf-8"))
    return cases


def parse_many(sources: Iterable[str]) -> list[Result]:
    """Run many inputs through the compiled parser in one process call (a batch)."""
    data = [s.encode("utf-8", "surrogatepass") for s in sources]
    stream = b"".join(f"{len(d)}\n".encode() + d for d in data)
    exe = require(TDPARSE / "tdparse")
    lines = subprocess.run(
        [str(exe)], input=stream, capture_output=True, check=True, timeout=120
    ).stdout.splitlines()
    assert len(lines) == len(data)
    return [_decode(json.loads(line)) for line in lines]


def _decode(reply: dict[str, Any]) -> Result:
    # The same decoding as the wrapper's TdParse.parse.
    if not reply["ok"]:
        return {"ok": False, "error": bytes.fromhex(reply["error_hex"]).decode("utf-8", "replace")}
    return {
        "ok": True,
        "text": bytes.fromhex(reply["text_hex"]).decode("utf-8", "surrogatepass"),
        "entities": [
            (kind, offset, length, bytes.fromhex(arg).decode("utf-8", "replace"))
            for kind, offset, length, arg in reply["entities"]
        ],
    }


def sandbox_result(source: str) -> Result:
    """The sandbox parser's answer in the oracle's shape."""
    try:
        text, entities = parse_tdlib(source)
    except HtmlError as exc:
        return {"ok": False, "error": _lossy(str(exc))}
    return {
        "ok": True,
        "text": text,
        "entities": [(kind, offset, length, _lossy(arg)) for kind, offset, length, arg in entities],
    }


def _lossy(text: str) -> str:
    # The oracle's error texts and arguments went through UTF-8 with "replace".
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# --- the fuzz generator -------------------------------------------------------------

_TAGS = [
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span",
    "a", "code", "pre", "blockquote", "tg-emoji", "tg-time", "B", "EM", "Pre", "A",
    "p", "br", "br/", "b,", "div", "tg", "x-y", "", "\u0431",
]  # fmt: skip
_ATTRS = [
    "href", "HREF", "class", "emoji-id", "expandable", "unix", "format", "id", "x",
    "data-a", "=", "/", "'", "\u00e9",
]  # fmt: skip
_VALUES = [
    "https://telegram.org/a?b=1&amp;c=2#f", "http://localhost/", "telegram.org",
    "HTTP://Example.COM:0080/Path", "tg://user?id=123456", "tg:user?id=0",
    "tg://resolve?domain=news_bot", "ton://x", "tonsite://a.b", "ftp://x.org",
    "mailto:a@b.c", "http://[::1]:8080/", "http://[zz]/", "http://a.b:99999/",
    "https://user:pw@a.b/", "javascript:alert(1)", "//a.b", "http://a%2fb.c/",
    "http://a b.c/ x ", "https://xn--80ak6aa92e.com", "https://пример.укр/шлях",
    "tg-spoiler", "tg-spoil", "TG-SPOILER", "language-python", "language-", "language-C++",
    "5368324170671202286", "0", "-5", "05", "9223372036854775808", "12345", "-1",
    "r", "R", "wDT", "td", "x", "", "1&lt;2", "&quot;", "a&#xD800;b", "&#128512;",
]  # fmt: skip
_REFS = [
    "&lt;", "&gt;", "&amp;", "&quot;", "&lt", "&ltx;", "&LT;", "&nbsp;", "&laquo;", "&#65;",
    "&#x41;", "&#X41;", "&#x1F600;", "&#128512;", "&#xD800;", "&#xDFFF;", "&#57311;",
    "&#xD83D;&#xDE00;", "&#0;", "&#x10FFFF;", "&#x10FFFE;", "&#1114111;", "&#12345678;",
    "&#x;", "&#;", "&", "&&", "&#xFFFFFFFFFF;", "&#000000065;", "&#0000065;",
]  # fmt: skip
_TEXT = [
    "hello", "Привіт, світе", "😀", "👍🏽", "🇺🇦", "e\u0301", "\u200b", "a\u00a0b", "中文",
    "\ud800", "\udfff", "x", " ", "\n", "\t", "\v", "\f", "\r\n", "\0", ">", "<", "'", '"',
    "=", "/", "tg://user?id=42", "telegram.org", "http://x.y/?q=<",
]  # fmt: skip
_SPACES = [" ", "  ", "\t", "\n", "\v", "\f", "\0", "\u00a0", "\r"]


_GOOD_TAGS = _TAGS[:17]
_GOOD_ATTRS = {
    "a": ["href"], "code": ["class"], "span": ["class"], "tg-emoji": ["emoji-id"],
    "blockquote": ["expandable"], "tg-time": ["unix", "format"],
}  # fmt: skip


class _Gen:
    """One input's generator; `mess` is the chance of each broken choice."""

    def __init__(self, rng: random.Random, mess: float) -> None:
        self.rng, self.mess = rng, mess

    def broken(self) -> bool:
        return self.rng.random() < self.mess

    def attribute(self, tag: str) -> str:
        rng = self.rng
        names = _GOOD_ATTRS.get(tag, ["x"])
        name = rng.choice(_ATTRS) if self.broken() else rng.choice(names)
        if name == "expandable" and rng.random() < 0.5:
            return name
        value = rng.choice(_VALUES)
        space = rng.choice(_SPACES) if self.broken() else ""
        form = rng.random()
        if self.broken():
            return rng.choice([name, f'{name} = "{value}', f"{name}={value}", f"{name}=/{value}"])
        if form < 0.6:
            return f'{name}{space}="{value}"'
        if form < 0.8:
            return f"{name}='{value}'"
        return f"{name}={rng.choice(['x', 'tg-spoiler', 'ABC.d-e', '1700000000', 'r'])}"

    def tag(self) -> tuple[str, str]:
        rng = self.rng
        tag = rng.choice(_TAGS) if self.broken() else rng.choice(_GOOD_TAGS)
        low = tag.lower()
        count = rng.randrange(3) if low in _GOOD_ATTRS else int(self.broken())
        attrs = "".join(rng.choice(" \t\n") + self.attribute(low) for _ in range(count))
        if low == "span" and not self.broken():
            attrs += rng.choice([' class="tg-spoiler"', " class=TG-SPOILER"])
        if low == "tg-emoji" and not self.broken():
            attrs += f' emoji-id="{rng.choice(["5368324170671202286", "1", "-7"])}"'
        if low == "tg-time" and not self.broken():
            attrs += f" unix={rng.choice(['1700000000', '0', '-3', '99999999999'])}"
        tail = rng.choice(["/>", "", " >", "\v>", "\f>", "\0>"]) if self.broken() else ">"
        close = f"</{rng.choice([tag, tag.upper(), ''])}>"
        if self.broken():
            close = rng.choice(["</b>", f"</{tag} x>", f"</{tag}", "</", f"</ {tag}>", ""])
        return f"<{tag}{attrs}{tail}", close

    def piece(self, depth: int) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return rng.choice(_TEXT) if self.broken() else rng.choice(_TEXT[:10])
        if roll < 0.45:
            return rng.choice(_REFS) if self.broken() else rng.choice(_REFS[:4] + _REFS[9:14])
        if roll < 0.5 and self.broken():
            return rng.choice(["<", ">", "</", "<>", "< b>", "<b", "<a href=", "<!-- c -->"])
        if depth > 3:
            return rng.choice(_TEXT[:10])
        if roll < 0.55:
            lang = rng.choice(["python", "", "C++", "x&amp;y"])
            return f'<pre><code class="language-{lang}">{self.piece(4)}</code></pre>'
        if roll < 0.62:
            url = random_url(rng)
            if rng.random() < 0.3:
                return f"<a>{url.replace('&', '&amp;').replace('<', '&lt;')}</a>"
            href = url.replace("&", "&amp;").replace('"', "&quot;")
            return f'<a href="{href}">{self.piece(4)}</a>'
        start, close = self.tag()
        inner = "".join(self.piece(depth + 1) for _ in range(rng.randrange(4)))
        return start + inner + close


_SCHEMES = ["http://", "https://", "HTTPS://", "", "", "tg://", "tg:", "ton://", "tonsite://",
            "ftp://", "javascript:", " http://", "http:/", "tg:http://"]  # fmt: skip
_HOSTS = ["telegram.org", "localhost", "a.b", "Example.COM", "xn--p1ai.xn--j1amh", "пример.укр",
          "127.0.0.1", "[::1]", "[2001:db8::7]", "[::ffff:1.2.3.4]", "[zz]", "[::1", "a_b.c",
          "a%2Fb.c", "a%zz.c", "a%2.c", "a b.c", "a\\b.c", ".", "", "user", "resolve", "a.b.",
          "*.x.y", "a,b;c.d", "a:b.c"]  # fmt: skip
_TAILS = ["", "/", "/path", "/a b", "?q=1&r=2", "#frag", "/?", "/x?y#z", "?domain=bot", " ",
          "/\t", "/%20", "//", "?id=5", "/тест"]  # fmt: skip


def random_url(rng: random.Random) -> str:
    """A URL from parts that Telegram keeps, rewrites or drops."""
    userinfo = rng.choice(["", "", "", "user@", "u:p@", "@", "a@b@"])
    port = rng.choice(["", "", "", ":80", ":0080", ":0", ":65535", ":65536", ":", ":x", ":-1"])
    if rng.random() < 0.15:
        return rng.choice(["tg://user?id=", "tg:user?id=", "TG://USER/?ID="]) + rng.choice(
            ["1", "0", "1099511627775", "1099511627776", "-1", "01", "x", "5&id=6", "7#x"]
        )
    return rng.choice(_SCHEMES) + userinfo + rng.choice(_HOSTS) + port + rng.choice(_TAILS)


def fuzz_inputs(seed: int, count: int) -> list[str]:
    """`count` inputs from a seeded generator: the same seed gives the same list.

    A third are clean markup (only the text and URLs vary), the rest break it more and
    more often: unknown tags, bad attributes, references, surrogates, odd whitespace."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        gen = _Gen(rng, rng.choice([0.0, 0.02, 0.08, 0.25]))
        out.append("".join(gen.piece(0) for _ in range(rng.randrange(1, 6))))
    return out
