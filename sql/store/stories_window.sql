-- Stored, already assigned articles that new articles may join: same languages, inside the
-- time window around the batch ($lo .. $hi). This bounds the work to the window, never the table.
select
    a.article_id,
    a.outlet,
    a.title,
    a.summary,
    a.lang,
    a.published_at,
    a.title_is_slug,
    s.story_id
from articles_raw as a
inner join article_story_raw as s on s.article_id = a.article_id
where
    a.published_at between $lo and $hi
    and list_contains($langs, a.lang)
    and not a.title_is_slug
order by a.published_at, a.article_id;  -- a fixed order: candidate ties resolve the same way every run
