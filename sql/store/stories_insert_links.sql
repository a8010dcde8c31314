-- Store the hreflang alternates of the batch's new articles (translations, from sitemaps).
-- Expects `batch_links(article_id, hreflang, url, canonical_url)` and the `new_articles` temp table.
-- Anti-join rather than ON CONFLICT: DuckLake tables have no primary keys.
insert into article_links by name
select distinct on (l.article_id, l.canonical_url)
    l.article_id,
    l.hreflang,
    l.url,
    l.canonical_url
from batch_links as l
inner join new_articles as n on n.article_id = l.article_id
anti join article_links as e on e.article_id = l.article_id and e.canonical_url = l.canonical_url
where l.canonical_url <> n.canonical_url;
