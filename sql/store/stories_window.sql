-- Stored, already assigned articles that new articles may join: every language, published in
-- [$lo, $hi) (whole UTC days around the batch's articles, see mediawatch/storyindex.py). This
-- bounds the work to those days, never the table.
select
    a.article_id,
    a.outlet,
    a.title,
    a.summary,
    a.lang,
    a.published_at,
    s.story_id
from articles_raw as a
inner join article_story_raw as s on s.article_id = a.article_id
where
    a.published_at >= $lo
    and a.published_at < $hi
    and not a.title_is_slug
order by a.published_at, a.article_id;  -- a fixed order: candidate ties resolve the same way every run
