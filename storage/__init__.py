"""SQLite storage (aiosqlite). All SQL of the project lives in this package.

One module per aggregate: chats, subscriptions, articles, outbox. `db.Database` opens
the file, applies migrations (storage/migrations/NNNN_*.sql, tracked by
PRAGMA user_version) and hands out transactions.
"""
