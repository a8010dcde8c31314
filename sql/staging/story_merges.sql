-- Stories folded into another by one batch: old id -> surviving id.
-- Staged by mediawatch.staging.stage(conn, 'story_merges', rows): $path is its JSON-lines file.
create or replace temp table story_merges as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        old_story_id: 'VARCHAR',
        new_story_id: 'VARCHAR'
    }
);
