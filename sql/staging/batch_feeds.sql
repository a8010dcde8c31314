-- New validators, health and schedule state of each feed fetched in one batch.
-- Staged by mediawatch.staging.stage(conn, 'batch_feeds', rows): $path is its JSON-lines file.
create or replace temp table batch_feeds as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        feed_url: 'VARCHAR',
        etag: 'VARCHAR',
        last_modified: 'VARCHAR',
        last_fetch_at: 'TIMESTAMPTZ',
        last_status: 'VARCHAR',
        last_http_status: 'INTEGER',
        last_error: 'VARCHAR',
        consecutive_failures: 'INTEGER',
        failure_weight: 'DOUBLE',
        next_fetch_at: 'TIMESTAMPTZ',
        retry_after_until: 'TIMESTAMPTZ',
        last_success_at: 'TIMESTAMPTZ',
        redirected_to: 'VARCHAR',
        duration_ms: 'INTEGER',
        items_seen: 'INTEGER',
        last_warning: 'VARCHAR'
    }
);
