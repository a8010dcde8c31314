-- Every feed's health (feed_health view) with its articles per day over the selected dates
-- (a sparkline) and a stale flag: no successful fetch within 24 h of the newest fetch of any
-- feed (the database's "now"), or never fetched successfully.
with bounds as (
    select
        coalesce($start_day, cast(timezone('UTC', max(published_at)) as date) - 29) as lo,
        coalesce($end_day, cast(timezone('UTC', max(published_at)) as date)) as hi
    from articles
),

days as (
    select bucket as day from date_buckets((select lo from bounds), (select hi from bounds), 'day')
),

daily as (
    select a.feed_url, cast(timezone('UTC', a.published_at) as date) as day, count(*) as articles
    from articles as a, bounds
    where
        a.published_at >= cast(bounds.lo as timestamptz)
        and a.published_at < cast(bounds.hi + 1 as timestamptz)
    group by all
),

spark as (
    select
        f.feed_url,
        list(coalesce(d.articles, 0) order by dy.day) as articles_per_day,
        cast(sum(coalesce(d.articles, 0)) as bigint) as articles_in_range
    from feed_health as f
    cross join days as dy
    left join daily as d on d.feed_url = f.feed_url and d.day = dy.day
    group by all
),

reference as (
    select max(last_fetch_at) as now_at from feed_health
),

final as (
    select
        f.outlet,
        f.lang,
        f.feed_url,
        f.kind,
        f.last_status,
        f.last_http_status,
        f.last_error,
        f.last_warning,
        f.consecutive_failures,
        f.last_fetch_at,
        f.last_success_at,
        f.next_fetch_at,
        f.articles,
        f.last_article_at,
        coalesce(s.articles_in_range, 0) as articles_in_range,
        coalesce(s.articles_per_day, []) as articles_per_day,
        (
            f.last_success_at is null
            or f.last_success_at < r.now_at - interval 24 hours
        ) as stale
    from feed_health as f
    cross join reference as r
    left join spark as s on s.feed_url = f.feed_url
)

select * from final
order by stale desc, consecutive_failures desc, outlet, feed_url
