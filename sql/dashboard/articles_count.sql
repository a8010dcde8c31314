-- How many articles match the filters and the Articles view's day/topic narrowing.
select count(*) as articles
from articles as a
where
    a.published_at >= coalesce($start_ts, '-infinity'::timestamptz)
    and a.published_at < coalesce($end_ts, 'infinity'::timestamptz)
    and (len($outlets) = 0 or list_contains($outlets, a.outlet))
    and (len($langs) = 0 or list_contains($langs, a.lang))
    and (
        $keyword = ''
        or regexp_matches(a.title, regexp_escape($keyword), 'i')
        or regexp_matches(a.summary, regexp_escape($keyword), 'i')
    )
    and (
        len($topics) = 0
        or a.article_id in (
            select t.article_id from article_topics as t where list_contains($topics, t.topic)
        )
    )
    and ($day is null or cast(timezone('UTC', a.published_at) as date) = $day)
    and (
        $topic is null
        or a.article_id in (select t.article_id from article_topics as t where t.topic = $topic)
    )
