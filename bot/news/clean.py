"""Cleaning scraped or pasted story text: keep headings and sentences, drop the rest.

Scrapers and copy-paste bring page furniture along: UI strings ("Related video",
"Fullscreen", "Читайте також"), share/subscribe prompts, photo captions and credits
("Фото: …"), tag lines (comma lists without final punctuation), image alt-text
blocks, bylines and datelines. The filter works line by line, so it serves pasted
text and HTML (after trafilatura) alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.news.headline import doubled_lines, find_headline

# Whole-line UI strings, compared lower-cased without trailing punctuation.
_UI_LINES = frozenset(
    {
        "related video",
        "related videos",
        "related",
        "fullscreen",
        "full screen",
        "watch",
        "video",
        "advertisement",
        "реклама",
        "реклама:",
        "share",
        "share this",
        "поділитися",
        "поделиться",
        "читати далі",
        "читать далее",
        "read more",
        "читайте також",
        "читайте также",
        "дивіться також",
        "смотрите также",
        "read also",
        "see also",
        "more on this",
        "коментарі",
        "комментарии",
        "comments",
        "теги",
        "tags",
        "джерело",
        "источник",
        "source",
        "на весь екран",
        "на весь экран",
        "відео",
        "видео",
        "фото",
        "photo",
        "головне",
        "главное",
        "новини партнерів",
        "новости партнеров",
        "loading",
        "завантаження",
        "загрузка",
        "print",
        "друк",
        "email",
        "copy link",
        "скопіювати посилання",
        "копировать ссылку",
        "facebook",
        "twitter",
        "telegram",
    }
)
# Lines that start like this are links, credits or prompts, never story text.
_PREFIXES = re.compile(
    r"^(?:читайте також|читайте также|дивіться також|смотрите также|read also|"
    r"read more|see also|related|по темі|по теме|теги|tags|"
    r"фото|photo|фотографія|фотография|ілюстративне фото|иллюстративное фото|"
    r"джерело фото|источник фото|image|credit|picture|зображення|відео|видео|video|"
    r"автор фото|photo credit|getty images|reuters photo)\s*[:|/—–-]",
    re.IGNORECASE,
)
# Photo credit lines without a colon: "Фото Reuters", "Photo by AP".
_CREDIT = re.compile(
    r"^(?:фото|photo(?: by)?|фото автора|скриншот|screenshot)\s+[\w\s.,&/|-]{1,60}$",
    re.IGNORECASE,
)
# Imperative prompts only: "підписка подорожчала" or "subscribers say" is story text.
_SUBSCRIBE = re.compile(
    r"\b(?:підписуйтесь|підписуйтеся|підпишіться|підпишись|подписывайтесь|подпишитесь|"
    r"подпишись|subscribe(?: to| now|\b)|follow us|стежте за нами|следите за нами|"
    r"поділіться|поделитесь|share (?:this|on))",
    re.IGNORECASE,
)
# "Приєднуйтеся!" closing an appeal is story text; "join us on Telegram" is furniture.
_JOIN = re.compile(r"\b(?:приєднуйтесь|приєднуйтеся|присоединяйтесь|join us)", re.I)
_PLATFORM = re.compile(
    r"telegram|телеграм|facebook|фейсбук|viber|вайбер|instagram|інстаграм|инстаграм|"
    r"youtube|ютуб|twitter|tiktok|whatsapp|канал|спільнот|сообществ|сторінк|страниц|"
    r"розсилк|рассылк|newsletter|channel|community|group|груп",
    re.IGNORECASE,
)
# Site chrome: a notice about the site itself, to its reader (cookie and browser
# notices, "An official website … Here's how you know", "Secure .gov websites use
# HTTPS"). A story line that names a site ("… on the Kremlin's website") says neither
# "you" nor a bare domain ending.
_WEB = re.compile(
    r"\b(?:websites?|site|сайт\w*|cookies?|browser|браузер\w*|javascript)\b",  # 'web site' too
    re.IGNORECASE,
)
_TO_READER = re.compile(
    r"\b(?:you|your|ви|вас|вам|ваш\w*|вы|we use|ми використовуємо|мы используем|"  # 'you've' too
    r"(?:this|our) (?:site|website)|(?:цей|этот|наш) сайт)\b"
    r"|(?<![\w.])\.(?:gov|com|org|net|ua|ru|uk|eu)\b|https?://(?!\w)",  # '.gov' alone
    re.IGNORECASE,
)
_ALT_MARKER = re.compile(r"(?:\bfullscreen|на весь екран|на весь экран|enlarge)\s*$", re.I)
_ALT_MARKER_REACH = len("на весь екран") + 1
_BYLINE = re.compile(
    r"^(?:by|автор(?:ка)?|author|редактор|editor|written by|текст|text)\s*:?\s+"
    r"[\w'’.\- ]{2,60}$",
    re.IGNORECASE,
)
_MONTHS = (
    r"січ\w*|лют\w*|берез\w*|квіт\w*|трав\w*|черв\w*|лип\w*|серп\w*|верес\w*|жовт\w*|"
    r"листоп\w*|груд\w*|янв\w*|фев\w*|мар\w*|апр\w*|ма[йя]\w*|июн\w*|июл\w*|авг\w*|"
    r"сен\w*|окт\w*|ноя\w*|дек\w*|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|"
    r"sep\w*|oct\w*|nov\w*|dec\w*"
)
# A line made only of dates, times, weekdays and connectors: a dateline.
_DATELINE = re.compile(
    rf"^(?:(?:\d{{1,4}}[.:/-]?|{_MONTHS}|року|г\.|р\.|at|о|в|об|,|\||—|-|–|"
    r"updated|оновлено|обновлено|опубліковано|опубликовано|published|сьогодні|сегодня|"
    r"вчора|вчера|today|yesterday|utc|gmt|kyiv time|"
    r"понеділ\w*|вівтор\w*|серед\w*|четвер\w*|п'ятниц\w*|п’ятниц\w*|субот\w*|неділ\w*|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s*)+$",
    re.IGNORECASE,
)
_FINAL = tuple(".!?…:;»\"”“)'")
_WORD = re.compile(r"[^\W\d_]+")
_MAX_CAPTION_WORDS = 25
# Headings like "Співпраця, розвиток, інвестиції" have two commas; tag lines have more.
_TAG_COMMAS = 3


@dataclass(frozen=True, slots=True)
class Cleaned:
    title: str
    paragraphs: tuple[str, ...]


_SPACES = re.compile(r"\s+")


def _normal(line: str) -> str:
    return _SPACES.sub(" ", line.replace("\xa0", " ")).strip()


def _has_final(line: str) -> bool:
    return line.endswith(_FINAL)


def _is_tag_line(line: str) -> bool:
    """ "США, Росія, прапори США та Росії": short comma-separated parts, no final stop."""
    if _has_final(line) or line.count(",") < _TAG_COMMAS:
        return False
    parts = [p.strip() for p in line.split(",")]
    return all(0 < len(p.split()) <= 5 for p in parts)


def _is_noise(line: str) -> bool:
    bare = line.lower().rstrip(" .:!|»›>→")
    if bare in _UI_LINES:
        return True
    if _PREFIXES.match(line) or _CREDIT.match(line):
        return True
    if _DATELINE.match(line) or (_BYLINE.match(line) and not _has_final(line)):
        return True
    if _is_tag_line(line):
        return True
    if not _WORD.search(line):  # separators, bare numbers, emoji rows
        return True
    # Prompts are short; a long sentence that mentions subscribing is story text (and
    # is not searched for one).
    if len(line.split()) > 25:
        return False
    if _SUBSCRIBE.search(line) or (_JOIN.search(line) and _PLATFORM.search(line)):
        return True
    return bool(_WEB.search(line) and _TO_READER.search(line))


def _is_caption(line: str) -> bool:
    return not _has_final(line) and len(line.split()) <= _MAX_CAPTION_WORDS


def clean_lines(lines: Sequence[str]) -> list[str]:
    """Story lines without page furniture, in order; blank lines removed.

    Kept lines are only stripped, never rewritten, so every sentence of the result
    occurs verbatim in the input; rules look at a whitespace-normalised copy.
    """
    out: list[str] = []
    in_image = False  # after an alt-text line: its caption and credit follow
    previous = ""
    for raw in lines:
        line = _normal(raw)
        if not line:
            continue
        # the marker ends the line (normalised: no trailing space), so only its last
        # characters are searched; one more keeps the \b before "fullscreen" exact
        if _ALT_MARKER.search(line, max(0, len(line) - _ALT_MARKER_REACH)):
            in_image = True
            continue
        if in_image:
            if _PREFIXES.match(line) or _CREDIT.match(line):
                in_image = False  # the credit closes the image block
                continue
            if _is_caption(line):
                continue  # caption under the image
            in_image = False
        if _is_noise(line) or line == previous:
            continue
        out.append(raw.strip())
        previous = line
    return out


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Split into title and cleaned paragraphs. Without a title, the headline is found
    among the first lines (bot.news.headline: page furniture above it is skipped)."""
    raw = text.splitlines()
    lines = clean_lines(raw)
    if title is None:
        found = find_headline(lines, doubled_lines(raw))
        return Cleaned(title=_normal(found.title), paragraphs=found.lines)
    else:
        title = _normal(title)
        if lines and _normal(lines[0]) == title:
            lines.pop(0)
    return Cleaned(title=title, paragraphs=tuple(lines))


def html_to_text(html: str) -> str:
    """Main text of an HTML page (trafilatura), title as the first line when found.

    Pass the result to analyze(): its first line becomes the title and the line
    filter removes what trafilatura leaves behind.
    """
    import trafilatura  # heavy import (lxml), only needed for HTML input

    body = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "").strip() if meta is not None else ""
    if title and not body.startswith(title):
        return f"{title}\n{body}"
    return body
