"""Uploaded files: the charset is detected (UTF-8, UTF-16/32 with a BOM, cp1251, koi8-r)
and binary content is refused whatever the file is called (issue 12, failure 10)."""

from __future__ import annotations

import codecs
import random

import pytest

from bot.ingest.decode import decode, decode_or_none, looks_like_text
from bot.ingest.files import FileError, read_file

UK = (
    "Делегації США та Росії в Женеві обговорили гарантії безпеки і контроль над "
    "озброєннями. Сторони домовилися продовжити консультації наступного місяця.\n\n"
    "Заступниця держсекретаря заявила, що Вашингтон готовий до розмови."
)
RU = (
    "Делегации США и России в Женеве обсудили гарантии безопасности и контроль над "
    "вооружениями. Стороны договорились продолжить консультации в следующем месяце."
)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (UK, UK.encode("utf-8")),
        (UK, codecs.BOM_UTF8 + UK.encode("utf-8")),
        (UK, UK.encode("utf-16")),  # with its BOM
        (UK, codecs.BOM_UTF16_BE + UK.encode("utf-16-be")),
        (UK, UK.encode("utf-32")),
        (UK, codecs.BOM_UTF32_BE + UK.encode("utf-32-be")),
        (UK, UK.encode("cp1251")),
        (RU, RU.encode("cp1251")),
        (RU, RU.encode("koi8-r")),
    ],
)
def test_charsets_read_as_the_text(text: str, data: bytes) -> None:
    found = read_file("story.txt", data)
    assert found.text.split() == text.split()


def test_random_bytes_named_txt_are_refused() -> None:
    noise = random.Random(12).randbytes(50 * 1024)
    with pytest.raises(FileError) as caught:
        read_file("story.txt", noise)
    assert caught.value.code == "binary"


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n" + bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + b"\0" * 64]
)
def test_known_binary_formats_refused_by_content(data: bytes) -> None:
    with pytest.raises(FileError) as caught:
        read_file("notes.md", data)
    assert caught.value.code == "binary"


def test_malformed_utf8_keeps_the_text_not_mojibake() -> None:
    data = UK.encode("utf-8")
    cut = data.index(b" ", 100)
    broken = data[:cut] + b"\xff\xfe" + data[cut:]  # two stray bytes
    text = decode(broken)
    assert "гарантії безпеки" in text and "Вашингтон" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)  # no CJK


def test_control_characters_all_over_are_not_text() -> None:
    assert looks_like_text(UK)
    assert not looks_like_text("a\x01b\x02c\x03d\x04" * 50)


def test_decode_or_none_is_none_for_noise() -> None:
    assert decode_or_none(random.Random(3).randbytes(4096)) is None
