"""Getting stories in from outside: URLs, files, RSS/Atom feeds and the admin CLI.

Everything here ends in StoryService.publish (or the feed review queue), so topics,
follow-ups and keyword watches are decided in one place.
"""
