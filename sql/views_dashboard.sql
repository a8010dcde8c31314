-- The articles matching the dashboard's sidebar filters, defined once for every dashboard query
-- (sql/dashboard/*.sql) and for ad-hoc SQL (docs/sql.md). Macros: DuckDB expands them into the
-- calling query at bind time, so a query plans as if the conditions were written out.
--   start_ts, end_ts: half-open range [start_ts, end_ts) on published_at; null = unbounded
--   outlets, langs, topics: lists, empty = all (topics: tagged with any of them)
--   keyword: case-insensitive literal substring (not a pattern) of title or summary; '' = all

-- keyword: the dashboard passes it trimmed and lower-cased (dashboard.filters.Filters.keyword_norm)
create or replace macro matches_keyword(title, summary, keyword) as
    keyword = ''
    or regexp_matches(title, regexp_escape(keyword), 'i')
    or regexp_matches(summary, regexp_escape(keyword), 'i');

create or replace macro in_topics(article_id, topics) as
    len(topics) = 0
    or article_id in (
        select t.article_id from article_topics as t where list_contains(topics, t.topic)
    );

-- The collection: the date, outlet and language filters only (the base of shares).
create or replace macro collection_articles(start_ts, end_ts, outlets, langs) as table
select a.*
from articles as a
where
    a.published_at >= coalesce(start_ts, '-infinity'::timestamptz)
    and a.published_at < coalesce(end_ts, 'infinity'::timestamptz)
    and (len(outlets) = 0 or list_contains(outlets, a.outlet))
    and (len(langs) = 0 or list_contains(langs, a.lang));

-- Every sidebar filter.
create or replace macro filtered_articles(start_ts, end_ts, outlets, langs, keyword, topics)
as table
select a.*
from collection_articles(start_ts, end_ts, outlets, langs) as a
where matches_keyword(a.title, a.summary, keyword) and in_topics(a.article_id, topics);

-- Every `unit` bucket ('day', 'week') from day lo to day hi, so charts show empty days as zero.
create or replace macro date_buckets(lo, hi, unit) as table
select distinct cast(date_trunc(unit, cast(g.d as date)) as date) as bucket
from unnest(generate_series(lo, hi, interval 1 day)) as g (d);
