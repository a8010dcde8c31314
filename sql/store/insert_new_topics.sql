-- Tags of the newly stored articles only (a known article keeps the tags it has; `retag` updates them).
-- Expects `batch_topics` (article_id, topic, matched_terms); $rules_version is bound.
insert into article_topics_raw (article_id, topic, matched_terms, rules_version)
select t.article_id, t.topic, t.matched_terms, $rules_version
from batch_topics as t
semi join new_articles as n on n.article_id = t.article_id
on conflict do nothing;
