-- The batch's new articles as the story matcher needs them, oldest first.
select
    article_id,
    outlet,
    title,
    summary,
    lang,
    published_at,
    title_is_slug
from new_articles
order by published_at, article_id;
