-- mediawatch storage: the tables (version 1).
-- Applied on every connect by mediawatch.store.migrate(); every statement is idempotent.
-- Users should query the views in views.sql, not these tables: the views are the stable API.

create table if not exists schema_version (
    version     integer primary key,
    applied_at  timestamptz not null default now()
);

-- One row per feed ever listed in seeds/feeds.csv: HTTP validators, health and schedule state.
create table if not exists feeds (
    feed_url              varchar primary key,
    outlet                varchar not null,
    lang                  varchar,            -- declared language of the feed (a hint)
    country               varchar,
    kind                  varchar not null default 'rss',   -- 'rss' | 'sitemap'
    poll_minutes          integer not null default 15,
    added_at              timestamptz not null default now(),
    etag                  varchar,
    last_modified         varchar,
    last_fetch_at         timestamptz,
    last_status           varchar,            -- 'ok' | 'not_modified' | 'error'
    last_http_status      integer,
    last_error            varchar,
    consecutive_failures  integer not null default 0,
    failure_weight        double not null default 0,
    next_fetch_at         timestamptz,
    retry_after_until     timestamptz,        -- server asked us to wait until then
    last_success_at       timestamptz,
    redirected_to         varchar             -- target of a permanent redirect (301/308)
);

-- One row per distinct article (canonical URL), whichever feed saw it first. Unique by article_id:
-- the writer's anti-join keeps it so (no key index: see sql/migrations/006_no_article_indexes.sql).
create table if not exists articles_raw (
    article_id              varchar not null,      -- stable hash of the canonical URL (GUID fallback)
    canonical_url           varchar not null,
    url                     varchar not null,
    guid                    varchar,
    feed_url                varchar not null,
    outlet                  varchar not null,
    title                   varchar not null,
    summary                 varchar not null,
    lang                    varchar not null,
    published_at            timestamptz not null,
    published_at_estimated  boolean not null,      -- true: no usable date in the feed, fetch time used
    fetched_at              timestamptz not null,
    title_is_slug           boolean not null default false,
    run_id                  varchar
);

-- Topic tags with the terms that matched, so a user can see why. Unique by (article_id, topic).
create table if not exists article_topics_raw (
    article_id     varchar not null,
    topic          varchar not null,
    matched_terms  varchar[] not null,
    rules_version  varchar not null,
    tagged_at      timestamptz not null default now()
);

-- One row per feed per run: what happened.
create table if not exists fetch_log (
    run_id       varchar not null,
    feed_url     varchar not null,
    started_at   timestamptz not null,
    duration_ms  integer,
    http_status  integer,
    outcome      varchar not null,     -- 'ok' | 'not_modified' | 'error' | 'deferred'
    items_seen   integer not null default 0,
    items_new    integer not null default 0,
    error        varchar
);

-- One row per ingest/retag/demo run.
create table if not exists runs (
    run_id        varchar primary key,
    kind          varchar not null,    -- 'ingest' | 'demo' | 'retag'
    started_at    timestamptz not null,
    finished_at   timestamptz,
    feeds         integer,
    new_articles  integer,
    errors        integer
);

-- Key/value facts about the database (e.g. built_by = 'demo' for the sample-data banner).
create table if not exists meta (
    key    varchar primary key,
    value  varchar
);
