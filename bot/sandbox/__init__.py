"""A local stand-in for the Telegram Bot API, for tests, benchmarks and the demo.

`Sandbox` is a real HTTP server on 127.0.0.1 (random port by default) that speaks
the Bot API subset newsbot uses, answers like Telegram (same JSON, status codes and
error texts, so python-telegram-bot raises its usual exceptions), enforces
Telegram's flood limits, and can inject faults. A control API lets a test act as
users and read what each chat received.

In a test (the bot runs in-process)::

    from telegram import Bot
    from bot.sandbox import Sandbox

    async with Sandbox() as sb:                       # token "123456:SANDBOX"
        bot = Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url)
        # or ApplicationBuilder().token(sb.token).base_url(sb.base_url)
        #                        .base_file_url(sb.base_file_url)
        sb.inject_message(42, "/start")               # private chat 42, user 42
        ...                                           # let the bot handle updates
        [reply] = await sb.wait_for_messages(42, 1)   # never sleep blindly
        assert "Вітаю" in reply.text

Bot API (POST or GET /bot<token>/<method>, form, multipart or JSON): getMe,
getUpdates (long poll; offset confirms), setWebhook / deleteWebhook / getWebhookInfo
(`webhook.py`: updates POSTed to the URL with the secret-token header, retried until
answered 2xx; getUpdates answers 409 meanwhile; http:// URLs allowed),
set/get/deleteMyCommands, sendMessage, sendPhoto, sendDocument, editMessageText,
editMessageCaption, editMessageReplyMarkup, deleteMessage (editing.py), sendChatAction,
answerCallbackQuery, answerInlineQuery, getFile (+ GET /file/bot<token>/<file_path>),
getChat (also by @username), getChatMember. A wrong token gets 401; an unknown method 404.

What it checks like Telegram: empty text, text over 4096 / caption over 1024
UTF-16 units after parsing (HTML, or `caption_entities` given instead: parse_mode is
then ignored), Telegram-HTML markup (`html.parse_html`), `link_preview_options` (an
object; flags booleans, `url` a string),
callback_data over 64 bytes (BUTTON_DATA_INVALID), unknown chat ("chat not
found": a chat is known once a user wrote from it or `register_chat` was called),
blocked (403) and deactivated (403) users, migrated groups (400 with
migrate_to_chat_id). Stricter than Telegram: more than 100 entities is a 400 here
(Telegram silently drops the formatting).

Flood limits (`limits.py`; on by default, `Sandbox(limits=False)` or
`set_limits(False)` lifts them): 30 sends/s overall (`global_per_s`), a private
chat at most 3 sends in any rolling 3 s (1/s on average, a reply burst of 3
passes, as on Telegram), a group or channel 20 per rolling minute (its forum topics
together; edits count there and overall too); a send with
`allow_paid_broadcast` skips the 30/s but every send counts in 1000/s. Over the limit: 429 with
retry_after; the message is not delivered; `stats()["rate_limited"]` counts them.

Control API, in Python (and as JSON at /control/<name>, see `control.py`):

- users act: `inject_message(user_id, text, *, chat_id=None, language_code="uk",
  first_name="User", username=None, reply_to_message_id=None, document=None,
  forward_origin=None) -> update` (document: `Upload(bytes, file_name, mime_type)`,
  a (bytes, name, mime) tuple or a dict; the bot can getFile and download it),
  `inject_callback(user_id, chat_id, message_id, data) -> query id`,
  `inject_inline_query(user_id, query, offset="") -> query id`,
  `register_chat(chat_id, *, type=None, language_code="uk")`, `register_chats(chat_ids)`;
- chats change: `block_chat`, `unblock_chat`, `deactivate`, `migrate_group(old, new)`;
- photos: sendPhoto takes an uploaded file, a file_id or an http(s) URL (Telegram
  fetches it: the sandbox does not, and accepts it) — `refuse_photo_url(url,
  reason="wrong type of the web page content")` makes a URL fail as Telegram does
  when it cannot use it (or "failed to get HTTP URL content");
- groups and channels (`members.py`): `create_channel(id, title, *, username=None,
  owner=None, admins=None)`, `create_group(id, title, *, username=None, forum=False, owner,
  admins, members)`, `create_topic(chat_id, name) -> message_thread_id`, `delete_topic`,
  `set_member(chat_id, user_id, status)`, `add_bot(chat_id, by=None, status=
  "administrator")` and `remove_bot(chat_id, by=None)` (with `by`, the my_chat_member
  update is queued), `age_messages(chat_id, seconds)` (deleting is refused after 48 h);
  `inject_message(..., message_thread_id=N)` writes in a forum topic and
  `forward_origin={"chat": channel_id}` forwards a post of a known channel;
- knobs: `set_limits(enabled, global_per_s=30, private_burst=None,
  group_per_min=None)`, `set_faults(error_rate=0, timeout_rate=0, hang_s=10,
  latency_s=0, burst_429=0, retry_after=1, seed=None, jitter_s=0)` (a hung send is
  still delivered after hang_s: a client that timed out may have sent it; jitter_s: a
  random delay up to it before each request is counted, a busy machine's transit);
- reading: `messages(chat_id) -> list[SentMessage]` (text/caption as sent,
  `plain` as displayed, entities (the text's or caption's, as Telegram reports them),
  parse_mode, reply_markup, reply_to_message_id, edits, kind, photo (URL or file_id
  as given), link_preview_options, sent_at, ...), `message_counts()` ([chat_id, n]
  pairs), `all_messages()`,
  `callback_answers`, `callback_answer(id)`,
  `inline_answers(query_id)`, `commands` (default scope, by language),
  `commands_for(lang, scope)`, `pending_updates()`, `file_content(file_id)`,
  `stats()`;
- waiting: `await wait_for_messages(chat_id, count, timeout=5.0)`,
  `await wait_until(predicate, timeout=5.0)`; both raise TimeoutError.

From a shell: `curl -d '{"user_id": 42, "text": "/start"}'
http://127.0.0.1:PORT/control/inject_message`.
"""

from bot.sandbox.html import HtmlError, parse_html, utf16_len
from bot.sandbox.params import Upload
from bot.sandbox.server import Sandbox
from bot.sandbox.state import SentMessage

__all__ = ["HtmlError", "Sandbox", "SentMessage", "Upload", "parse_html", "utf16_len"]
