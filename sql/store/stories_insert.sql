-- Store the stories of the batch's new articles. Expects `story_assignments`.
insert into article_story_raw by name
select article_id, story_id, assigned_at
from story_assignments
on conflict do nothing;
