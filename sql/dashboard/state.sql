-- Data bounds and freshness: the date picker's limits and the cache version of every other query.
with bounds as (
    select
        count(*) as articles,
        min(published_at) as first_at,
        max(published_at) as last_at,
        max(fetched_at) as last_fetched_at
    from articles
)

select
    articles,
    cast(timezone('UTC', first_at) as date) as first_day,
    cast(timezone('UTC', last_at) as date) as last_day,
    last_fetched_at,
    (select max(last_fetch_at) from feeds) as last_feed_fetch_at
from bounds
