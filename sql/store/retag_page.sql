-- One page of stored articles for re-tagging, in article_id order (keyset pagination).
select article_id, title, summary, lang
from articles_raw
where article_id > $after
order by article_id
limit $page_size;
