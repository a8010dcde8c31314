-- The newest matching articles (optionally narrowed to one day and/or one topic) with their
-- topics and the terms that matched, for the Articles table and its CSV export.
with matched as (
    select
        a.article_id,
        a.published_at,
        a.outlet,
        a.lang,
        a.title,
        a.url
    from filtered_articles($start_ts, $end_ts, $outlets, $langs, $keyword, $topics) as a
    where
        ($day is null or cast(timezone('UTC', a.published_at) as date) = $day)
        and (
            $topic is null
            or a.article_id in (select t.article_id from article_topics as t where t.topic = $topic)
        )
),

page as (
    select * from matched
    order by published_at desc, article_id
    limit $limit
),

tags as (
    select
        t.article_id,
        list(t.topic order by t.topic) as topics,
        string_agg(t.topic || ': ' || array_to_string(t.matched_terms, ', '), '; ' order by t.topic)
            as matched_terms
    from article_topics as t
    semi join page as p on p.article_id = t.article_id
    group by all
),

final as (
    select
        p.published_at,
        p.outlet,
        p.lang,
        p.title,
        p.url,
        coalesce(tg.topics, []) as topics,
        coalesce(tg.matched_terms, '') as matched_terms,
        p.article_id
    from page as p
    left join tags as tg on tg.article_id = p.article_id
)

select * from final
order by published_at desc, article_id
