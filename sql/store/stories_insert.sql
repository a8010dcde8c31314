-- Store the stories of the batch's new articles. Expects `story_assignments`.
-- Anti-join rather than ON CONFLICT: DuckLake tables have no primary keys.
insert into article_story_raw by name
select s.article_id, s.story_id, s.assigned_at
from story_assignments as s
anti join article_story_raw as r on r.article_id = s.article_id
qualify row_number() over (partition by s.article_id) = 1;
