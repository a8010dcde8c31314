-- mediawatch views: the documented, stable API for ad-hoc SQL (see docs/sql.md).
-- Re-created on every migrate; columns are only ever added, never renamed or removed.

-- One row per distinct article.
create or replace view articles as
select
    article_id,
    url,
    title,
    summary,
    lang,
    outlet,
    feed_url,
    published_at,
    fetched_at,
    published_at_estimated,
    canonical_url,
    guid
from articles_raw;

-- One row per (article, topic) tag; matched_terms says why the tag was given.
create or replace view article_topics as
select
    article_id,
    topic,
    matched_terms,
    rules_version
from article_topics_raw;

-- Health and schedule of every feed, with the number of articles it contributed.
-- articles / last_article_at are counters the writer keeps per batch (migration 005), so
-- reading this view does not scan articles_raw.
create or replace view feed_health as
select
    feed_url,
    outlet,
    lang,
    kind,
    last_fetch_at,
    last_status,
    last_http_status,
    last_error,
    consecutive_failures,
    last_success_at,
    coalesce(articles, 0) as articles,
    last_article_at,
    next_fetch_at,
    retry_after_until,
    redirected_to,
    poll_minutes,
    last_warning  -- added in migration 007: new columns go last
from feeds;

-- Articles per UTC day, outlet and language.
create or replace view daily_coverage as
select
    cast(timezone('UTC', published_at) as date) as day,
    outlet,
    lang,
    count(*) as articles
from articles_raw
group by all;

-- Tagged articles per UTC day and topic, and their share of all articles that day.
create or replace view daily_topics as
with per_day as (
    select cast(timezone('UTC', published_at) as date) as day, count(*) as total
    from articles_raw
    group by all
),

per_topic as (
    select cast(timezone('UTC', a.published_at) as date) as day, t.topic, count(*) as articles
    from article_topics_raw as t
    inner join articles_raw as a on a.article_id = t.article_id
    group by all
),

final as (
    select
        p.day,
        p.topic,
        p.articles,
        p.articles / d.total as share_of_coverage
    from per_topic as p
    inner join per_day as d on d.day = p.day
)

select * from final;
