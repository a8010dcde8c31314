-- The articles of this batch that the database does not hold yet: a set-based anti-join,
-- keeping the first sighting when one batch carries the same article twice.
-- Expects a relation `batch_articles` with the columns of articles_raw but run_id; $run_id is bound.
create or replace temp table new_articles as
select
    b.*,
    $run_id as run_id
from batch_articles as b
anti join articles_raw as a on a.article_id = b.article_id
qualify row_number() over (partition by b.article_id order by b.fetched_at, b.feed_url) = 1;
