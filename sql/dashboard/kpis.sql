-- Headline numbers for the current period and the equally long period before it.
-- matched = passes every filter; collection = passes date/outlet/language only (the share base).
with scoped as (
    select
        a.outlet,
        a.lang,
        a.article_id in (select t.article_id from article_topics as t) as tagged,
        case
            when a.published_at >= coalesce($start_ts, '-infinity'::timestamptz)
                then 'current'
            else 'previous'
        end as period,
        matches_keyword(a.title, a.summary, $keyword)
        and in_topics(a.article_id, $topics) as is_match
    from collection_articles(coalesce($prev_start_ts, $start_ts), $end_ts, $outlets, $langs) as a
),

periods as (
    select unnest(['current', 'previous']) as period
),

per_period as (
    select
        period,
        count(*) filter (where is_match) as articles,
        count(distinct outlet) filter (where is_match) as outlets,
        count(distinct lang) filter (where is_match) as langs,
        count(*) filter (where is_match and tagged) as tagged,
        count(*) as collection
    from scoped
    group by all
),

final as (
    select
        p.period,
        coalesce(pp.articles, 0) as articles,
        coalesce(pp.outlets, 0) as outlets,
        coalesce(pp.langs, 0) as langs,
        coalesce(pp.tagged, 0) as tagged,
        coalesce(pp.collection, 0) as collection,
        pp.tagged / nullif(pp.articles, 0) as tagged_share,
        pp.articles / nullif(pp.collection, 0) as share_of_coverage
    from periods as p
    left join per_period as pp on pp.period = p.period
)

select * from final
order by period
