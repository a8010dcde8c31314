-- Keep stories_raw for the stories this batch touched: the new articles' stories and the stories
-- merged into them. Folds the stored summaries of those stories with the new articles' rows, so
-- the cost is O(touched stories), never a re-aggregation of their members.
-- Expects `story_assignments(article_id, story_id)` (final story ids), `story_merges(old_story_id,
-- new_story_id)` (may be empty) and the `new_articles` temp table.
create or replace temp table story_summary_touched as
select story_id from story_assignments
union
select old_story_id from story_merges
union
select new_story_id from story_merges;

create or replace temp table story_summary_rows as
with parts as (
    select
        coalesce(m.new_story_id, r.story_id) as story_id,
        r.first_seen,
        r.first_article_id,
        r.first_outlet,
        r.articles,
        r.outlet_list,
        r.langs,
        r.title,
        r.title_is_slug,
        r.title_published_at,
        r.title_article_id,
        r.last_seen
    from stories_raw as r
    semi join story_summary_touched as t on t.story_id = r.story_id
    left join story_merges as m on m.old_story_id = r.story_id
    union all
    select
        s.story_id,
        a.published_at,
        a.article_id,
        a.outlet,
        1,
        [a.outlet],
        [a.lang],
        a.title,
        a.title_is_slug,
        a.published_at,
        a.article_id,
        a.published_at
    from story_assignments as s
    inner join new_articles as a on a.article_id = s.article_id
)

select
    story_id,
    min(first_seen) as first_seen,
    arg_min(first_article_id, (first_seen, first_article_id)) as first_article_id,
    arg_min(first_outlet, (first_seen, first_article_id)) as first_outlet,
    sum(articles)::bigint as articles,
    len(list_distinct(flatten(list(outlet_list)))) as outlets,
    list_sort(list_distinct(flatten(list(outlet_list)))) as outlet_list,
    list_sort(list_distinct(flatten(list(langs)))) as langs,
    arg_min(title, (title_is_slug, title_published_at, title_article_id)) as title,
    min(title_is_slug) as title_is_slug,
    arg_min(title_published_at, (title_is_slug, title_published_at, title_article_id))
        as title_published_at,
    arg_min(title_article_id, (title_is_slug, title_published_at, title_article_id))
        as title_article_id,
    max(last_seen) as last_seen
from parts
group by story_id;

delete from stories_raw
where story_id in (select story_id from story_summary_touched);

insert into stories_raw by name
select * from story_summary_rows;

drop table story_summary_touched;

drop table story_summary_rows;
