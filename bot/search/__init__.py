"""Search: the query language, query lemmatization, snippets and keyword-watch matching.

Pure except bot.search.service (WatchService), which stores watches through storage.
"""
