-- Enqueue at scale (issue 16: one story for 1,000,000 readers). A foreign-key check runs
-- once per inserted row and locks the referenced row (FOR KEY SHARE writes every chat's
-- tuple): about half the time of queueing 1M rows. The outbox's rows are only ever
-- written from joins with chats and the article just stored (storage/articles.py), so
-- the checks are dropped; their cascades stay, as triggers on the parents. A chat
-- deleted or migrated while a publish is under way can leave rows for its old id; they
-- are never claimed (every claim joins chats). With the key, that publish failed instead.
ALTER TABLE outbox DROP CONSTRAINT outbox_article_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_chat_id_fkey;

CREATE FUNCTION outbox_follow_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbox WHERE article_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_outbox AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION outbox_follow_article();

CREATE FUNCTION outbox_follow_chat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM outbox WHERE chat_id = OLD.id;
    ELSIF NEW.id IS DISTINCT FROM OLD.id THEN
        UPDATE outbox SET chat_id = NEW.id WHERE chat_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER chats_outbox AFTER DELETE OR UPDATE OF id ON chats
    FOR EACH ROW EXECUTE FUNCTION outbox_follow_chat();
