-- Story views (issue 7): one story = the same news across outlets, rewrites and translations.
-- Re-created on every migrate after views.sql; see docs/stories.md for how stories are formed.

-- The story of every article; an article not yet assigned is a story of its own.
create or replace view article_story as
select
    a.article_id,
    coalesce(s.story_id, a.article_id) as story_id
from articles_raw as a
left join article_story_raw as s on s.article_id = a.article_id;

-- One row per story: who reported it first, how far it travelled (outlets) and in which languages.
-- Assigned stories come from stories_raw (kept by the writer, migration 004); an article not yet
-- assigned is a story of its own.
create or replace view stories as
select
    story_id,
    first_seen,
    first_outlet,
    articles,
    outlets,
    langs,
    title,
    last_seen,
    outlet_list
from stories_raw
union all
select
    a.article_id as story_id,
    a.published_at as first_seen,
    a.outlet as first_outlet,
    1::bigint as articles,
    1::bigint as outlets,
    [a.lang] as langs,
    a.title,
    a.published_at as last_seen,
    [a.outlet] as outlet_list
from articles_raw as a
anti join article_story_raw as s on s.article_id = a.article_id;

-- Per UTC day: articles published, and the distinct stories they belong to.
create or replace view daily_stories as
with per_article as (
    select
        cast(timezone('UTC', a.published_at) as date) as day,
        m.story_id
    from article_story as m
    inner join articles_raw as a on a.article_id = m.article_id
),

first_days as (
    select cast(timezone('UTC', first_seen) as date) as day, count(*) as new_stories
    from stories
    group by all
),

final as (
    select
        p.day,
        count(distinct p.story_id) as stories,
        count(*) as articles,
        coalesce(any_value(f.new_stories), 0) as new_stories
    from per_article as p
    left join first_days as f on f.day = p.day
    group by p.day
)

select * from final;
