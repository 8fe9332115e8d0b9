"""Storage: all SQL of the project lives in this package.

One module per aggregate: chats, subscriptions, articles, outbox, … written against
`db.Database` (one interface), which storage.sqlite (aiosqlite, the embedded default)
and storage.postgres (asyncpg, DATABASE_URL) implement, each with its own migrations.
`backends.open_database` opens one.
"""
