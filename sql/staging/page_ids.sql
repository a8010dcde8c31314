-- The article ids of one retag page.
-- Staged by mediawatch.staging.stage(conn, 'page_ids', rows): $path is its JSON-lines file.
create or replace temp table page_ids as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        article_id: 'VARCHAR'
    }
);
