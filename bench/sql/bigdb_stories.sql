-- Story assignments: one article in four joins the story of an article a few rows earlier
-- (a wire copy or rewrite within hours); the rest found their own story.
insert into article_story_raw (article_id, story_id, assigned_at)
select
    printf('%016x', hash(r.i, 'id')) as article_id,
    case
        when r.i > 20 and hash(r.i, 'story') % 4 = 0
            then printf('%016x', hash(r.i - 1 - cast(hash(r.i, 'peer') % 20 as bigint), 'id'))
        else printf('%016x', hash(r.i, 'id'))
    end as story_id,
    $end_ts as assigned_at
from range($n) as r (i);
