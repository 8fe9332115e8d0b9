-- Enqueue at scale (issue 16): a story for many readers is stored with one fan-out row
-- instead of a row per reader. Its publish queues the first chats (storage/fanout.py);
-- delivery workers queue the rest in chat-id order, a batch per transaction that moves
-- `next_chat` on, so a crash mid-way loses nothing and queues nobody twice. The row goes
-- once every chat is queued; a deleted story takes it along.
CREATE TABLE outbox_fanout (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    topics TEXT[] NOT NULL,               -- strongest first: a chat's reason is its first
    earlier_id BIGINT,                    -- a follow-up's earlier story: its readers are left out
    next_chat BIGINT NOT NULL,            -- chats from this id on are still to be queued
    created_at DOUBLE PRECISION NOT NULL, -- the publish: its rows' created_at and due_at
    watch_chats BIGINT[] NOT NULL DEFAULT '{}',  -- keyword readers, queued after the topics
    watch_ids BIGINT[] NOT NULL DEFAULT '{}',
    watch_terms TEXT[] NOT NULL DEFAULT '{}'
);
