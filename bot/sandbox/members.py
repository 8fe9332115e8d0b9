"""Groups, supergroups with forum topics, and channels: who is in them, the bot's own
membership, and the my_chat_member updates Telegram sends when that changes.

Statuses are Telegram's: creator, administrator, member, left, kicked. A
channel has no plain members the bot can see; the bot posts there only as an
administrator.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.state import Chat, State, chat_type_for, now

ADMINS = ("creator", "administrator")
OUT = ("left", "kicked")

# An administrator's rights, all granted (Telegram lists each; PTB requires them).
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}
CHANNEL_RIGHTS = {"can_post_messages": True, "can_edit_messages": True}
GROUP_RIGHTS = {"can_pin_messages": True, "can_manage_topics": True}
NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


def full_info(chat: Chat) -> dict[str, Any]:
    """getChat's ChatFullInfo."""
    return {
        **chat.json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": NO_GIFTS,
    }


def member_json(chat: Chat, user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update(ADMIN_RIGHTS)
        member.update(CHANNEL_RIGHTS if chat.type == "channel" else GROUP_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


def create_chat(
    state: State,
    chat_id: int,
    *,
    type: str | None,
    title: str,
    username: str | None,
    forum: bool,
    owner: int | None,
    admins: list[int],
    members: list[int],
) -> Chat:
    kind = type or chat_type_for(chat_id)
    if kind == "private" or chat_id > 0:
        raise ValueError("groups and channels have negative ids")
    if forum and kind != "supergroup":
        raise ValueError("only a supergroup can have forum topics")
    if username and state.by_username(username) not in (None, state.chats.get(chat_id)):
        raise ValueError(f"@{username} is taken")
    chat = state.chat(chat_id, create=True, type=kind)
    assert chat is not None
    chat.type, chat.title, chat.username, chat.is_forum = kind, title, username, forum
    chat.bot_status = "left"  # until add_bot
    for user_id in members:
        chat.members[user_id] = "member"
    for user_id in admins:
        chat.members[user_id] = "administrator"
    if owner is not None:
        chat.members[owner] = "creator"
    return chat


def create_topic(state: State, chat: Chat, name: str, *, creator: int | None) -> int:
    """A forum topic: its thread id is the id of the service message that opened it."""
    if not chat.is_forum:
        raise ValueError(f"chat {chat.id} is not a forum")
    thread_id = state.new_message_id(chat)
    chat.topics[thread_id] = name
    message: dict[str, Any] = {
        "message_id": thread_id,
        "date": now(),
        "chat": chat.json(),
        "message_thread_id": thread_id,
        "is_topic_message": True,
        "forum_topic_created": {"name": name, "icon_color": 7322096},
    }
    if creator is not None and creator in state.users:
        message["from"] = state.users[creator]
    state.raw[(chat.id, thread_id)] = message
    return thread_id


def set_bot_status(
    state: State, chat: Chat, bot_user: dict[str, Any], status: str, *, by: int | None
) -> dict[str, Any] | None:
    """Change the bot's membership; with `by` (who did it), Telegram's my_chat_member
    update is queued and returned."""
    old, chat.bot_status = chat.bot_status, status
    if by is None:
        state.changed.notify()
        return None
    user = state.users.get(by) or {"id": by, "is_bot": False, "first_name": "User"}
    payload = {
        "chat": chat.json(),
        "from": user,
        "date": now(),
        "old_chat_member": member_json(chat, bot_user, old),
        "new_chat_member": member_json(chat, bot_user, status),
    }
    return state.add_update("my_chat_member", payload)


def status_of(state: State, chat: Chat, user_id: int, bot_id: int) -> str | None:
    """A user's status in the chat; None for a user Telegram does not know."""
    if user_id == bot_id:
        return chat.bot_status
    if user_id in chat.members:
        return chat.members[user_id]
    if user_id in state.users or user_id in state.chats:
        return "left"
    return None


def get_chat_member(
    state: State, chat: Chat, user_id: int, bot_user: dict[str, Any]
) -> dict[str, Any]:
    """getChatMember: a channel's members are visible to its administrators only."""
    bot_id = int(bot_user["id"])
    if chat.type == "channel" and chat.bot_status != "administrator" and user_id != bot_id:
        raise bad_request("member list is inaccessible")
    status = status_of(state, chat, user_id, bot_id)
    if status is None:
        raise bad_request("user not found")
    user = bot_user if user_id == bot_id else state.users.get(user_id)
    user = user or {"id": user_id, "is_bot": False, "first_name": "User"}
    return member_json(chat, user, status)
