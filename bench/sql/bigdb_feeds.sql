-- The synthetic feeds of a big benchmark database ($feed_urls / $feed_outlets / $feed_langs as
-- lists), healthy and fetched five minutes before the newest article.
insert into feeds by name
select
    $feed_urls[r.n] as feed_url,
    $feed_outlets[r.n] as outlet,
    $lang_codes[$feed_langs[r.n] + 1] as lang,
    'XX' as country,
    'rss' as kind,
    15 as poll_minutes,
    $end_ts - interval 5 minutes as last_fetch_at,
    'ok' as last_status,
    200 as last_http_status,
    $end_ts - interval 5 minutes as last_success_at,
    $end_ts + interval 10 minutes as next_fetch_at
from range(1, len($feed_urls) + 1) as r (n);
