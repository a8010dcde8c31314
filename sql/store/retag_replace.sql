-- Replace the tags of this page's articles with the new ones ($rules_version bound).
delete from article_topics_raw
where article_id in (select article_id from page_ids);

insert into article_topics_raw (article_id, topic, matched_terms, rules_version)
select article_id, topic, matched_terms, $rules_version
from page_tags;
