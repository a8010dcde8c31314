-- The per-feed counters the writer keeps on ingest (migration 005), filled for the generated
-- articles in one pass, as the migration's backfill does.
update feeds set
    articles = c.articles,
    last_article_at = c.last_article_at
from (
    select feed_url, count(*) as articles, max(published_at) as last_article_at
    from articles_raw
    group by feed_url
) as c
where feeds.feed_url = c.feed_url;
