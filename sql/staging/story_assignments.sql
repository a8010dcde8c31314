-- The story each new article of a batch joined or founded.
-- Staged by mediawatch.staging.stage(conn, 'story_assignments', rows): $path is its JSON-lines file.
create or replace temp table story_assignments as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        article_id: 'VARCHAR',
        story_id: 'VARCHAR',
        assigned_at: 'TIMESTAMPTZ'
    }
);
