-- A story's lead image (og:image / twitter:image, media:content / media:thumbnail, an
-- image enclosure, JSON Feed image): its absolute http(s) URL, NULL when it has none.
-- Previews and review drafts carry it until they are published.
ALTER TABLE articles ADD COLUMN image TEXT;
ALTER TABLE previews ADD COLUMN image TEXT;
ALTER TABLE feed_drafts ADD COLUMN image TEXT;
