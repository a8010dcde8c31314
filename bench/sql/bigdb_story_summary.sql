-- Story summaries (stories_raw, migration 004) of the generated assignments, as the writer keeps them.
-- Run once per $part of $parts (by story hash): one pass over 10 M rows outgrows the memory limit.
insert into stories_raw by name
select
    s.story_id,
    min(a.published_at) as first_seen,
    arg_min(a.article_id, (a.published_at, a.article_id)) as first_article_id,
    arg_min(a.outlet, (a.published_at, a.article_id)) as first_outlet,
    count(*) as articles,
    count(distinct a.outlet) as outlets,
    list_sort(list(distinct a.outlet)) as outlet_list,
    list_sort(list(distinct a.lang)) as langs,
    arg_min(a.title, (a.title_is_slug, a.published_at, a.article_id)) as title,
    arg_min(a.title_is_slug, (a.title_is_slug, a.published_at, a.article_id)) as title_is_slug,
    arg_min(a.published_at, (a.title_is_slug, a.published_at, a.article_id)) as title_published_at,
    arg_min(a.article_id, (a.title_is_slug, a.published_at, a.article_id)) as title_article_id,
    max(a.published_at) as last_seen
from article_story_raw as s
inner join articles_raw as a on a.article_id = s.article_id
where hash(s.story_id) % $parts = $part
group by s.story_id;
