-- One row per (article, topic) of one batch, with the matched terms.
-- Staged by mediawatch.staging.stage(conn, 'batch_topics', rows): $path is its JSON-lines file.
create or replace temp table batch_topics as
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
