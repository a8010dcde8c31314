-- Distinct stories vs articles per time bucket (needs the clustering issue's article_story view).
with matched as (
    select a.article_id, cast(timezone('UTC', a.published_at) as date) as day
    from filtered_articles($start_ts, $end_ts, $outlets, $langs, $keyword, $topics) as a
),

final as (
    select
        cast(date_trunc($bucket, m.day) as date) as bucket,
        count(*) as articles,
        count(distinct coalesce(s.story_id, m.article_id)) as stories
    from matched as m
    left join article_story_raw as s on s.article_id = m.article_id  -- unassigned: own story
    group by all
)

select * from final
order by bucket
