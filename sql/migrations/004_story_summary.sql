-- Migration 004: one summary row per story (stories_raw), kept by the writer for the stories it
-- touches (mediawatch.stories, sql/store/stories_summary.sql) in the batch transaction, so the
-- `stories` view and the story dashboard queries no longer aggregate every article.
-- Articles without an article_story_raw row (pre-002) are singleton stories left to the view.
create table if not exists stories_raw (
    story_id            varchar not null,
    first_seen          timestamptz not null,
    first_article_id    varchar not null,   -- tie-break of first_seen (as the view's arg_min)
    first_outlet        varchar,
    articles            bigint not null,
    outlets             bigint not null,
    outlet_list         varchar[] not null, -- sorted distinct outlets
    langs               varchar[] not null, -- sorted distinct languages
    title               varchar,            -- earliest non-slug headline (slug only if none)
    title_is_slug       boolean,            -- the key of `title`: (slug, published, article)
    title_published_at  timestamptz,
    title_article_id    varchar,
    last_seen           timestamptz not null
);

-- Backfill from the assignments stored so far.
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
where not exists (select 1 from stories_raw)
group by s.story_id;
