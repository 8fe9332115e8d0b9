"""Key direct quotes and who said them (uk, ru, en). Pure: no I/O at call time.

Precision first: a name is shown only when the text itself attributes the quote to
that person — a speech verb next to the quote (after it, before it with a colon, in
the middle of a split quote, 'За словами X, …'). Pronouns and bare role nouns are
resolved only when the antecedent is unambiguous. A quote the text attributes to
nobody certain (a statement, a body, an unresolved 'he', a quoted paragraph) is shown
without a name, never with a guessed one; titles and terms in quote marks are not quotes.

Modules, each depending only on those before it: spans (quote marks), lexicon
(words), names (name forms), document (the text, its quotes and people; a lone surname
looked up), people (who is named where), resolve (a pronoun or a role to the one
person it stands for), speakers (who a run of words names; relayed
words, institutions), attribution (the speaker of one quote),
assembly (candidates and extract_quotes).
"""

from bot.news.quotes.assembly import MIN_WORDS, extract_quotes

__all__ = ["MIN_WORDS", "extract_quotes"]
