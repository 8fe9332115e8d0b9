"""The Document a quote extraction works on: the text, its quoted spans and who the
text names where; a lone surname looked up among the full names given in it."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from bot.news.quotes.lexicon import capitalized, grams_of
from bot.news.quotes.names import (
    form_keys,
    gender_of_name,
    letter_apart,
    name_keys,
    near_spelling,
    plain,
    same_name,
    spelling_key,
    to_nominative,
)
from bot.news.quotes.spans import Token, tokenize_between


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    # person | org | pronoun | role | qualified (a role one of several people hold) |
    # unsure (a name, but not certainly the speaker's: a misspelling, two names, 'a Lavrov
    # aide') | unnamed (attributed to nobody certain)
    kind: str
    gender: str | None = None  # masc | femn | plur | None when unknown


@dataclass(slots=True)
class Mention:
    start: int
    name: str
    gender: str | None
    subject: bool  # nominative: could be what a later pronoun refers to
    shown: bool = False  # a quote's speaker, placed where its attribution ends


@dataclass(slots=True)
class Document:
    text: str
    language: str
    quoted: list[tuple[int, int]]
    full_names: dict[str, list[tuple[int, str]]] = field(
        default_factory=dict
    )  # surname → (pos, full)
    roles: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, role, full name)
    posts: dict[str, str] = field(default_factory=dict)  # full name → its role as written
    mentions: list[Mention] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)  # name → gender of its verbs
    cursor: int = 0  # position of the quote being attributed (for same-surname people)
    # full names by name_keys() of their surname and first name (see resolve_surname)
    name_index: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    spellings: dict[str, set[str]] = field(default_factory=dict)  # spelling_key → full names
    _starts: list[int] = field(default_factory=list)
    _reach: list[int] = field(default_factory=list)  # the furthest close among spans so far

    def __post_init__(self) -> None:
        spans = sorted(self.quoted)
        self._starts = [a for a, _ in spans]
        reach = -1
        for _, b in spans:
            reach = max(reach, b)
            self._reach.append(reach)

    def inside_quote(self, pos: int) -> bool:
        """Strictly inside one of the quoted spans (a bisect, not a scan per token)."""
        i = bisect_left(self._starts, pos) - 1
        return i >= 0 and self._reach[i] > pos

    def outside_tokens(self) -> list[Token]:
        """The text's tokens (in text order) not inside_quote(): only the stretches between
        the quoted ones are tokenized (a quote mark or a line end bounds each span, and no
        word runs across one, so the tokens are those of the whole text)."""
        if not self._starts:
            return tokenize_between(self.text, 0, len(self.text))
        out: list[Token] = []
        done = 0  # the text before this position is tokenized
        lo_span, hi_span = self._starts[0], self._reach[0]
        for a, b in zip(self._starts[1:], self._reach[1:], strict=True):
            if a < hi_span:  # overlaps the stretch so far (open intervals)
                hi_span = max(hi_span, b)
                continue
            out.extend(tokenize_between(self.text, done, lo_span))
            done = max(done, hi_span)
            lo_span, hi_span = a, b
        out.extend(tokenize_between(self.text, done, lo_span))
        done = max(done, hi_span)
        out.extend(tokenize_between(self.text, done, len(self.text)))
        return out

    def add_full_name(self, at: int, full: str) -> None:
        parts = full.split()
        self.full_names.setdefault(parts[-1].lower(), []).append((at, full))
        keys = name_keys(parts[-1]) | (name_keys(parts[0]) if len(parts) > 1 else frozenset())
        for key in keys:
            self.name_index.setdefault(key, []).append((at, full))
        self.spellings.setdefault(spelling_key(parts[-1]), set()).add(full)


def name_gender(name: str, doc: Document) -> str | None:
    """The name's own gender, else the one the verbs agreeing with it showed in the text."""
    return gender_of_name(name.split(), doc.language) or doc.genders.get(name)


def resolve_surname(
    words: list[str],
    doc: Document,
    pos: int | None = None,
    nominative: bool = False,
    typo: bool = False,
) -> str | None:
    """A lone surname or first name (any case) → the full name given in the text.

    With several people of that name, the one named most recently before `pos` wins
    (journalists re-introduce the person they mean); none before it → ambiguous.
    `typo`: a speaker's surname may be the text's misspelling of a full name in it.
    """
    if len(words) != 1 or len(words[0]) < 2:
        return None
    word = words[0]
    # most words name nobody in the text: a set intersection tells so at C speed
    keys = doc.name_index.keys() & form_keys(word)
    found = {entry for key in keys for entry in doc.name_index[key]}
    if not found:
        # 'Выткофф' for 'Стів Віткофф': the same surname spelled another way, when it is
        # the only one with that spelling-tolerant key
        same = doc.spellings.get(spelling_key(word), set()) if len(word) >= 4 else set()
        if typo and not same and len(word) >= 5 and capitalized(word):
            # 'Драпенко' for 'Елена Драпеко', 'Ryabov' for 'Sergei Ryabkov': the text's own
            # typo, a letter dropped or added in the one full name it resembles
            same = {
                full
                for entries in doc.full_names.values()
                for _, full in entries
                if letter_apart(plain(word), plain(full.split()[-1]))
            }
        return next(iter(same)) if len(same) == 1 and capitalized(word) else None
    names = {full for _, full in found}
    if len(names) == 1:
        return _nominative_full(names.pop(), word, doc) if nominative else names.pop()
    earlier = sorted((at, full) for at, full in found if pos is not None and at < pos)
    if not earlier:
        return None
    return _nominative_full(earlier[-1][1], word, doc) if nominative else earlier[-1][1]


def misspelled(word: str, doc: Document) -> bool:
    """A lone name no full name in the text resolves, spelled nearly like a surname in it
    ('Niisto' beside 'Sauli Niinistö'): a typo or another person — whose it is is not
    certain, so it is never shown as the speaker. A form of a surname the text spells so
    (two people of one surname, a case form) is not a misspelling."""
    if any(spelling_key(form) in doc.spellings for form in form_keys(word)):
        return False
    key = spelling_key(word)
    return len(key) >= 4 and any(near_spelling(key, known) for known in doc.spellings)


def _nominative_full(full: str, seen: str, doc: Document) -> str:
    """A full name recorded in an oblique case ('Мустафи Джемілєва') seen later in the
    nominative ('Джемілєв'): keep the words we can put in the nominative with certainty."""
    parts = full.split()
    if seen in parts or doc.language == "en":
        return full
    stored = parts[-1]
    if same_name(stored, seen) and len(seen) < len(stored) and capitalized(seen):
        first = to_nominative(parts[:-1], doc.language, "nomn")
        certain = all(
            any(
                "Name" in g and "nomn" in g and "plur" not in g
                for g in grams_of(part, doc.language)
            )
            for part in parts[:-1]
        )
        return f"{first} {seen}" if first and certain else seen
    return full
