-- Tagged articles per UTC day, topic and article language, published in [$start_ts, $end_ts).
with tagged as (
    select
        cast(timezone('UTC', a.published_at) as date) as day,
        t.topic,
        a.lang
    from article_topics_raw as t
    inner join articles_raw as a on a.article_id = t.article_id
    where a.published_at >= $start_ts and a.published_at < $end_ts
),

final as (
    select day, topic, lang, count(*) as articles
    from tagged
    group by all
)

select * from final;
