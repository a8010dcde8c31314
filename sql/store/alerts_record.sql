-- Record the alerts in `batch_alerts` idempotently: a known (day, topic, lang) gets the new
-- numbers, an unknown one is added. $now is bound. MERGE works on DuckDB files and DuckLake.
merge into alerts_raw
using batch_alerts as s
    on alerts_raw.day = s.day and alerts_raw.topic = s.topic and alerts_raw.lang = s.lang
when matched then update set
    articles = s.articles,
    baseline_mean = s.baseline_mean,
    baseline_std = s.baseline_std,
    zscore = s.zscore,
    ratio = s.ratio,
    updated_at = $now
when not matched then insert
    (day, topic, lang, articles, baseline_mean, baseline_std, zscore, ratio, detected_at, updated_at)
    values (
        s.day, s.topic, s.lang, s.articles, s.baseline_mean, s.baseline_std, s.zscore, s.ratio,
        $now, $now
    );
