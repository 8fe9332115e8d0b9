"""Property tests: whatever the story text, rendered messages are valid Telegram HTML
within the limits, and short content comes through verbatim."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Reason, ReasonKind
from bot.news.model import Quote
from bot.render import DigestItem, render_digest, render_full_text, render_story
from bot.render.blocks import NAME_MAX
from bot.render.text import one_line, paragraphs, trim
from bot.tghtml import utf16_len
from tests.test_render_support import analysis, article, callback_data, check_message, entity_text

SNIPPETS = [
    "<b>",
    "</blockquote>",
    "&amp;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "😀",
    "👨‍👩‍👧",
    "🇺🇦",
    "e\u0301",
    "\n",
    "\n\n",
    ". ",
    "! ",
    " ",
    "\u202e",
    "\x00",
    "\r",
    "&#x1F600;",
    '<a href="x">',
    "—",
    "Кремль",
]
piece = st.one_of(st.text(max_size=20), st.sampled_from(SNIPPETS))
short_text = st.lists(piece, max_size=8).map("".join)
huge_text = st.builds(
    lambda s, n: s * n, st.lists(piece, min_size=1, max_size=4).map("".join), st.integers(50, 800)
)
any_text = st.one_of(short_text, short_text, huge_text)
quote = st.builds(Quote, any_text, st.one_of(short_text, huge_text))
reason = st.one_of(
    st.builds(Reason, st.just(ReasonKind.TOPIC), any_text),
    st.builds(Reason, st.just(ReasonKind.KEYWORD), any_text, st.integers(0, 10**12)),
    st.just(Reason(ReasonKind.REQUESTED)),
)
many_quotes = st.one_of(
    st.lists(quote, max_size=6),
    st.builds(lambda q, n: [q] * n, quote, st.integers(50, 300)),  # hundreds of quotes
)
heavy = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@heavy
@given(
    title=any_text,
    source=st.one_of(st.none(), any_text),
    url=st.one_of(st.none(), st.just('https://x.org/a?b=1&c="2"'), any_text),
    summary=st.lists(any_text, max_size=5),
    quotes=many_quotes,
    reason=reason,
    topic_name=any_text,
    locale=st.sampled_from(["uk", "en"]),
    update=st.booleans(),
    words=st.integers(0, 10**6),
)
def test_story_is_always_valid(
    title: str,
    source: str | None,
    url: str | None,
    summary: list[str],
    quotes: list[Quote],
    reason: Reason,
    topic_name: str,
    locale: str,
    update: bool,
    words: int,
) -> None:
    rendered = render_story(
        article(title=title, source=source, url=url, text=title),
        analysis(summary=tuple(summary), quotes=tuple(quotes), word_count=words),
        locale,
        reason,
        tz="Europe/Kyiv",
        topic_names={reason.value: topic_name},
        update=update,
    )
    plain, entities = check_message(rendered.text)
    assert len(callback_data(rendered.keyboard)) >= 2

    blockquotes = [entity_text(plain, e) for e in entities if e.type == "blockquote"]
    assert len(blockquotes) <= len([q for q in quotes if one_line(q.text)])
    # short content is never trimmed: title, summary and quotes come through verbatim
    if utf16_len(title + "".join(summary)) < 300 and all(
        utf16_len(q.text + q.speaker) < 300 and utf16_len(one_line(q.speaker)) <= NAME_MAX
        for q in quotes[:5]
    ):
        assert one_line(title) in plain
        assert " ".join(s for s in map(one_line, summary) if s) in plain
        expected = [
            one_line(q.text) + (f"\n— {one_line(q.speaker)}" if one_line(q.speaker) else "")
            for q in quotes
            if one_line(q.text)
        ][:5]
        assert blockquotes == expected


@heavy
@given(
    title=short_text,
    body=st.lists(st.one_of(short_text, huge_text), max_size=12).map("\n\n".join),
    locale=st.sampled_from(["uk", "en"]),
)
def test_full_text_is_split_into_valid_messages_and_loses_nothing(
    title: str, body: str, locale: str
) -> None:
    messages = render_full_text(article(title=title, text=body), locale)
    texts = [check_message(m)[0] for m in messages]
    if len(texts) > 1:  # drop the "(n/total)" page marks
        for n, text in enumerate(texts, start=1):
            _head, _, mark = text.rpartition("\n\n")
            assert mark == f"({n}/{len(texts)})"
        texts = [t.rpartition("\n\n")[0] for t in texts]
    got = "".join("".join(t.split()) for t in texts)
    shown_title = one_line(title) or ("Без заголовка" if locale == "uk" else "Untitled story")
    expected = "".join(shown_title.split()) + "".join("".join(p.split()) for p in paragraphs(body))
    assert got == expected


@settings(max_examples=25, deadline=None)
@given(
    items=st.lists(st.tuples(any_text, st.lists(any_text, max_size=2)), min_size=1, max_size=120),
    locale=st.sampled_from(["uk", "en"]),
)
def test_digest_messages_are_valid_and_keep_every_story(
    items: list[tuple[str, list[str]]], locale: str
) -> None:
    digest = [
        DigestItem(article(title=title, article_id=i), analysis(summary=tuple(summary)))
        for i, (title, summary) in enumerate(items)
    ]
    messages = render_digest(digest, locale, "Europe/Kyiv")
    plain = [check_message(m)[0] for m in messages]
    assert plain[0].startswith("📰 ")
    # every story block starts "<n>. "; titles and summaries are single lines
    firsts = [block.split("\n", 1)[0] for text in plain for block in text.split("\n\n")]
    numbers = [line.split(". ", 1)[0] for line in firsts[1:]]
    assert numbers == [str(n) for n in range(1, len(items) + 1)]


@settings(max_examples=200)
@given(text=any_text, limit=st.integers(1, 600))
def test_trim_fits_and_keeps_a_prefix(text: str, limit: int) -> None:
    cut = trim(text, limit)
    assert utf16_len(cut) <= limit
    if cut == text:
        return
    assert cut.endswith("…")
    head = cut.removesuffix("…").removesuffix(" ").rstrip()
    assert text.startswith(head)
