-- Like stories_window.sql, but only what other writers (another run, another shard) assigned
-- since $since: days a run already holds are brought up to date without reading them again.
select
    a.article_id,
    a.outlet,
    a.title,
    a.summary,
    a.lang,
    a.published_at,
    s.story_id
from article_story_raw as s
inner join articles_raw as a on a.article_id = s.article_id
where
    s.assigned_at >= $since
    and a.run_id is distinct from $run_id
    and a.published_at >= $lo
    and a.published_at < $hi
    and not a.title_is_slug
order by a.published_at, a.article_id;
