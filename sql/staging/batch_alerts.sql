-- Spikes found by one detection pass, named like alerts_raw.
-- Staged by mediawatch.staging.stage(conn, 'batch_alerts', rows): $path is its JSON-lines file.
create or replace temp table batch_alerts as
select *
from read_json(
    $path,
    format = 'newline_delimited',
    columns = {
        day: 'DATE',
        topic: 'VARCHAR',
        lang: 'VARCHAR',
        articles: 'INTEGER',
        baseline_mean: 'DOUBLE',
        baseline_std: 'DOUBLE',
        zscore: 'DOUBLE',
        ratio: 'DOUBLE'
    }
);
