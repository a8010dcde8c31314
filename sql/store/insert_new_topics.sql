-- Tags of the newly stored articles only (a known article keeps the tags it has; `retag` updates them).
-- Expects `batch_topics` (article_id, topic, matched_terms); $rules_version is bound.
-- De-duplicated here (one article seen by two feeds of the batch), not by a primary key:
-- DuckLake tables have none.
insert into article_topics_raw (article_id, topic, matched_terms, rules_version)
select t.article_id, t.topic, t.matched_terms, $rules_version
from batch_topics as t
semi join new_articles as n on n.article_id = t.article_id
anti join article_topics_raw as o on o.article_id = t.article_id and o.topic = t.topic
qualify row_number() over (partition by t.article_id, t.topic) = 1;
