"""bot.tghtml: the strict Telegram-HTML parser the rendering tests rely on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tghtml import Entity, escape, parse, utf16_len


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("a😀б") == 4
    assert utf16_len("👍🏽") == 4  # emoji + skin-tone modifier, both astral


def test_escape_text_and_attributes() -> None:
    assert escape('<b> & "x"') == '&lt;b&gt; &amp; "x"'
    assert escape('<b> & "x"', quote=True) == "&lt;b&gt; &amp; &quot;x&quot;"


@settings(max_examples=150)
@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    plain, entities = parse(escape(text, quote=True))
    assert plain == text
    assert entities == []


def test_entities_with_utf16_offsets_and_nesting() -> None:
    plain, entities = parse('😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">l</a>')
    assert plain == "😀 bold both l"
    assert entities == [
        Entity("bold", 3, 9),
        Entity("italic", 8, 4),
        Entity("text_link", 13, 1, url="https://x.org/?a=1&b=2"),
    ]


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<strong>x</strong>", "bold"),
        ("<em>x</em>", "italic"),
        ("<ins>x</ins>", "underline"),
        ("<del>x</del>", "strikethrough"),
        ("<strike>x</strike>", "strikethrough"),
        ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"),
        ("<code>x</code>", "code"),
        ("<pre>x</pre>", "pre"),
        ("<blockquote>x</blockquote>", "blockquote"),
        ("<blockquote expandable>x</blockquote>", "expandable_blockquote"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "custom_emoji"),
    ],
)
def test_supported_tags(html: str, kind: str) -> None:
    plain, entities = parse(html)
    assert [e.type for e in entities] == [kind]
    assert entities[0].length == utf16_len(plain)


def test_references_are_decoded() -> None:
    assert parse("&lt;&gt;&amp;&quot;&#1071;&#x1F600;")[0] == '<>&"Я😀'


def test_pre_may_hold_a_language_code_block() -> None:
    _, entities = parse('<pre><code class="language-python">x = 1</code></pre>')
    assert [(e.type, e.language) for e in entities] == [("pre", None), ("code", "python")]


@pytest.mark.parametrize(
    "html",
    [
        "a < b",
        "a > b",
        "fish & chips",
        "&nbsp;",
        "&#0;",
        "&#xD800;",
        "<b>unclosed",
        "closed</b>",
        "<b><i>x</b></i>",
        "<br>",
        "<p>x</p>",
        "<span>x</span>",
        "<b",
        "<b>x</b",
        "<blockquote><blockquote>x</blockquote></blockquote>",
        '<a href="https://a.org"><a href="https://b.org">x</a></a>',
        "<code><b>x</b></code>",
        "<pre><b>x</b></pre>",
        "<tg-emoji>x</tg-emoji>",
    ],
)
def test_rejects_what_telegram_rejects(html: str) -> None:
    with pytest.raises(ValueError):
        parse(html)


# A random well-formed message: (html, plain, [(type, start, end)]) built bottom-up.
Node = tuple[str, str, list[tuple[str, int, int]]]
INLINE = {
    "b": "bold",
    "i": "italic",
    "u": "underline",
    "s": "strikethrough",
    "tg-spoiler": "spoiler",
}


def _text_node(text: str) -> Node:
    return escape(text), text, []


def _concat(children: list[Node]) -> Node:
    html, plain, spans = "", "", []
    for child_html, child_plain, child_spans in children:
        shift = utf16_len(plain)
        spans += [(kind, start + shift, end + shift) for kind, start, end in child_spans]
        html, plain = html + child_html, plain + child_plain
    return html, plain, spans


def _wrap(tag: str, child: Node) -> Node:
    html, plain, spans = child
    return f"<{tag}>{html}</{tag}>", plain, [(INLINE[tag], 0, utf16_len(plain)), *spans]


nodes = st.recursive(
    st.text(max_size=8).map(_text_node),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(_concat),
        st.tuples(st.sampled_from(sorted(INLINE)), inner).map(lambda p: _wrap(*p)),
    ),
    max_leaves=12,
)


@settings(max_examples=150)
@given(nodes)
def test_well_formed_markup_parses_to_its_text_and_spans(node: Node) -> None:
    html, text, spans = node
    plain, entities = parse(html)
    assert plain == text
    got = sorted((e.type, e.offset, e.offset + e.length) for e in entities)
    assert got == sorted(spans)
    for entity in entities:
        assert 0 <= entity.offset <= entity.offset + entity.length <= utf16_len(plain)
