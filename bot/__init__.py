"""newsbot: a Telegram bot for topic news."""
