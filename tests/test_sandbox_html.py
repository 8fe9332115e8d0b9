"""The sandbox parses HTML as Telegram does: tdlib's own cases, its compiled parser, fuzzing.

The reference is tdlib's parse_html compiled in ../shared/tools/tdparse (its README); the
tests that run it skip with a reason when ../shared is absent and fail under CI=true.
bot.tghtml's stricter checker must refuse everything Telegram refuses.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from bot import tghtml
from bot.sandbox.html import HtmlError, parse_html, utf16_len
from tests.tdparse_oracle import (
    fuzz_inputs,
    oracle,
    parse_many,
    sandbox_result,
    tdlib_cases,
)

FUZZ_SEED = 20261201
FUZZ_COUNT = 6000


def _expected(case: dict[str, Any]) -> dict[str, Any]:
    """A tdlib_cases.json case in the oracle's shape."""
    if "error" in case:
        return {"ok": False, "error": case["error"]}
    entities = []
    for entity in case["entities"]:
        arg = entity.get("arg", "")
        date = re.fullmatch(r"td::FormattedDate\{(-?\d+), (\d+)\}", arg)
        if date:
            arg = f"{date[1]}/{date[2]}"
        entities.append((entity["type"], entity["offset"], entity["length"], arg))
    return {"ok": True, "text": case["text"], "entities": entities}


def _differences(sources: list[str], references: list[dict[str, Any]]) -> list[str]:
    return [
        f"{source!r}\n  sandbox {mine}\n  tdlib   {ref}"
        for source, ref in zip(sources, references, strict=True)
        if (mine := sandbox_result(source)) != ref
    ]


def test_tdlib_cases_give_tdlibs_expected_results() -> None:
    cases = tdlib_cases()
    assert len(cases) == 89
    wrong = _differences([c["html"] for c in cases], [_expected(c) for c in cases])
    assert not wrong, "\n".join(wrong)


def test_tdlib_cases_agree_with_the_compiled_parser() -> None:
    cases = tdlib_cases()
    td = oracle()
    references = [td.parse(case["html"]) for case in cases]
    # The oracle itself gives tdlib's expected results, so it is the right binary.
    assert references == [_expected(case) for case in cases]
    wrong = _differences([c["html"] for c in cases], references)
    assert not wrong, "\n".join(wrong)


def test_seeded_fuzz_agrees_with_the_compiled_parser() -> None:
    sources = fuzz_inputs(FUZZ_SEED, FUZZ_COUNT)
    references = parse_many(sources)
    wrong = _differences(sources, references)
    assert not wrong, f"{len(wrong)} of {len(sources)} differ:\n" + "\n".join(wrong[:5])
    # The generator reaches both outcomes, every entity kind and most of tdlib's errors.
    accepted = [r for r in references if r["ok"]]
    assert 0.3 < len(accepted) / len(sources) < 0.9
    kinds = Counter(e[0] for r in accepted for e in r["entities"])
    assert min(kinds[k] for k in _ALL_KINDS) >= 10, kinds
    errors = {re.sub(r"\d+|\".*?\"", "", r["error"]) for r in references if not r["ok"]}
    assert len(errors) >= 12, errors


_ALL_KINDS = (
    "Bold", "Italic", "Underline", "Strikethrough", "Spoiler", "Code", "Pre", "PreCode",
    "TextUrl", "MentionName", "CustomEmoji", "BlockQuote", "ExpandableBlockQuote",
    "FormattedDate",
)  # fmt: skip


def test_fuzz_inputs_repeat_with_a_seed() -> None:
    assert fuzz_inputs(7, 50) == fuzz_inputs(7, 50)
    assert fuzz_inputs(7, 50) != fuzz_inputs(8, 50)


def test_tghtml_refuses_everything_telegram_refuses() -> None:
    sources = [c["html"] for c in tdlib_cases()] + fuzz_inputs(FUZZ_SEED, FUZZ_COUNT)
    references = parse_many(sources)
    leaks, other_text, accepted = [], [], 0
    for source, ref in zip(sources, references, strict=True):
        try:
            text, entities = tghtml.parse(source)
        except ValueError:
            continue
        accepted += 1
        if not ref["ok"]:
            leaks.append(f"{source!r}: Telegram says {ref['error']}")
        elif text != ref["text"] or len(entities) < len(ref["entities"]):
            # Same text (so the same length), and never fewer entities (a safe count).
            other_text.append(f"{source!r}: {text!r} {entities} vs {ref}")
    assert not leaks, "\n".join(leaks[:10])
    assert not other_text, "\n".join(other_text[:10])
    assert accepted > 500  # the comparison covered real markup, not only errors


# --- Telegram's behaviour, one rule at a time (no ../shared needed) -----------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("&#xD800;", "check for unmatched surrogate code units"),
        ("a&#57311;b", "check for unmatched surrogate code units"),
        ("&#xD83D;&#xDE00;", "check for unmatched surrogate code units"),  # a pair, split
        ("<b>x</ b>", "Unclosed end tag at byte offset 4"),
        ("<b,>x</b,>", 'Unsupported start tag "b," at byte offset 0'),
        ("<b\f>x</b>", 'Unsupported start tag "b\f" at byte offset 0'),
        ("<a href=http://x.org/>x</a>", "Unexpected end of name token at byte offset 8"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("ї<p>x</p>", 'Unsupported start tag "p" at byte offset 2'),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ('<span CLASS="tg-spoiler">x</span>', 'must have class "tg-spoiler"'),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<b ", 'Empty attribute name in the tag "b"'),
        ('<tg-emoji emoji-id="05">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ('<tg-time unix="5" format="x">x</tg-time>', "Invalid date format used"),
    ],
)
def test_refused_like_telegram(source: str, message: str) -> None:
    with pytest.raises(HtmlError, match=re.escape(message)):
        parse_html(source)


def test_lone_surrogate_reference_refused_by_the_sandbox_with_telegrams_prefix() -> None:
    from bot.sandbox import validate

    with pytest.raises(Exception, match="can't parse entities: Text contains invalid Unicode"):
        validate.message_text("x &#xD800;", "HTML")


def test_references_decode_as_telegram_does() -> None:
    assert parse_html("&lt &gt&amp;x &quot").text == '< >&x "'
    assert parse_html("R&D &nbsp; &#X41; &#x41 &#1114111; &LT;").text == (
        "R&D &nbsp; &#X41; A &#1114111; &LT;"
    )


def test_unquoted_values_are_lower_cased_name_tokens() -> None:
    parsed = parse_html("<span class=TG-SPOILER>x</span><code class=language-PY>y</code>")
    assert [e["type"] for e in parsed.entities] == ["spoiler", "code"]


def test_tg_time_is_a_date_time_entity() -> None:
    parsed = parse_html('<tg-time unix="1700000000" format="wDt">at noon</tg-time>')
    assert parsed.entities == [
        {"type": "date_time", "offset": 0, "length": 7, "unix_time": 1700000000,
         "date_time_format": "wDt"}
    ]  # fmt: skip
    assert parse_html('<tg-time unix="0">x</tg-time>').entities == []


def test_links_as_telegram_keeps_them() -> None:
    def links(source: str) -> list[str]:
        return [e.get("url", e["type"]) for e in parse_html(source).entities]

    assert links('<a href="http://localhost/">x</a>') == []  # no dot: dropped
    assert links('<a href="ftp://x.org/">x</a>') == []  # other schemes: dropped
    assert links("<a>x</a>") == []  # no href: the text is the URL, here not one
    assert links("<a>telegram.org</a>") == ["http://telegram.org/"]
    assert links('<a href="HTTPS://X.Org:0443/a b">x</a>') == ["https://x.org:443/a%20b"]
    assert links('<a href="tg://resolve?domain=bot">x</a>') == ["tg://resolve?domain=bot"]
    assert links('<a href="http://[::1]/">x</a>') == ["http://[::1]/"]
    mention = parse_html('<a href="tg://user?id=42">x</a>').entities
    assert mention[0]["type"] == "text_mention" and mention[0]["user"]["id"] == 42


def test_pre_and_code_merge_only_with_a_language() -> None:
    with_language = parse_html('<pre><code class="language-python">x</code></pre>')
    assert with_language.entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "python"}
    ]
    without = parse_html("<pre><code>x</code></pre>")
    assert [e["type"] for e in without.entities] == ["pre", "code"]
    plain_code = parse_html('<code class="language-python">x</code>')
    assert plain_code.entities == [{"type": "code", "offset": 0, "length": 1}]


def test_entities_use_utf16_offsets_and_telegrams_order() -> None:
    parsed = parse_html(
        "😀 <b>жирний</b> &lt;&#128512;&gt; <a href='https://x.ua/?a=1&amp;b=2'>л</a>"
        "<i><b>z</b></i>"
    )
    assert parsed.text == "😀 жирний <😀> лz"
    bold, link, italic, inner_bold = parsed.entities
    assert (bold["type"], bold["offset"], bold["length"]) == ("bold", 3, 6)
    assert link == {"type": "text_link", "offset": 15, "length": 1, "url": "https://x.ua/?a=1&b=2"}
    # Same span: bold (priority 90) before italic (91), whatever the nesting.
    assert (italic["type"], inner_bold["type"]) == ("bold", "italic")
    assert utf16_len(parsed.text) == parsed.length == 17


def test_empty_entities_vanish_and_end_tag_names_may_be_omitted() -> None:
    parsed = parse_html("<b></b><i>x</><tg-emoji emoji-id='x'></tg-emoji>")
    assert parsed.entities == [{"type": "italic", "offset": 0, "length": 1}]


def test_supported_tags_parse() -> None:
    source = (
        "<strong>a</strong><em>b</em><ins>c</ins><del>d</del><strike>e</strike>"
        '<span class="tg-spoiler">f</span><tg-spoiler>g</tg-spoiler><code>h</code>'
        "<blockquote expandable>i</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    types = [e["type"] for e in parse_html(source).entities]
    assert types == [
        "bold", "italic", "underline", "strikethrough", "strikethrough",
        "spoiler", "spoiler", "code", "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip


def test_tghtml_refuses_what_telegram_reads_differently() -> None:
    for source in (
        "<b\f>x</b>",
        "<a href=x.org>x</a>",
        "&#X41;",
        "&lt",
        "a\ud800",
        '<tg-emoji emoji-id="05">x</tg-emoji>',
        '<span CLASS="tg-spoiler">x</span>',
    ):
        with pytest.raises(ValueError):
            tghtml.parse(source)


# --- the length rule: UTF-16 code units of the parsed text ---------------------------


@pytest.mark.parametrize(
    ("body", "fits"),
    [
        ("😀" * 2048, True),  # 4096 units
        ("😀" * 2048 + "x", False),  # 4097 units
        ("x" * 4095 + "😀", False),  # 4096 code points but 4097 UTF-16 units
        ("<b>" + "x" * 4096 + "</b>", True),  # markup does not count
        ("<b>" + "x" * 4096 + "</b>y", False),
        ("&lt;" * 4096, True),  # a reference counts as the character it stands for
        ("&lt;" * 4097, False),
        ("&#128512;" * 2048, True),
        ("&#128512;" * 2048 + "&amp;", False),
    ],
)
def test_text_limit_is_4096_utf16_units_after_parsing(body: str, fits: bool) -> None:
    from bot.sandbox import validate
    from bot.sandbox.errors import ApiError

    if fits:
        assert validate.message_text(body, "HTML").length == 4096
    else:
        with pytest.raises(ApiError, match=r"^Bad Request: message is too long$"):
            validate.message_text(body, "HTML")


@pytest.mark.parametrize(
    ("body", "fits"),
    [
        ("😀" * 512, True),
        ("😀" * 512 + "x", False),
        ("x" * 1023 + "😀", False),
        ("<i>" + "x" * 1024 + "</i>", True),
        ("&amp;" * 1025, False),
    ],
)
def test_caption_limit_is_1024_utf16_units_after_parsing(body: str, fits: bool) -> None:
    from bot.sandbox import validate
    from bot.sandbox.errors import ApiError

    if fits:
        assert validate.caption_text(body, "HTML").length == 1024
    else:
        with pytest.raises(ApiError, match=r"^Bad Request: message caption is too long$"):
            validate.caption_text(body, "HTML")


def test_limits_are_the_ones_the_renderer_uses() -> None:
    from bot.sandbox import validate

    assert (validate.TEXT_LIMIT, validate.CAPTION_LIMIT, validate.ENTITY_LIMIT) == (
        tghtml.MAX_TEXT,
        tghtml.MAX_CAPTION,
        tghtml.MAX_ENTITIES,
    )
