"""render_full_text, render_digest and the plain-text trimming/splitting they rely on."""

from __future__ import annotations

from bot.render import DigestItem, render_digest, render_full_text
from bot.render.text import clean, paragraphs, safe_url, split, trim
from bot.tghtml import MAX_TEXT, utf16_len
from tests.test_render_support import analysis, article, check_message, entity_text


def test_trim_prefers_a_sentence_end() -> None:
    text = "Перше речення тут. Друге речення трохи довше за перше."
    assert trim(text, 30) == "Перше речення тут. …"


def test_trim_falls_back_to_a_word_boundary() -> None:
    text = "one two three four five six seven"
    assert trim(text, 16) == "one two three…"


def test_trim_hard_cuts_a_giant_word_without_splitting_an_emoji() -> None:
    text = "😀" * 10
    cut = trim(text, 6)
    assert cut == "😀😀…"
    assert utf16_len(cut) == 5


def test_trim_keeps_short_text() -> None:
    assert trim("short", 5) == "short"


def test_split_at_sentences_then_words() -> None:
    text = "Aaaa bbbb. Cccc dddd. Eeee ffff gggg hhhh iiii."
    assert split(text, 22) == ["Aaaa bbbb. Cccc dddd.", "Eeee ffff gggg hhhh", "iiii."]
    assert split("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_clean_drops_control_characters_and_surrogates() -> None:
    assert clean("a\x00b\r\nc\ud800d\te") == "ab\ncd\te"
    assert paragraphs("  one \n two  \n\n\n three ") == ["one\ntwo", "three"]


def test_safe_url_accepts_only_http() -> None:
    assert safe_url(" https://a.org/x?y=1 ") == "https://a.org/x?y=1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://a.org/with space") is None
    assert safe_url("http://") is None


def test_short_full_text_is_one_message() -> None:
    messages = render_full_text(article(text="Перший абзац.\n\nДругий <абзац> & ще."), "uk")
    assert len(messages) == 1
    plain, entities = check_message(messages[0])
    assert plain == "US denies concessions to Russia\n\nПерший абзац.\n\nДругий <абзац> & ще."
    assert [e.type for e in entities] == ["bold", "text_link"]


def test_long_full_text_splits_between_paragraphs() -> None:
    paragraph = "Речення про переговори у Женеві. " * 40  # ~1300 characters
    body = "\n\n".join(f"{i}: {paragraph.strip()}" for i in range(10))
    messages = render_full_text(article(text=body), "en")
    assert len(messages) == 4
    for n, message in enumerate(messages, start=1):
        plain, entities = check_message(message)
        assert plain.endswith(f"\n\n({n}/4)")
        assert entity_text(plain, entities[-1]) == f"({n}/4)"
        for part in plain.split("\n\n")[:-1]:
            # each paragraph is whole: it starts with its number and ends a sentence
            assert part.split(":")[0].isdigit() or part.startswith("US denies")
            assert part.endswith((".", "Russia"))


def test_giant_paragraph_splits_between_sentences() -> None:
    body = " ".join(f"Sentence {i} is here." for i in range(1000))
    messages = render_full_text(article(text=body), "en")
    assert len(messages) > 1
    for message in messages:
        plain, _ = check_message(message)
        assert utf16_len(plain) <= MAX_TEXT
        assert plain.rpartition("\n\n")[0].endswith("is here.")


def test_digest_layout_and_plural_header() -> None:
    items = [
        DigestItem(article(title=f"Story {i}", article_id=i), analysis(summary=(f"Summary {i}.",)))
        for i in range(1, 4)
    ]
    uk = check_message(render_digest(items, "uk", "Europe/Kyiv")[0])[0]
    assert uk.startswith("📰 Ваш дайджест: 3 статті\n\n1. Story 1\nSummary 1.\nExample News · 24")
    en = render_digest(items[:1], "en", "UTC")
    assert check_message(en[0])[0].startswith("📰 Your digest: 1 story\n\n1. Story 1\n")
    assert render_digest([], "en", "UTC") == []


def test_digest_summary_falls_back_to_the_first_sentence_of_the_text() -> None:
    item = DigestItem(article(text="Only text here. And more."), None)
    plain, _ = check_message(render_digest([item], "en", "UTC")[0])
    assert "\nOnly text here.\n" in plain


def test_long_digest_splits_between_stories() -> None:
    items = [
        DigestItem(article(title=f"Story {i} " + "long " * 50, article_id=i), analysis())
        for i in range(60)
    ]
    messages = render_digest(items, "en", "UTC")
    assert len(messages) > 1
    seen = []
    for message in messages:
        plain, entities = check_message(message)
        seen += [entity_text(plain, e).split()[1] for e in entities if e.type == "bold"]
    assert seen[1:] == [str(i) for i in range(60)]


def test_sentences_split_after_final_punctuation() -> None:
    from bot.render.text import split_sentences

    assert split_sentences("Один. Два! «Три?» Чотири… п'ять") == [
        "Один.",
        "Два!",
        "«Три?»",
        "Чотири…",
        "п'ять",
    ]
