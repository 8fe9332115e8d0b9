"""Text understanding: a pure library (no I/O, no Telegram, no SQL).

analyze(text) -> Analysis; same_story(a, b); lemmatize_text() for the search index;
load_topics() for topic ids and names (cheap: no morphology).
"""

from bot.news.analyze import analyze, warm_up
from bot.news.fingerprint import same_story
from bot.news.lemmas import lemmatize_text
from bot.news.model import Analysis, Quote, TopicMatch
from bot.news.topics import TopicInfo, load_topics

__all__ = [
    "Analysis",
    "Quote",
    "TopicInfo",
    "TopicMatch",
    "analyze",
    "lemmatize_text",
    "load_topics",
    "same_story",
    "warm_up",
]
