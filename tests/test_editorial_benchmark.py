"""The editorial benchmark's own matching and checks, on tiny examples written here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from benchmarks import editorial as bench


def test_normalise_folds_case_yo_apostrophes_and_punctuation() -> None:
    assert bench.normalise("«Всё — ПОД’ЄДНАНО!»  ну") == "все подєднано ну"
    assert bench.normalise("обов'язково") == bench.normalise("обовʼязково")


def test_quote_matches_at_the_start_or_a_little_later() -> None:
    assert bench.quote_matches("Ми не підемо на", "«Ми не підемо на жодні поступки», — він")
    assert bench.quote_matches("we will not go", "— Well, we will not go there at all")
    # the annotated words deep inside a long quote are another quote
    far = "Перше речення цитати досить довге, щоб зайняти місце. Ми не підемо на це"
    assert not bench.quote_matches("Ми не підемо на", far)
    assert not bench.quote_matches("Ми не підемо на", "Ми підемо далі разом")


def test_quote_matches_allows_one_small_difference() -> None:
    assert bench.quote_matches("Я вважаю що він (Путін) зробив", "Я вважаю, що він зробив усе")
    assert bench.quote_matches("Мы готовы обсуждать все вопросы", "Мы готовы обсуждать всі вопросы")
    assert not bench.quote_matches("Мы готовы обсуждать все", "Они не готовы ничего решать")


def test_speaker_compares_the_name_part_surname_and_first_name() -> None:
    assert bench.speaker_matches("Нед Прайс, речник Держдепу", "Нед Прайс")
    assert bench.speaker_matches("Прайс", "Нед Прайс")
    assert bench.speaker_matches("Sergey Ryabkov", "Sergei Ryabkov")
    assert bench.speaker_matches("S. Ryabkov", "Sergei Ryabkov")
    assert bench.speaker_matches("Стів Віткофф", "Віткофф")
    assert not bench.speaker_matches("Олег Прайс", "Нед Прайс")
    assert not bench.speaker_matches("Deputy Foreign Minister Sergei Ryabkov", "Sergei Ryabkov")
    assert not bench.speaker_matches("Moscow", "Vladimir Putin")
    assert not bench.speaker_matches("Нед Прайс", None)  # a name where the text gives none


def test_word_share_takes_the_weaker_direction() -> None:
    assert bench.word_share("Мир у Женеві", "Мир у Женеві") == 1.0
    assert bench.word_share("menu closed", "Мир у Женеві") == 0.0
    glued = "Мир у Женеві Головна Новини Світ Політика Економіка Спорт"
    assert bench.word_share(glued, "Мир у Женеві") < bench.TITLE_SHARE
    assert bench.word_share("", "Мир") == 0.0


def _kinds(summary: list[str], **kw: object) -> list[str]:
    args: dict[str, object] = {"title": "Сторони зустрілися в Женеві", "quotes": [], "text": ""}
    args.update(kw)
    return [kind for kind, _ in bench.summary_flags(summary, **args)]  # type: ignore[arg-type]


def test_summary_flags_each_kind() -> None:
    quote = "ми не відступимо від своїх принципів ні на крок"
    assert _kinds(["«Ми не відступимо від своїх принципів», — сказав він."], quotes=[quote]) == [
        "quote-repeat"
    ]
    assert _kinds(["Деталі:"]) == ["label"]
    assert _kinds(["Фото: агентство новин"]) == ["caption"]
    assert _kinds(["10 січня 2022, 14:30"]) == ["dateline"]
    assert _kinds(["MOSCOW, Jan 10 — Talks began in the morning."]) == ["dateline"]
    assert _kinds(["Сторони зустрілися в Женеві."]) == ["headline-repeat"]
    assert _kinds(["Так, — сказал он.Прайс добавил, что все решено."]) == ["glued"]
    for opener in (
        "Про це він заявив журналістам.",
        "Данная встреча прошла в среду.",
        "The diplomat, however, left early.",
        "Он уехал домой вечером.",
        "She did not say when they would meet.",
    ):
        assert _kinds([opener]) == ["anaphoric"], opener


def test_summary_flags_leave_plain_sentences_alone() -> None:
    fine = [
        "Президент США Джо Байден зустрівся з колегою у вівторок.",
        "5 лютого закінчується строк дії договору.",
        "On Monday, January 11, diplomats met in Geneva.",
        "В. Зеленський провів нараду з командуванням.",
        "The talks were described as useful by both delegations.",
        "Цього року сторони зустрілися двічі у Відні.",
        "…Делегації довго мовчали, а потім усміхнулися.",
    ]
    assert _kinds(fine) == []


def test_anaphoric_sentence_after_its_antecedent_is_resolved() -> None:
    text = "Посол Іван Петренко прибув до Відня. Він провів там дві зустрічі."
    summary = ["Посол Іван Петренко прибув до Відня.", "Він провів там дві зустрічі."]
    assert _kinds(summary, text=text) == []
    assert _kinds(summary[1:], text=text) == ["anaphoric"]


def test_a_first_sentence_may_lean_on_the_headline_it_follows() -> None:
    title = "Посол Іван Петренко прибув до Відня"
    text = "Посол Іван Петренко прибув до Відня. Про це він розповів журналістам."
    assert _kinds(["Про це він розповів журналістам."], title=title, text=text) == []
    other = "Погода у Відні тепла. Про це він розповів журналістам."
    kinds = _kinds(["Про це він розповів журналістам."], title=title, text=other)
    assert kinds == ["anaphoric"]


def test_missing_dir_or_empty_devset_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "devset.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert bench.main([str(tmp_path / "absent"), "--devset", str(empty)]) == 2
    assert "absent" in capsys.readouterr().err
    assert bench.main([str(tmp_path), "--devset", str(empty)]) == 2
    assert "empty" in capsys.readouterr().err


def test_a_tiny_run_prints_errors_and_one_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "uk-900.txt").write_text(
        "Меню\nПосли зустрілися у Відні\n\n"
        "Посол Іван Петренко заявив: «Ми продовжимо роботу над угодою вже наступного тижня».\n",
        encoding="utf-8",
    )
    record = {
        "id": "uk-900",
        "language": "uk",
        "label": "off-topic",
        "title": "Посли зустрілися у Відні",
        "quotes": [{"first_words": "Ми продовжимо роботу над", "speaker": "Іван Петренко"}],
    }
    devset = tmp_path / "devset.jsonl"
    devset.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert bench.main([str(tmp_path), "--devset", str(devset)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["pages"] == 1 and figures["quotes"] == 1
    assert set(figures) >= {"topic_f1", "quote_recall_uk", "speaker_precision", "clutter_titles"}
    for line in lines[:-1]:
        page, kind, _ = line.split("\t", 2)
        assert page == "uk-900" and kind


def test_a_text_that_is_not_the_annotated_excerpt_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Посли зустрілися у Відні\n\nПерший абзац новини про зустріч послів у Відні.\n"
    (tmp_path / "uk-901.txt").write_text(text, encoding="utf-8")
    devset = tmp_path / "devset.jsonl"
    devset.write_text(json.dumps({"id": "uk-901", "language": "uk", "label": "off-topic"}) + "\n")
    hashes = tmp_path / "pages.sha256"
    same = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for digest, flagged in ((same, False), ("0" * 64, True)):
        hashes.write_text(f"{digest}  uk-901\n", encoding="utf-8")
        args = [str(tmp_path), "--devset", str(devset), "--hashes", str(hashes)]
        assert bench.main(args) == 0
        out = capsys.readouterr().out
        assert ("uk-901\tdevset-check\ttext differs" in out) is flagged


def test_a_url_annotated_twice_across_the_loaded_files_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for page in ("uk-902", "uk-903", "ru-904"):
        (tmp_path / f"{page}.txt").write_text("Посли зустрілися у Відні.\n", encoding="utf-8")
    url = "https://example.org/news/1"
    rows = [("uk-902", url), ("uk-903", "https://example.org/news/2")]
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(
        "".join(json.dumps({"id": p, "url": u, "language": "uk"}) + "\n" for p, u in rows)
    )
    second.write_text(json.dumps({"id": "ru-904", "url": url, "language": "ru"}) + "\n")
    assert bench.main([str(tmp_path), "--devset", str(first)]) == 0
    assert "devset-check" not in capsys.readouterr().out
    assert bench.main([str(tmp_path), "--devset", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert f"ru-904\tdevset-check\turl annotated twice (also uk-902): {url}" in out
    assert "uk-903\tdevset-check" not in out
