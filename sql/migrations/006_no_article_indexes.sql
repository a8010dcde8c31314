-- Migration 006: the four tables that grow with every article lose their PRIMARY KEY indexes.
--
-- Why: a DuckDB primary key is an ART index, and every checkpoint (each writer connection
-- closes with one, once a batch) rewrites the index pages its random-hash keys touched. Into a
-- 1 M-article database that was ~0.6 s a batch (bench: docs/performance.md), growing with the
-- history, not with the batch. Uniqueness never depended on the keys: every insert of the
-- writer de-duplicates itself (anti-join on the key, in the batch transaction; one writer per
-- file), exactly as on DuckLake, which has no keys at all (tests/test_reliability*.py rerun and
-- crash cases check it). The dashboard and the views never look rows up by key.
--
-- How: DuckDB cannot drop a key in place, so each table is rebuilt with the same columns
-- (sql/schema.sql and 002_stories.sql now create them without keys), in the migration's
-- transaction. One-off cost: about 2 s per million articles.

create table articles_raw_006 (
    article_id              varchar not null,
    canonical_url           varchar not null,
    url                     varchar not null,
    guid                    varchar,
    feed_url                varchar not null,
    outlet                  varchar not null,
    title                   varchar not null,
    summary                 varchar not null,
    lang                    varchar not null,
    published_at            timestamptz not null,
    published_at_estimated  boolean not null,
    fetched_at              timestamptz not null,
    title_is_slug           boolean not null default false,
    run_id                  varchar
);
insert into articles_raw_006 by name select * from articles_raw;
drop table articles_raw;
alter table articles_raw_006 rename to articles_raw;

create table article_topics_raw_006 (
    article_id     varchar not null,
    topic          varchar not null,
    matched_terms  varchar[] not null,
    rules_version  varchar not null,
    tagged_at      timestamptz not null default now()
);
insert into article_topics_raw_006 by name select * from article_topics_raw;
drop table article_topics_raw;
alter table article_topics_raw_006 rename to article_topics_raw;

create table article_links_006 (
    article_id     varchar not null,
    hreflang       varchar not null,
    url            varchar not null,
    canonical_url  varchar not null
);
insert into article_links_006 by name select * from article_links;
drop table article_links;
alter table article_links_006 rename to article_links;

create table article_story_raw_006 (
    article_id   varchar not null,
    story_id     varchar not null,
    assigned_at  timestamptz not null
);
insert into article_story_raw_006 by name select * from article_story_raw;
drop table article_story_raw;
alter table article_story_raw_006 rename to article_story_raw;
