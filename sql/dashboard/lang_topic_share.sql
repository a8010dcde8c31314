-- Per language: the share of that language's coverage tagged with each topic
-- (do uk, ru and en outlets stress different issues?).
with scoped as (
    select
        a.article_id,
        a.lang,
        matches_keyword(a.title, a.summary, $keyword) as is_match
    from collection_articles($start_ts, $end_ts, $outlets, $langs) as a
),

lang_totals as (
    select lang, count(*) as lang_articles
    from scoped
    group by all
),

tagged as (
    select s.lang, t.topic, count(*) as articles
    from scoped as s
    inner join article_topics as t on t.article_id = s.article_id
    where s.is_match and (len($topics) = 0 or list_contains($topics, t.topic))
    group by all
),

final as (
    select
        tg.lang,
        tg.topic,
        tg.articles,
        lt.lang_articles,
        tg.articles / lt.lang_articles as share
    from tagged as tg
    inner join lang_totals as lt on lt.lang = tg.lang
)

select * from final
order by lang, topic
