-- The articles of one batch, named like articles_raw less run_id (store/stage_new_articles
-- adds the run).
-- Staged by mediawatch.staging.stage(conn, 'batch_articles', rows): $path is its JSON-lines file.
create or replace temp table batch_articles as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        article_id: 'VARCHAR',
        canonical_url: 'VARCHAR',
        url: 'VARCHAR',
        guid: 'VARCHAR',
        feed_url: 'VARCHAR',
        outlet: 'VARCHAR',
        title: 'VARCHAR',
        summary: 'VARCHAR',
        lang: 'VARCHAR',
        published_at: 'TIMESTAMPTZ',
        published_at_estimated: 'BOOLEAN',
        fetched_at: 'TIMESTAMPTZ',
        title_is_slug: 'BOOLEAN'
    }
);
