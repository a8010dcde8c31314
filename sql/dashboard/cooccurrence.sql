-- How often two topics are tagged on the same article: of the articles tagged A, how many
-- (and what share) are also tagged B. The diagonal is left out.
with matched as (
    select a.article_id
    from collection_articles($start_ts, $end_ts, $outlets, $langs) as a
    where matches_keyword(a.title, a.summary, $keyword)
),

tags as (
    select t.article_id, t.topic
    from article_topics as t
    semi join matched as m on m.article_id = t.article_id
    where len($topics) = 0 or list_contains($topics, t.topic)
),

topic_totals as (
    select topic, count(*) as topic_articles
    from tags
    group by all
),

pairs as (
    select a.topic as topic_a, b.topic as topic_b, count(*) as articles
    from tags as a
    inner join tags as b on b.article_id = a.article_id and b.topic <> a.topic
    group by all
),

grid as (
    select a.topic as topic_a, b.topic as topic_b, a.topic_articles
    from topic_totals as a
    cross join topic_totals as b
    where a.topic <> b.topic
),

final as (
    select
        g.topic_a,
        g.topic_b,
        coalesce(p.articles, 0) as articles,
        g.topic_articles as topic_a_articles,
        coalesce(p.articles, 0) / g.topic_articles as share_of_a
    from grid as g
    left join pairs as p on p.topic_a = g.topic_a and p.topic_b = g.topic_b
)

select * from final
order by topic_a, topic_b
