-- Topic-spike alerts (flow `detect-spikes`, thresholds in seeds/alerts.yaml): days on which a
-- topic's volume, over all languages (lang = 'all') or in one language, stood out against the
-- trailing window. See docs/sql.md and docs/scaling.md.
create or replace view alerts as
select
    day,
    topic,
    lang,
    articles,
    baseline_mean,
    baseline_std,
    zscore,
    ratio,
    detected_at
from alerts_raw;
