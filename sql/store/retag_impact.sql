-- Per topic: tags the new rules add and remove on this page.
-- Expects `page_ids` (article_id) and `page_tags` (article_id, topic, matched_terms).
with old as (
    select t.article_id, t.topic
    from article_topics_raw as t
    semi join page_ids as p on p.article_id = t.article_id
),

added as (
    select n.topic, count(*) as n
    from page_tags as n
    anti join old as o on o.article_id = n.article_id and o.topic = n.topic
    group by n.topic
),

removed as (
    select o.topic, count(*) as n
    from old as o
    anti join page_tags as n on n.article_id = o.article_id and n.topic = o.topic
    group by o.topic
)

select
    coalesce(a.topic, r.topic) as topic,
    coalesce(a.n, 0) as added,
    coalesce(r.n, 0) as removed
from added as a
full outer join removed as r on r.topic = a.topic;
