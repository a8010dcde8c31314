-- Matching articles per time bucket and outlet (or language), zero-filled, with their share of
-- all coverage in that bucket (the collection: date/outlet/language filters only).
with scoped as (
    select
        cast(timezone('UTC', a.published_at) as date) as day,
        case when $group_by = 'lang' then a.lang else a.outlet end as grp,
        (
            $keyword = ''
            or regexp_matches(a.title, regexp_escape($keyword), 'i')
            or regexp_matches(a.summary, regexp_escape($keyword), 'i')
        )
        and (
            len($topics) = 0
            or a.article_id in (
                select t.article_id from article_topics as t where list_contains($topics, t.topic)
            )
        ) as is_match
    from articles as a
    where
        a.published_at >= coalesce($start_ts, '-infinity'::timestamptz)
        and a.published_at < coalesce($end_ts, 'infinity'::timestamptz)
        and (len($outlets) = 0 or list_contains($outlets, a.outlet))
        and (len($langs) = 0 or list_contains($langs, a.lang))
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
    select distinct cast(date_trunc($bucket, cast(g.d as date)) as date) as bucket
    from bounds, unnest(generate_series(bounds.lo, bounds.hi, interval 1 day)) as g (d)
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
