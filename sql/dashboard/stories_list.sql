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

hit as (
    select distinct s.story_id
    from article_story as s
    semi join matched as m on m.article_id = s.article_id
),

-- Aggregate only the stories that were hit (the stories view would aggregate every story);
-- definitions follow the stories view (sql/views_stories.sql).
members as (
    select s.story_id, a.article_id, a.outlet, a.lang, a.title, a.published_at
    from article_story as s
    semi join hit as h on h.story_id = s.story_id
    inner join articles as a on a.article_id = s.article_id
),

final as (
    select
        story_id,
        min(published_at) as first_seen,
        arg_min(outlet, (published_at, article_id)) as first_outlet,
        count(distinct outlet) as outlets,
        count(*) as articles,
        list_sort(list(distinct lang)) as langs,
        arg_min(title, (published_at, article_id)) as title
    from members
    group by story_id
)

select * from final
order by outlets desc, articles desc, first_seen desc
limit $limit
