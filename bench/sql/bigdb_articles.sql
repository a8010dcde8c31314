-- $n synthetic articles in publication order (row groups stay time-clustered, as ingest leaves
-- them). Every choice is a hash of the row number, so the data is deterministic and needs no
-- join: feed i -> ($feed_urls, $feed_outlets, $feed_langs), text from a bank of $k generated
-- articles per language (lists $titles, $tails, $summaries; language block b = k * lang_no).
-- Text is unique per row (a bank title plus another one's tail, a bank summary plus another
-- title), so the string columns compress and scan like real headlines.
insert into articles_raw by name
with picked as (
    select
        r.i,
        cast(hash(r.i, 'feed') % len($feed_urls) as bigint) + 1 as f,
        cast(hash(r.i, 'jitter') % 7200 as bigint) - 3600 as jitter_s,
        cast(hash(r.i, 'text') % $k as bigint) + 1 as k_text,
        cast(hash(r.i, 'tail') % $k as bigint) + 1 as k_tail,
        cast(hash(r.i, 'more') % $k as bigint) + 1 as k_more
    from range($n) as r (i)
),

located as (
    select
        *,
        $feed_langs[f] * $k as block,
        $start_ts + to_seconds(i * $span_s // $n + jitter_s) as published_at
    from picked
),

final as (
    select
        printf('%016x', hash(i, 'id')) as article_id,
        'https://bench.example/a/' || i as canonical_url,
        'https://bench.example/a/' || i as url,
        null as guid,
        $feed_urls[f] as feed_url,
        $feed_outlets[f] as outlet,
        $titles[block + k_text] || ': ' || $tails[block + k_tail] as title,
        $summaries[block + k_text] || ' ' || $titles[block + k_more] as summary,
        $lang_codes[$feed_langs[f] + 1] as lang,
        published_at,
        false as published_at_estimated,
        published_at + interval 10 minutes as fetched_at,
        false as title_is_slug,
        'bench' as run_id
    from located
)

select * from final;
