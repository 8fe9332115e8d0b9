"""Key direct quotes and who said them (uk, ru, en). Pure: no I/O at call time.

Precision first: a quote is kept only when its speaker is attributed by the text
itself — a speech verb next to the quote (after it, before it with a colon, or in
the middle of a split quote). Pronouns and bare role nouns are resolved only when
the antecedent is unambiguous; otherwise the quote is dropped.

Modules, each depending only on those before it: spans (quote marks), lexicon
(words), names (name forms), people (who is named where), attribution (the speaker
of one quote), assembly (candidates and extract_quotes).
"""

from bot.news.quotes.assembly import MIN_WORDS, extract_quotes

__all__ = ["MIN_WORDS", "extract_quotes"]
