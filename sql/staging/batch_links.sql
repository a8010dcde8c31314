-- The hreflang alternates of one batch's articles, as rows of article_links.
-- Staged by mediawatch.staging.stage(conn, 'batch_links', rows): $path is its JSON-lines file.
create or replace temp table batch_links as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        article_id: 'VARCHAR',
        hreflang: 'VARCHAR',
        url: 'VARCHAR',
        canonical_url: 'VARCHAR'
    }
);
