-- Matching articles per time bucket and outlet (or language), zero-filled, with their share of
-- all coverage in that bucket (the collection: date/outlet/language filters only).
with scoped as (
    select
        cast(timezone('UTC', a.published_at) as date) as day,
        case when $group_by = 'lang' then a.lang else a.outlet end as grp,
        matches_keyword(a.title, a.summary, $keyword)
        and in_topics(a.article_id, $topics) as is_match
    from collection_articles($start_ts, $end_ts, $outlets, $langs) as a
),

per_group as (
    select
        cast(date_trunc($bucket, day) as date) as bucket,
        grp,
        count(*) filter (where is_match) as articles,
        count(*) as collection
    from scoped
    group by all
),

totals as (
    select bucket, cast(sum(collection) as bigint) as total
    from per_group
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

groups as (
    select distinct grp from per_group where articles > 0
),

final as (
    select
        b.bucket,
        g.grp as "group",
        coalesce(p.articles, 0) as articles,
        coalesce(t.total, 0) as total,
        coalesce(p.articles, 0) / nullif(t.total, 0) as share
    from buckets as b
    cross join groups as g
    left join per_group as p on p.bucket = b.bucket and p.grp = g.grp
    left join totals as t on t.bucket = b.bucket
)

select * from final
order by bucket, "group"
