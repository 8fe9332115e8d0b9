"""The snippet's window: one pass with running counts picks the window the plain
definition picks (for every match, count what follows it within reach; keep the first
with the most distinct lemmas, then the most matches)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search import snippet as snippets
from bot.search.snippet import LEAD, WIDTH, Snippet, best_window, matches, snippet

Found = list[tuple[int, int, str]]


def window_by_definition(found: Found, reach: int) -> int:
    best, best_score = 0, (-1, -1)
    for i, (start, _, _) in enumerate(found):
        inside = [lem for _, end, lem in found[i:] if end <= start + reach]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = i, score
    return best


@st.composite
def match_lists(draw: st.DrawFn) -> Found:
    """Matches as the finder yields them: starts rising; ends usually rising too, but a
    token found inside a longer one (С.Ш.А. → А, 1,5 → 5) may end first."""
    gaps = draw(st.lists(st.integers(0, 120), min_size=1, max_size=40))
    found: Found = []
    start = 0
    for gap in gaps:
        start += gap + (1 if found else 0)
        length = draw(st.integers(1, 30) | st.sampled_from([1, 2, 200]))
        found.append((start, start + length, draw(st.sampled_from("абвгд"))))
    return found


@settings(max_examples=600, deadline=None)
@given(match_lists(), st.sampled_from([0, 1, 40, WIDTH - LEAD, 400]))
def test_sliding_window_picks_the_window_of_the_definition(found: Found, reach: int) -> None:
    assert best_window(found, reach) == window_by_definition(found, reach)


def test_window_where_a_nested_token_ends_before_the_one_ahead_of_it() -> None:
    # "С.Ш.А." and the "А" inside it: the second match ends before the first.
    found = [(0, 6, "сша"), (4, 5, "а"), (30, 31, "а"), (60, 62, "б")]
    for reach in (5, 6, 30, 31, 61, 62):
        assert best_window(found, reach) == window_by_definition(found, reach)


def snippet_by_definition(text: str, language: str, lemmas: frozenset[str]) -> Snippet:
    text = " ".join(text.split())
    found = matches(text, language, lemmas)
    if len(text) <= WIDTH:
        return Snippet(text, tuple((s, e) for s, e, _ in found))
    if not found:
        return snippets._cut(text, 0, WIDTH, ())
    start = max(0, found[window_by_definition(found, WIDTH - LEAD)][0] - LEAD)
    return snippets._cut(text, start, start + WIDTH, found)


WORDS = [
    "ракета",
    "ракети",
    "ракетами",
    "Ракетний",
    "удар",
    "ударів",
    "місто",
    "містом",
    "С.Ш.А.",
    "США",
    "1,5",
    "5",
    "вночі",
    "сили",
    "оборони",
    "пів-року",
    "п'ять",
    "новини",
    "дрон",
    "дронами",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=120),
    st.lists(st.sampled_from(["ракета", "удар", "місто", "сша", "5", "дрон", "а"]), max_size=4),
)
def test_snippet_is_the_snippet_of_the_definition(words: list[str], query: list[str]) -> None:
    text = " ".join(words)
    lemmas = frozenset(query)
    assert snippet(text, "uk", lemmas) == snippet_by_definition(text, "uk", lemmas)
