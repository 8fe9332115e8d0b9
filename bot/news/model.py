"""The values analyze() returns. They are domain values (storage keeps them, rendering
reads them), so they live in bot.domain; bot.news code names them from here."""

from bot.domain import Analysis, Quote, TopicMatch

__all__ = ["Analysis", "Quote", "TopicMatch"]
