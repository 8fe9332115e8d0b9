"""A story's lead image as readers get it, through the delivery worker and the sandbox:
a photo with the story as caption when the rendered story fits a caption (1024 UTF-16
units after parsing), else the text with a large link preview of the image above it;
the text alone when Telegram refuses the photo; digests text only; a story asked for
(/article, inline) as text with the image as a large preview."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import news
from bot.domain import Analysis, Article, Reason, ReasonKind
from bot.render import render_story
from bot.sandbox import utf16_len
from bot.stories import Draft
from bot.tghtml import MAX_CAPTION, parse
from bot.topics import TopicCatalog
from storage import articles, chats, outbox
from storage.articles import NewArticle
from tests.delivery_rig import TOPIC, TZ, Rig
from tests.e2e import STORY, say

URL = "https://news.example.com/harbour/1"
WORDS = "harbour council budget ferry station market "


def summary_of(chars: int) -> str:
    text = (WORDS * (chars // len(WORDS) + 1))[:chars]
    return text[:-1] + "s" if text.endswith(" ") else text


def analysis_of(chars: int) -> Analysis:
    return Analysis(
        language="en",
        title="The harbour reopens",
        paragraphs=(summary_of(chars),),
        summary=(summary_of(chars),),
        quotes=(),
        topic_matches=(),
        fingerprint=(),
        word_count=400,
    )


def rendered_units(analysis: Analysis) -> int:
    """How long the worker's message for a topic reader in English is, after parsing."""
    article = Article(
        id=1,
        title=analysis.title,
        text=analysis.text,
        url=URL,
        source="Example News",
        published=None,
        language="en",
        topics=(TOPIC,),
        created_at=datetime.now(ZoneInfo(TZ)),
    )
    text = render_story(
        article,
        analysis,
        "en",
        Reason(ReasonKind.TOPIC, TOPIC),
        tz=TZ,
        topic_names=TopicCatalog.load().names("en"),
    ).text
    return utf16_len(parse(text)[0])


def story_of_length(units: int) -> Analysis:
    """A story whose rendered message is exactly `units` long (the summary grows 1:1)."""
    chars = units // 2
    for _ in range(6):
        analysis = analysis_of(chars)
        got = rendered_units(analysis)
        if got == units:
            return analysis
        chars += units - got
    raise AssertionError(f"no story renders to {units} units")


async def publish(rig: Rig, analysis: Analysis, image: str | None) -> int:
    article_id, _ = await articles.publish(
        rig.db,
        NewArticle(
            title=analysis.title,
            text=analysis.text,
            language="en",
            topics=(TOPIC,),
            url=URL,
            source="Example News",
            analysis=analysis,
            image=image,
        ),
    )
    rig.worker.wake()
    return article_id


async def test_caption_limit_boundary_photo_at_1024_preview_at_1025(rig: Rig) -> None:
    await rig.readers([801])
    fits, too_long = story_of_length(MAX_CAPTION), story_of_length(MAX_CAPTION + 1)
    await publish(rig, fits, "https://img.example.com/1024.jpg")
    await rig.drain()
    await publish(rig, too_long, "https://img.example.com/1025.jpg")
    await rig.drain()
    photo, text = rig.sb.messages(801)

    assert photo.kind == "photo" and photo.photo == "https://img.example.com/1024.jpg"
    assert photo.text is None and photo.caption and photo.parse_mode == "HTML"
    assert utf16_len(photo.plain) == MAX_CAPTION  # the sandbox counted it as Telegram does
    assert photo.entities and photo.reply_markup  # formatting and buttons kept
    assert photo.link_preview_options is None

    assert text.kind == "text" and text.photo is None
    assert utf16_len(text.plain) == MAX_CAPTION + 1
    assert text.link_preview_options == {
        "url": "https://img.example.com/1025.jpg",
        "prefer_large_media": True,
        "show_above_text": True,
    }


async def test_a_short_story_goes_as_a_photo_with_the_story_as_caption(rig: Rig) -> None:
    await rig.readers([811, 812])
    await chats.set_language(rig.db, 812, "uk")
    analysis = news.analyze(STORY)
    article_id, _ = await articles.publish(
        rig.db,
        NewArticle(
            title=analysis.title,
            text=analysis.text,
            language=analysis.language,
            topics=(TOPIC,),
            url=URL,
            analysis=analysis,
            image="https://img.example.com/geneva.jpg",
        ),
    )
    rig.worker.wake()
    await rig.drain()
    for chat_id in (811, 812):
        [message] = rig.sb.messages(chat_id)
        assert message.kind == "photo" and message.photo == "https://img.example.com/geneva.jpg"
        assert analysis.title in message.plain and "<blockquote>" in (message.caption or "")
    assert "Reading time" in rig.sb.messages(811)[0].plain
    assert "Час читання" in rig.sb.messages(812)[0].plain
    assert await outbox.status_counts(rig.db, article_id) == {"sent": 2}


async def test_a_refused_photo_falls_back_to_the_text_for_everyone(rig: Rig) -> None:
    readers = [821, 822, 823]
    await rig.readers(readers)
    image = "https://img.example.com/not-an-image.html"
    rig.sb.refuse_photo_url(image)
    article_id = await publish(rig, story_of_length(600), image)
    await rig.drain()
    for chat_id in readers:
        [message] = rig.sb.messages(chat_id)
        assert message.kind == "text" and message.photo is None
        assert message.link_preview_options is None  # the story as it was sent before images
        assert "harbour council" in message.plain
    assert await outbox.status_counts(rig.db, article_id) == {"sent": len(readers)}
    # One refusal is enough: the other readers got the text without trying the photo.
    assert rig.sb.state.methods["sendPhoto"] == 1
    assert rig.worker.stats.failed == 0


async def test_a_photo_telegram_cannot_fetch_is_sent_as_text(rig: Rig) -> None:
    await rig.readers([831])
    image = "https://img.example.com/timeout.jpg"
    rig.sb.refuse_photo_url(image, "failed to get HTTP URL content")
    article_id = await publish(rig, story_of_length(400), image)
    await rig.drain()
    [message] = rig.sb.messages(831)
    assert message.kind == "text" and "harbour council" in message.plain
    assert await outbox.status_counts(rig.db, article_id) == {"sent": 1}


async def test_a_story_without_an_image_is_sent_as_before(rig: Rig) -> None:
    await rig.readers([841])
    await publish(rig, story_of_length(400), None)
    await publish(rig, story_of_length(1400), None)
    await rig.drain()
    assert [(m.kind, m.photo, m.link_preview_options) for m in rig.sb.messages(841)] == [
        ("text", None, None),
        ("text", None, None),
    ]
    assert rig.sb.state.methods["sendPhoto"] == 0


async def test_a_digest_stays_text(rig: Rig) -> None:
    await rig.readers([851])
    await chats.update_settings(rig.db, 851, mode="digest", digest_time="08:00")
    await publish(rig, story_of_length(400), "https://img.example.com/digest.jpg")
    await rig.drain()
    tomorrow_9 = datetime.now(ZoneInfo(TZ)).replace(hour=9, minute=0) + timedelta(days=1)
    assert await rig.digests(now=tomorrow_9.timestamp()) == 1
    [digest] = rig.sb.messages(851)
    assert digest.kind == "text" and digest.link_preview_options is None
    assert rig.sb.state.methods["sendPhoto"] == 0


def test_render_names_a_usable_image_as_photo_or_preview() -> None:
    def rendered(chars: int, image: str | None):  # type: ignore[no-untyped-def]
        analysis = analysis_of(chars)
        article = Article(
            id=1,
            title=analysis.title,
            text=analysis.text,
            url=URL,
            source=None,
            published=None,
            language="en",
            topics=(),
            created_at=datetime.now(ZoneInfo(TZ)),
            image=image,
        )
        return render_story(article, analysis, "en", Reason(ReasonKind.REQUESTED), tz=TZ)

    short = rendered(300, "https://img.example.com/a.jpg")
    assert (short.photo, short.preview) == ("https://img.example.com/a.jpg", None)
    long = rendered(1300, "https://img.example.com/a.jpg")
    assert (long.photo, long.preview) == (None, "https://img.example.com/a.jpg")
    assert long.text == rendered(1300, None).text  # the image never changes the text
    for unusable in (None, "javascript:alert(1)", "https://img.example.com/a b.jpg"):
        assert (rendered(300, unusable).photo, rendered(300, unusable).preview) == (None, None)


async def test_a_requested_story_shows_its_image_as_a_large_preview(local) -> None:  # type: ignore[no-untyped-def]
    sb = local.sandbox
    image = "https://img.example.com/geneva.jpg"
    published = await local.services.stories.publish(
        Draft(text=STORY, url=URL, image=image), deliver=False
    )
    story = await say(sb, 861, f"/article {published.article_id}", language_code="en")
    assert story.kind == "text" and "Шерман" in story.plain
    assert story.link_preview_options == {
        "url": image,
        "prefer_large_media": True,
        "show_above_text": True,
    }
    query_id = sb.inject_inline_query(861, "")
    await sb.wait_until(lambda: sb.inline_answers(query_id) is not None)
    answer = sb.inline_answers(query_id)
    assert answer is not None
    [result] = answer["results"]
    assert result["thumbnail_url"] == image
    assert result["input_message_content"]["link_preview_options"]["url"] == image
