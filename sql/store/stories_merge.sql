-- Relabel stories that a new article showed to be one (e.g. a translation bridging two).
-- Expects `story_merges(old_story_id, new_story_id)`.
update article_story_raw
set story_id = m.new_story_id
from story_merges as m
where article_story_raw.story_id = m.old_story_id;
