-- Migration 002: stories (issue 7). Translation links from sitemaps and the story of each article.
-- Applied once by mediawatch.store.migrate(); written idempotently all the same.

-- hreflang alternates of an article (its translations), as the sitemap listed them.
-- Unique by (article_id, canonical_url); the key index was dropped by migration 006.
create table if not exists article_links (
    article_id     varchar not null,   -- the article whose sitemap entry listed the alternate
    hreflang       varchar not null,   -- language of the alternate ('uk', 'ru', 'en', ...)
    url            varchar not null,   -- the alternate's URL as given
    canonical_url  varchar not null    -- the same URL canonicalised, to join articles_raw
);

-- The story each article belongs to, assigned incrementally on ingest (mediawatch.stories).
-- story_id is the article_id of the article that founded the story (or the story it merged into).
-- Unique by article_id (no key index since migration 006).
create table if not exists article_story_raw (
    article_id   varchar not null,
    story_id     varchar not null,
    assigned_at  timestamptz not null
);
