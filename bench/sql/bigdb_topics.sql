-- The tags of every synthetic article: those the real tagger gave its bank text
-- ($topics: one list of topics per bank entry, same order as the texts). Same hashes as
-- bigdb_articles.sql, so no join against the big table is needed.
insert into article_topics_raw (article_id, topic, matched_terms, rules_version, tagged_at)
with picked as (
    select
        r.i,
        cast(hash(r.i, 'feed') % len($feed_urls) as bigint) + 1 as f,
        cast(hash(r.i, 'text') % $k as bigint) + 1 as k_text
    from range($n) as r (i)
),

tagged as (
    select
        printf('%016x', hash(i, 'id')) as article_id,
        unnest($topics[$feed_langs[f] * $k + k_text]) as topic
    from picked
)

select article_id, topic, [topic] as matched_terms, 'bench' as rules_version, $end_ts as tagged_at
from tagged;
