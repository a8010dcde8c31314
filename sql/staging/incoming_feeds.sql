-- The feeds listed in the seeds file, as rows of feeds (read by store/sync_feeds).
-- Staged by mediawatch.staging.stage(conn, 'incoming_feeds', rows): $path is its JSON-lines file.
create or replace temp table incoming_feeds as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        feed_url: 'VARCHAR',
        outlet: 'VARCHAR',
        lang: 'VARCHAR',
        country: 'VARCHAR',
        kind: 'VARCHAR',
        poll_minutes: 'INTEGER'
    }
);
