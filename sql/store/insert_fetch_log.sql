-- One fetch_log row per feed of the batch, with how many of its articles were new.
-- Expects `batch_feeds`; $run_id is bound.
insert into fetch_log
    (
        run_id, feed_url, started_at, duration_ms, http_status, outcome, items_seen, items_new,
        error, warning
    )
with new_counts as (
    select feed_url, count(*) as items_new
    from new_articles
    group by feed_url
)

select
    $run_id,
    s.feed_url,
    s.last_fetch_at,
    s.duration_ms,
    s.last_http_status,
    s.last_status,
    s.items_seen,
    coalesce(n.items_new, 0),
    s.last_error,
    s.last_warning
from batch_feeds as s
left join new_counts as n on n.feed_url = s.feed_url;
