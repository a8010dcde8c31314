-- Write back validators, health and schedule for the feeds of this batch.
-- Expects `batch_feeds` with one row per feed fetched in the batch.
update feeds set
    etag = s.etag,
    last_modified = s.last_modified,
    last_fetch_at = s.last_fetch_at,
    last_status = s.last_status,
    last_http_status = s.last_http_status,
    last_error = s.last_error,
    consecutive_failures = s.consecutive_failures,
    failure_weight = s.failure_weight,
    next_fetch_at = s.next_fetch_at,
    retry_after_until = s.retry_after_until,
    last_success_at = coalesce(s.last_success_at, feeds.last_success_at),
    redirected_to = coalesce(s.redirected_to, feeds.redirected_to),
    -- a new document replaces the complaint; a 304 or an error keeps the last one's
    last_warning = case when s.last_status = 'ok' then s.last_warning else feeds.last_warning end
from batch_feeds as s
where feeds.feed_url = s.feed_url;

-- Per-feed counters read by the feed_health view (migration 005): add this batch's new
-- articles (`new_articles`, staged by store/stage_new_articles) to the feeds that brought them.
update feeds set
    articles = coalesce(feeds.articles, 0) + n.articles,
    last_article_at = greatest(feeds.last_article_at, n.last_article_at)
from (
    select feed_url, count(*) as articles, max(published_at) as last_article_at
    from new_articles
    group by feed_url
) as n
where feeds.feed_url = n.feed_url;
