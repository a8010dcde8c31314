-- Tagged articles per time bucket and topic, zero-filled, with their share of all coverage in
-- the bucket and (daily granularity) a trailing 7-day rolling mean of both.
with scoped as (
    select
        a.article_id,
        cast(timezone('UTC', a.published_at) as date) as day,
        matches_keyword(a.title, a.summary, $keyword) as is_match
    from collection_articles($start_ts, $end_ts, $outlets, $langs) as a
),

totals as (
    select cast(date_trunc($bucket, day) as date) as bucket, count(*) as total
    from scoped
    group by all
),

tagged as (
    select
        cast(date_trunc($bucket, s.day) as date) as bucket,
        t.topic,
        count(*) as articles
    from scoped as s
    inner join article_topics as t on t.article_id = s.article_id
    where s.is_match and (len($topics) = 0 or list_contains($topics, t.topic))
    group by all
),

bounds as (
    select
        coalesce($start_day, min(day)) as lo,
        coalesce($end_day, max(day)) as hi
    from scoped
),

buckets as (
    select bucket from date_buckets((select lo from bounds), (select hi from bounds), $bucket)
),

topic_list as (
    select distinct topic from tagged
),

grid as (
    select
        b.bucket,
        tl.topic,
        coalesce(tg.articles, 0) as articles,
        coalesce(tt.total, 0) as total
    from buckets as b
    cross join topic_list as tl
    left join tagged as tg on tg.bucket = b.bucket and tg.topic = tl.topic
    left join totals as tt on tt.bucket = b.bucket
),

final as (
    select
        bucket,
        topic,
        articles,
        total,
        articles / nullif(total, 0) as share,
        case when $bucket = 'day' then avg(articles) over w end as rolling_articles,
        case
            when $bucket = 'day' then sum(articles) over w / nullif(sum(total) over w, 0)
        end as rolling_share
    from grid
    window w as (partition by topic order by bucket rows between 6 preceding and current row)
)

select * from final
order by topic, bucket
