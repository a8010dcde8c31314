-- Stories with at least one matching article, widest reach (number of outlets) first.
with matched as (
    select a.article_id
    from articles as a
    where
        a.published_at >= coalesce($start_ts, '-infinity'::timestamptz)
        and a.published_at < coalesce($end_ts, 'infinity'::timestamptz)
        and (len($outlets) = 0 or list_contains($outlets, a.outlet))
        and (len($langs) = 0 or list_contains($langs, a.lang))
        and (
            $keyword = ''
            or contains(lower(a.title), $keyword)
            or contains(lower(a.summary), $keyword)
        )
        and (
            len($topics) = 0
            or a.article_id in (
                select t.article_id from article_topics as t where list_contains($topics, t.topic)
            )
        )
),

hit as (
    select distinct s.story_id
    from article_story as s
    semi join matched as m on m.article_id = s.article_id
),

final as (
    select st.story_id, st.first_seen, st.first_outlet, st.outlets, st.articles, st.langs, st.title
    from stories as st
    semi join hit as h on h.story_id = st.story_id
)

select * from final
order by outlets desc, articles desc, first_seen desc
limit $limit
