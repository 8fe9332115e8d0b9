"""Editorial quality of bot.news.analyze on real news pages (the development set).

    python benchmarks/editorial.py DIR [--devset FILE ...] [--errors]

DIR holds the page texts `<id>.txt` (git-ignored: third-party journalism); the
annotations (tests/editorial/devset.jsonl by default, format in its SCHEMA) say per
page: language, topic label, headline, and the direct quotes with their speakers.
Each page is analysed WITHOUT a title: finding the headline is part of the job.

Prints one line per error with its class (topic-fn, topic-fp, quote-miss,
speaker-wrong, speaker-missing (info, not an error), clutter-title,
summary-flag:<kind>, language-wrong; devset-check when an annotated quote's first
words are not in its page text, a text is not the annotated excerpt or a url is
annotated twice across the loaded files), then ONE JSON line of figures. `--errors`
prints the errors in full instead of cut to one short line.

The checks below are written independently of the analysis (its own cleaning and
summary rules are not imported): a figure measured with the code under test's own
rules would prove nothing.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = ROOT / "tests" / "editorial" / "devset.jsonl"
# sha256 of each annotated excerpt: a re-pulled text that differs (the corpus can hold
# several excerpts of one url) is named, not silently measured.
DEFAULT_HASHES = ROOT / "tests" / "editorial" / "pages.sha256"
TOPIC = "us-russia-security"
MAIN_LANGUAGES = ("uk", "ru", "en")
# An annotated quote's first words may sit this far into an extracted quote (an
# extractor may keep a leading dash, a "(Путін)" aside or the previous clause).
QUOTE_START_CHARS = 40
TITLE_SHARE = 0.5

# --- normalisation and matching -----------------------------------------------------

_APOSTROPHES = "'’ʼ`´‘ʹ′"
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """casefold, ё→е, apostrophes dropped, quote marks/dashes/punctuation → space."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = _NON_WORD.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _close_word(a: str, b: str) -> bool:
    """Same word with a small spelling difference (a letter, an ending)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def quote_matches(first_words: str, extracted: str) -> bool:
    """The annotation's first words open the extracted quote (or appear within its
    first QUOTE_START_CHARS characters), allowing one word in five to differ."""
    want = normalise(first_words)
    have = normalise(extracted)
    if not want or not have:
        return False
    at = have.find(want)
    if 0 <= at <= QUOTE_START_CHARS:
        return True
    want_words = want.split()
    have_words = have.split()
    allowed = len(want_words) // 5
    offset = 0
    for start, word in enumerate(have_words):
        if offset > QUOTE_START_CHARS:
            break
        offset += len(word) + 1
        if not _close_word(word, want_words[0]):
            continue
        window = have_words[start : start + len(want_words) + allowed]
        # a changed word, or a word dropped or added ("(Путін)" left out)
        paired = sum(_close_word(a, b) for a, b in zip(want_words, window, strict=False))
        blocks = difflib.SequenceMatcher(None, want_words, window, autojunk=False)
        common = sum(b.size for b in blocks.get_matching_blocks())
        if max(paired, common) >= len(want_words) - allowed:
            return True
    return False


def name_part(speaker: str) -> str:
    """ "Нед Прайс, речник Держдепу" → "Нед Прайс"; "— Name" → "Name"."""
    return speaker.split(",", 1)[0].strip(" —–-")


def _first_names_compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # an initial
        return a[0] == b[0]
    return _close_word(a, b) or a.startswith(b) or b.startswith(a)


def speaker_matches(shown: str, annotated: str | None) -> bool:
    """The shown name (before any ", role") is the annotated person: surname equal,
    first names compatible (Sergei/Sergey, an initial, a missing first name)."""
    if not annotated:
        return False  # a name under a quote whose speaker the text does not give
    have = normalise(name_part(shown)).split()
    want = normalise(annotated).split()
    if not have or not want:
        return False
    surname = want[-1]
    if surname not in have:
        return False
    rest_have = [w for w in have if w != surname]
    rest_want = want[:-1]
    if not rest_have or not rest_want:
        return True
    return _first_names_compatible(rest_have[0], rest_want[0])


def word_share(produced: str, annotated: str) -> float:
    """Share of words in common, the smaller of both directions (a title glued to
    clutter and a half title both score low)."""
    a = set(normalise(produced).split())
    b = set(normalise(annotated).split())
    if not a or not b:
        return 0.0
    common = len(a & b)
    return min(common / len(a), common / len(b))


# --- summary checks (independent of bot/news/summary.py) -----------------------------

_MONTH = (
    r"(?:січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд|янв|фев|мар|апр|ма[йя]|"
    r"июн|июл|авг|сен|окт|ноя|дек|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?"
)
_WIRES = r"(?:reuters|ap|afp|tass|ria|ria novosti|тасс|риа новости|интерфакс|укрінформ|уніан|bbc)"
_DATE = (
    rf"(?:\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?(?:\s*(?:р\.|г\.|року|года))?|"
    rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
)
# A date or time standing apart at the start ("10 січня 2022, 14:30 —", "July 28, 2021
# (Agency)—"), a wire dateline ("MOSCOW, Jan 10", "(Reuters) -", "/ТАСС/"). A sentence
# whose subject is a date ("5 лютого закінчується …") is prose, not a dateline.
_DATELINE = re.compile(
    rf"^\W*(?:{_DATE}\s*,?\s*)?\d{{1,2}}:\d{{2}}\b"
    rf"|^\W*{_DATE}\s*(?:[|—–(/]|-\s|$)"
    rf"|^\W*(?-i:[A-ZА-ЯІЇЄҐ]{{3,}}(?:\s[A-ZА-ЯІЇЄҐ]{{3,}})?),\s+(?:\d{{1,2}}\s+)?{_MONTH}"
    rf"|\(\s*{_WIRES}\s*\)\s*[-—–]|/\s*{_WIRES}\s*/",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"(?:^\W*(?:фото|photo|ілюстративне фото|иллюстративное фото|скриншот|screenshot|"
    r"getty images|на фото|on the photo|pictured)\b)|"
    r"(?:\b(?:фото|photo|credit|джерело фото|источник фото)\s*:)|©|"
    r"(?:\bphoto(?:graph)? by\b)|(?:/\s*(?:getty|epa|afp|reuters|ap)\b\s*$)",
    re.IGNORECASE,
)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FINAL = tuple(".!?…\"»”“)'’")
# Openers that point back to something outside the sentence.
_ANAPHORIC_WORDS = _wordset(
    "він вона вони воно його її їх їхній цей ця це ці цього цієї цим цими даний дана дане "
    "дані такий така таке такі "
    "он она они оно его ее их этот эта это эти этого этой этим этими данный данная данное "
    "данные такой такая такое такие "
    "he she they his her their him them this these those such"
)
_ANAPHORIC_PHRASES = re.compile(
    r"^\W*(?:про це|за (?:його|її|їхніми) словами|на (?:його|її|їхню) думку|при цьому|"
    r"об этом|по (?:его|ее|их) (?:словам|мнению)|при этом|"
    r"according to (?:him|her|them)|the (?:two|latter|former)\b)",
    re.IGNORECASE,
)
_TIME_WORDS = _wordset(
    "року рік разу тижня тиждень місяця дня ранку вечора літа осені зими весни "
    "года год раза недели неделе месяца утра вечера летом осенью зимой весной "
    "year week month morning evening time spring summer autumn winter"
)
# "The diplomat, however, …", "Дипломат також …": a role noun standing for someone
# named before, with no name after it.
_ROLE_NOUNS = _wordset(
    "diplomat minister official president spokesman spokeswoman spokesperson envoy senator "
    "ambassador secretary chancellor premier leader adviser advisor aide politician "
    "дипломат міністр посадовець президент речник речниця посол посланець спецпосланець "
    "прем'єр лідер радник політик очільник глава "
    "министр чиновник президент пресс-секретарь представитель посол посланник спецпосланник "
    "премьер лидер советник политик глава замминистра заступник"
)
# "сказал он.Прайс": a word, a stop, a capitalised word, no space ("В.Зеленський" and
# "U.S.Army" are initials; "…Чоловік" opens a sentence)
_GLUED = re.compile(r"(?<=[^\W\d_]{2})[.!?…][\"»”]?[A-ZА-ЯІЇЄҐЁ][a-zа-яіїєґё]{2}")
_LABEL = re.compile(r":\s*$")


def _starts_anaphoric(sentence: str) -> bool:
    if _ANAPHORIC_PHRASES.match(sentence):
        return True
    words = normalise(sentence).split()
    if not words:
        return False
    if words[0] in _ANAPHORIC_WORDS:
        # "Цього року …", "This week …" name a time, they do not point back
        return len(words) < 2 or words[1] not in _TIME_WORDS
    head = words[1] if words[0] == "the" and len(words) > 1 else words[0]
    if head not in _ROLE_NOUNS:
        return False
    # "Президент США Джо Байден …": the role is followed by the name, no antecedent needed.
    raw = sentence.split()
    start = 2 if words[0] == "the" else 1
    following = raw[start : start + 4]
    return not any(w[:1].isupper() and len(w) > 3 and not w.isupper() for w in following)


def _repeats_quote(sentence: str, quotes: Sequence[str]) -> bool:
    """The sentence carries five or more words in a row of a quote shown below it."""
    text = f" {normalise(sentence)} "
    for quote in quotes:
        words = normalise(quote).split()
        if len(words) < 5:
            if words and f" {' '.join(words)} " in text:
                return True
            continue
        for i in range(len(words) - 4):
            if f" {' '.join(words[i : i + 5])} " in text:
                return True
    return False


def _adjacent(text: str, before: str, after: str) -> bool:
    """`after` follows `before` in the text with only spaces between them."""
    at = text.find(before)
    return at >= 0 and text[at + len(before) :].lstrip().startswith(after)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»”]?\s+|\n+")


def _after_headline(text: str, sentence: str, heads: Sequence[str]) -> bool:
    """The first summary sentence may lean on the headline shown above it when, in the
    text, it follows a sentence that is the headline again (and leans on nothing)."""
    at = text.find(sentence)
    if at <= 0:
        return False
    if any(normalise(text[:at]).endswith(normalise(h)) for h in heads if normalise(h)):
        return True  # the headline's own words come right before it
    before = [s for s in _SENTENCE_END.split(text[:at].strip()) if s.strip()]
    if not before or _starts_anaphoric(before[-1]):
        return False
    return before[-1].strip() in heads or any(word_share(before[-1], h) >= 0.7 for h in heads)


def summary_flags(
    summary: Sequence[str],
    *,
    title: str,
    quotes: Sequence[str],
    text: str,
    headlines: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """(kind, sentence) for each summary sentence a reader should not get."""
    flags: list[tuple[str, str]] = []
    heads = [h for h in (title, *headlines) if h]
    for i, sentence in enumerate(summary):
        bare = sentence.strip()
        words = bare.split()
        kind = ""
        if _repeats_quote(bare, quotes):
            kind = "quote-repeat"
        elif _CAPTION.search(bare):
            kind = "caption"
        elif _LABEL.search(bare) or (len(words) <= 3 and not bare.endswith(_FINAL)):
            kind = "label"
        elif _DATELINE.search(bare):
            kind = "dateline"
        elif any(word_share(bare, h) >= 0.7 for h in heads):
            kind = "headline-repeat"
        elif _GLUED.search(bare):
            kind = "glued"
        elif not bare.endswith(_FINAL):
            kind = "fragment"
        elif _starts_anaphoric(bare) and not (
            _adjacent(text, summary[i - 1], bare) if i else _after_headline(text, bare, heads)
        ):
            kind = "anaphoric"  # resolved only right after its antecedent (or the headline)
        if kind:
            flags.append((kind, sentence))
    return flags


# --- the run ------------------------------------------------------------------------


@dataclass
class Tally:
    hits: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hits += ok
        self.total += 1

    def share(self) -> float | None:
        return round(self.hits / self.total, 3) if self.total else None


@dataclass
class Report:
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    quotes: dict[str, Tally] = field(default_factory=dict)
    speakers: dict[str, Tally] = field(default_factory=dict)
    language: Tally = field(default_factory=Tally)
    other_language: Tally = field(default_factory=Tally)
    clutter_titles: int = 0
    flagged: int = 0
    times_ms: list[float] = field(default_factory=list)

    def error(self, page: str, kind: str, detail: str) -> None:
        self.errors.append((page, kind, detail))


def load_devset(paths: Sequence[Path]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from exc
    return records


def repeated_urls(records: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(id, earlier id, url) for each row whose url an earlier row of the loaded files
    already annotates: one page counted twice weighs double in every figure."""
    first: dict[str, str] = {}
    repeats: list[tuple[str, str, str]] = []
    for record in records:
        url = str(record.get("url") or "").strip()
        if not url:
            continue
        page = str(record["id"])
        if url in first:
            repeats.append((page, first[url], url))
        else:
            first[url] = page
    return repeats


def load_hashes(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    hashes: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, page = line.partition("  ")
        if page:
            hashes[page.strip().removesuffix(".txt")] = digest.strip()  # sha256sum's own lines too
    return hashes


def check_page(record: dict[str, Any], text: str, report: Report, analyze: Any) -> None:
    page = str(record["id"])
    language = str(record.get("language") or "")
    started = time.perf_counter()
    analysis = analyze(text)
    report.times_ms.append((time.perf_counter() - started) * 1000)

    in_main = language in MAIN_LANGUAGES
    right_language = analysis.language == language or (not in_main and analysis.language == "other")
    report.language.add(right_language)
    if not right_language:
        report.error(page, "language-wrong", f"{analysis.language} for {language}")
    if not in_main:
        report.other_language.add(analysis.language not in MAIN_LANGUAGES)

    if in_main:
        found = TOPIC in analysis.topics
        wanted = record.get("label") == "on-topic"
        report.tp += found and wanted
        report.fp += found and not wanted
        report.fn += wanted and not found
        if wanted and not found:
            report.error(page, "topic-fn", f"topics={list(analysis.topics)}")
        elif found and not wanted:
            report.error(page, "topic-fp", f"label={record.get('label')}")

    annotated = [q for q in record.get("quotes") or [] if q.get("first_words")]
    page_text = normalise(text)
    for q in annotated:  # the annotation itself: its first words must be in the page
        if normalise(q["first_words"]) not in page_text:
            report.error(page, "devset-check", f"first words not in the text: {q['first_words']!r}")
    extracted = list(analysis.quotes)
    quote_tally = report.quotes.setdefault(language, Tally())
    for q in annotated:
        ok = any(quote_matches(q["first_words"], e.text) for e in extracted)
        quote_tally.add(ok)
        if not ok:
            report.error(page, "quote-miss", f"{q['first_words']!r} ({q.get('style')})")
    speaker_tally = report.speakers.setdefault(language, Tally())
    for e in extracted:
        match = next((q for q in annotated if quote_matches(q["first_words"], e.text)), None)
        if match is None:
            continue
        if not e.speaker.strip():
            if match.get("speaker"):
                report.error(page, "speaker-missing", f"{match['first_words']!r}")
            continue
        ok = speaker_matches(e.speaker, match.get("speaker"))
        speaker_tally.add(ok)
        if not ok:
            report.error(
                page, "speaker-wrong", f"{e.speaker!r} for {match.get('speaker')!r}: {e.text}"
            )

    want_title = record.get("title")
    if want_title and word_share(analysis.title, want_title) < TITLE_SHARE:
        report.clutter_titles += 1
        report.error(page, "clutter-title", f"{analysis.title!r} for {want_title!r}")

    flags = summary_flags(
        analysis.summary,
        title=analysis.title,
        quotes=[e.text for e in extracted],
        text=analysis.text,
        headlines=[want_title] if want_title else [],
    )
    report.flagged += len(flags)
    for kind, sentence in flags:
        report.error(page, f"summary-flag:{kind}", sentence)


def figures(report: Report, pages: int) -> dict[str, Any]:
    precision = report.tp / (report.tp + report.fp) if report.tp + report.fp else None
    recall = report.tp / (report.tp + report.fn) if report.tp + report.fn else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall
        else None
    )
    all_quotes = Tally(
        sum(t.hits for t in report.quotes.values()), sum(t.total for t in report.quotes.values())
    )
    all_speakers = Tally(
        sum(t.hits for t in report.speakers.values()),
        sum(t.total for t in report.speakers.values()),
    )
    out: dict[str, Any] = {
        "bench": "editorial",
        "topic_precision": round(precision, 3) if precision is not None else None,
        "topic_recall": round(recall, 3) if recall is not None else None,
        "topic_f1": round(f1, 3) if f1 is not None else None,
        "quote_recall": all_quotes.share(),
    }
    for lang in MAIN_LANGUAGES:
        out[f"quote_recall_{lang}"] = report.quotes.get(lang, Tally()).share()
    out["speaker_precision"] = all_speakers.share()
    for lang in MAIN_LANGUAGES:
        out[f"speaker_precision_{lang}"] = report.speakers.get(lang, Tally()).share()
    out["speakers_shown"] = all_speakers.total
    out["other_language_ok"] = report.other_language.share()
    out["language_accuracy"] = report.language.share()
    out["clutter_titles"] = report.clutter_titles
    out["flagged_summary_sentences"] = report.flagged
    out["per_article_ms_p50"] = (
        round(statistics.median(report.times_ms), 2) if report.times_ms else None
    )
    out["pages"] = pages
    out["quotes"] = all_quotes.total
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="folder with the page texts <id>.txt")
    parser.add_argument(
        "--devset",
        type=Path,
        nargs="+",
        action="extend",
        help=f"annotation files (JSONL); default {DEFAULT_DEVSET.relative_to(ROOT)}",
    )
    parser.add_argument(
        "--hashes",
        type=Path,
        default=DEFAULT_HASHES,
        help="sha256 of each page text, '<hex>  <id>' per line (default: %(default)s)",
    )
    parser.add_argument("--errors", action="store_true", help="print errors in full")
    args = parser.parse_args(argv)

    if not args.dir.is_dir():
        print(f"{args.dir} is absent: the page texts <id>.txt are needed", file=sys.stderr)
        return 2
    paths: list[Path] = args.devset or [DEFAULT_DEVSET]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"{missing[0]} is absent: no annotations to measure against", file=sys.stderr)
        return 2
    records = load_devset(paths)
    if not records:
        print("the development set is empty: no annotated pages", file=sys.stderr)
        return 2

    sys.path.insert(0, str(ROOT))
    from bot.news import analyze, warm_up

    warm_up()
    report = Report()
    for page, earlier, url in repeated_urls(records):
        report.error(page, "devset-check", f"url annotated twice (also {earlier}): {url}")
    hashes = load_hashes(args.hashes)
    pages = 0
    for record in records:
        text_path = args.dir / f"{record['id']}.txt"
        if not text_path.is_file():
            print(f"{record['id']}: no text at {text_path}, skipped", file=sys.stderr)
            continue
        pages += 1
        raw = text_path.read_bytes()
        wanted = hashes.get(str(record["id"]))
        if wanted and hashlib.sha256(raw).hexdigest() != wanted:
            report.error(
                str(record["id"]),
                "devset-check",
                "text differs from the annotated excerpt (sha256): another excerpt of the url?",
            )
        check_page(record, raw.decode("utf-8"), report, analyze)
    if not pages:
        print(f"none of the annotated pages has a text in {args.dir}", file=sys.stderr)
        return 2

    for page, kind, detail in report.errors:
        line = " ".join(detail.split())
        if not args.errors and len(line) > 110:
            line = line[:109] + "…"
        print(f"{page}\t{kind}\t{line}")
    print(json.dumps(figures(report, pages), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
