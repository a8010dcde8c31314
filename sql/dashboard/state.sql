-- Data bounds and freshness: the date picker's limits and the cache version of every other query.
select
    count(*) as articles,
    cast(min(timezone('UTC', published_at)) as date) as first_day,
    cast(max(timezone('UTC', published_at)) as date) as last_day,
    max(fetched_at) as last_fetched_at,
    (select max(last_fetch_at) from feeds) as last_feed_fetch_at
from articles
