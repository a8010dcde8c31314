-- Stories with at least one matching article, widest reach (number of outlets) first.
with matched as (
    select a.article_id
    from filtered_articles($start_ts, $end_ts, $outlets, $langs, $keyword, $topics) as a
),

hit as (
    select distinct s.story_id
    from article_story_raw as s
    semi join matched as m on m.article_id = s.article_id
),

-- Summaries of the stories that were hit, kept by the writer (stories_raw, migration 004);
-- a matched article with no story assigned (pre-002) is a story of its own.
final as (
    select r.story_id, r.first_seen, r.first_outlet, r.outlets, r.articles, r.langs, r.title
    from stories_raw as r
    semi join hit as h on h.story_id = r.story_id
    union all
    select
        a.article_id as story_id,
        a.published_at as first_seen,
        a.outlet as first_outlet,
        1::bigint as outlets,
        1::bigint as articles,
        [a.lang] as langs,
        a.title
    from matched as m
    inner join articles as a on a.article_id = m.article_id
    anti join article_story_raw as s on s.article_id = m.article_id
)

select * from final
order by outlets desc, articles desc, first_seen desc
limit $limit
