-- Validators and schedule state of every known feed (read before a run).
select
    feed_url,
    etag,
    last_modified,
    next_fetch_at,
    retry_after_until,
    consecutive_failures,
    failure_weight,
    redirected_to
from feeds;
