-- How many articles match the filters and the Articles view's day/topic narrowing.
select count(*) as articles
from filtered_articles($start_ts, $end_ts, $outlets, $langs, $keyword, $topics) as a
where
    ($day is null or cast(timezone('UTC', a.published_at) as date) = $day)
    and (
        $topic is null
        or a.article_id in (select t.article_id from article_topics as t where t.topic = $topic)
    )
