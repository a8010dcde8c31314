-- Migration 003: topic-spike alerts (issue 8), written by the `detect-spikes` flow.
-- One row per (day, topic, lang): re-running detection updates the numbers, never adds a row.

create table if not exists alerts_raw (
    day            date not null,          -- UTC day of the spike
    topic          varchar not null,
    lang           varchar not null,       -- article language, or 'all' for every language
    articles       integer not null,       -- tagged articles that day
    baseline_mean  double not null,        -- mean per day over the trailing window
    baseline_std   double not null,        -- sample standard deviation over the window
    zscore         double not null,        -- (articles - mean) / max(std, std_floor)
    ratio          double not null,        -- articles / max(mean, mean_floor)
    detected_at    timestamptz not null,   -- first run that found the spike
    updated_at     timestamptz not null,   -- last run that re-evaluated it
    primary key (day, topic, lang)         -- dropped on DuckLake; the MERGE keeps rows unique
);
