-- The new tags of one retag page, with the matched terms.
-- Staged by mediawatch.staging.stage(conn, 'page_tags', rows): $path is its JSON-lines file.
create or replace temp table page_tags as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        article_id: 'VARCHAR',
        topic: 'VARCHAR',
        matched_terms: 'VARCHAR[]'
    }
);
