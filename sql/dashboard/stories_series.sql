-- Distinct stories vs articles per time bucket (needs the clustering issue's article_story view).
with matched as (
    select a.article_id, cast(timezone('UTC', a.published_at) as date) as day
    from articles as a
    where
        a.published_at >= coalesce($start_ts, '-infinity'::timestamptz)
        and a.published_at < coalesce($end_ts, 'infinity'::timestamptz)
        and (len($outlets) = 0 or list_contains($outlets, a.outlet))
        and (len($langs) = 0 or list_contains($langs, a.lang))
        and (
            $keyword = ''
            or regexp_matches(a.title, regexp_escape($keyword), 'i')
            or regexp_matches(a.summary, regexp_escape($keyword), 'i')
        )
        and (
            len($topics) = 0
            or a.article_id in (
                select t.article_id from article_topics as t where list_contains($topics, t.topic)
            )
        )
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
