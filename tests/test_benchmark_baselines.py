"""The baselines the benchmarks measure against, on tiny examples written here: a
baseline that is wrong makes every ratio wrong."""

from __future__ import annotations

from pathlib import Path

from benchmarks import analyze, delivery, search


def test_textrank_keeps_the_central_sentences_in_text_order() -> None:
    text = (
        "Делегації обговорили гарантії безпеки в Женеві. "
        "Погода була сонячна. "
        "Гарантії безпеки делегації обговорять знову. "
        "Кава охолола. "
        "Делегації назвали гарантії безпеки головним питанням."
    )
    assert analyze.textrank(text, n=3) == [
        "Делегації обговорили гарантії безпеки в Женеві.",
        "Гарантії безпеки делегації обговорять знову.",
        "Делегації назвали гарантії безпеки головним питанням.",
    ]
    assert analyze.textrank("Одне речення.", n=3) == ["Одне речення."]
    assert analyze.textrank("", n=3) == []


def test_plain_fts_finds_only_the_form_as_written(tmp_path: Path) -> None:
    plain = search.PlainFts(tmp_path / "plain.db")
    plain.index(
        [
            {"title": "Обстріл", "text": "Ворог атакував місто ракетами."},
            {"title": "Запуск", "text": "Ракета злетіла вранці."},
        ]
    )
    assert plain.search("ракетами") == [1]
    assert plain.search("ракета topic:war lang:uk") == [2]  # filters are not its language
    assert plain.search('"ракета" OR NEAR(') == []  # operators become words: no error
    assert plain.search("topic:war") == []


def test_recall_caps_at_the_page_and_skips_words_without_stories() -> None:
    relevant = [set(range(1, 101)), {7, 8}, set()]
    found = [set(range(1, 26)), {7}, {3}]
    # 25 of the 50 that fit on the page, 1 of 2, and the third probe has no story
    assert search.recall(found, relevant) == round((25 / 50 + 1 / 2) / 2, 3)


def test_the_limited_delivery_mix_has_a_group_in_ten() -> None:
    ids = delivery.mixed_chats(100, 20)
    assert len(set(ids)) == 20
    assert [i for i in ids if i < 0] == [-109, -119]
