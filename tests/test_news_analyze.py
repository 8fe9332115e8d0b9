"""analyze() end to end: the seed bar and the whole corpus."""

from __future__ import annotations

import gc

import pytest

from bot.news import Analysis, analyze, warm_up
from bot.news.clean import html_to_text
from tests.shared_data import corpus_records, seed_text
from tests.test_news_clean import SEED_LEFTOVERS


def test_seed_bar() -> None:
    analysis = analyze(seed_text())
    assert analysis.language == "uk"
    body = "\n".join(analysis.paragraphs)
    for leftover in SEED_LEFTOVERS:
        assert leftover not in body
    assert 2 <= len(analysis.summary) <= 3
    assert all(s in body for s in analysis.summary)
    assert "us-russia-security" in analysis.topics
    assert analysis.word_count == len(body.split())
    assert "гарантія" in analysis.lemmas and "росія" in analysis.lemmas
    assert "рф" not in analysis.lemmas  # alias folded into росія


def test_seed_quotes() -> None:
    quotes = analyze(seed_text()).quotes
    assert len(quotes) == 2
    assert {q.speaker for q in quotes} == {"Нед Прайс"}


def test_fields_passed_through() -> None:
    analysis = analyze("Текст без заголовка.", title="Мій заголовок", url="https://x.test/1")
    assert analysis.title == "Мій заголовок"
    assert analysis.paragraphs == ("Текст без заголовка.",)
    assert analysis.url == "https://x.test/1"


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "Related video\nFullscreen", "🙂", "1 2 3", "Заголовок\nСлово \U00017000 тут."],
)
def test_degenerate_input_does_not_crash(text: str) -> None:
    analysis = analyze(text)
    assert isinstance(analysis, Analysis)
    assert analysis.language in {"uk", "ru", "en"}
    assert analysis.summary == () or all(s in analysis.text for s in analysis.summary)


def test_russian_and_english_route_to_their_morphology() -> None:
    ru = analyze("Переговоры в Женеве\nРоссия и США обсудили гарантии безопасности.")
    en = analyze("Talks in Geneva\nRussia and the United States discussed guarantees.")
    assert ru.language == "ru" and "гарантия" in ru.lemmas
    assert en.language == "en" and "guarante" in en.lemmas and "usa" in en.lemmas


def test_html_input_through_trafilatura() -> None:
    body = " ".join(f"США і Росія провели раунд номер {i} переговорів." for i in range(10))
    html = f"<html><head><title>Переговори</title></head><body><article><p>{body}</p>"
    html += "<p>Related video</p></article></body></html>"
    analysis = analyze(html_to_text(html))
    assert analysis.title == "Переговори"
    assert "Related video" not in analysis.text


def test_every_corpus_text_analyses_with_summary_from_its_text() -> None:
    count = 0
    for record in corpus_records():
        text = str(record["text"])
        analysis = analyze(text, title=str(record["title"]))
        count += 1
        assert analysis.language == "uk", record["id"]
        assert analysis.summary, record["id"]
        for sentence in analysis.summary:
            assert sentence in text, (record["id"], sentence)
        assert analysis.fingerprint and analysis.lemmas
    assert count == 539


def test_a_story_told_inside_one_unnamed_quote_keeps_its_summary() -> None:
    text = (
        "Волонтери показали бійцям місто\n\n"
        "«У п'ятницю ми разом подивилися футбольний матч на міському стадіоні. "
        "У неділю музиканти зіграли для бійців концерт у військовій частині. "
        "Потім студентки провели для хлопців екскурсію містом»."
    )
    analysis = analyze(text)
    assert analysis.summary  # the summary wins over a quote shown without a name
    assert all(q.speaker for q in analysis.quotes)


def test_warm_up_freezes_what_it_loaded() -> None:
    # a fresh process's full collections would walk the dictionaries and rules again
    warm_up(("uk",))
    assert gc.get_freeze_count() > 0


def test_analysis_leaves_the_garbage_collector_as_it_found_it() -> None:
    # analyze() pauses the collector while it works; a failure must not leave it off
    text = "Президент заявив, що переговори тривають. «Ми готові до діалогу», — сказав він."
    assert gc.isenabled()
    first = analyze(text)
    assert gc.isenabled()
    gc.disable()
    try:
        assert analyze(text) == first
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(AttributeError):
        analyze(None)  # type: ignore[arg-type]
    assert gc.isenabled()
