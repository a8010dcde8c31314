-- Migration 005: per-feed article counters kept by the writer (issue 6), so the feed_health
-- view no longer counts every article per feed on each read (0.9-1.3 s at 10 M articles).
-- articles = articles first seen through the feed; last_article_at = their newest published_at.
-- store/update_feed_states adds each batch's new articles in the batch transaction.

alter table feeds add column if not exists articles bigint default 0;

alter table feeds add column if not exists last_article_at timestamptz;

-- backfill from the articles already stored
update feeds set
    articles = c.articles,
    last_article_at = c.last_article_at
from (
    select feed_url, count(*) as articles, max(published_at) as last_article_at
    from articles_raw
    group by feed_url
) as c
where feeds.feed_url = c.feed_url;
