-- Translation partners of the batch's new articles, both directions, inside the time window:
-- a new article listing a stored/new article as hreflang alternate, or listed by one.
-- other_story_id is null when the partner is new too (it is assigned in the same pass).
with outgoing as (
    select n.article_id, a.article_id as other_id
    from new_articles as n
    inner join article_links as l on l.article_id = n.article_id
    inner join articles_raw as a on a.canonical_url = l.canonical_url
    where a.published_at between $lo and $hi
),

incoming as (
    select n.article_id, l.article_id as other_id
    from new_articles as n
    inner join article_links as l on l.canonical_url = n.canonical_url
    inner join articles_raw as a on a.article_id = l.article_id
    where a.published_at between $lo and $hi
),

final as (
    select p.article_id, p.other_id, s.story_id as other_story_id
    from (select * from outgoing union select * from incoming) as p
    left join article_story_raw as s on s.article_id = p.other_id
    where p.article_id <> p.other_id
)

select * from final
order by article_id, other_id;
