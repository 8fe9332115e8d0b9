-- Follow-ups: a later telling of a story points at its first telling, and keeps what it
-- added (new quotes and summary sentences, JSON list of texts) so an update can mark them.
ALTER TABLE articles ADD COLUMN followup_of INTEGER;
ALTER TABLE articles ADD COLUMN news TEXT;
CREATE INDEX articles_by_followup ON articles (followup_of);
