-- Add feeds listed in the seeds file that the database does not know yet, and refresh the
-- descriptive columns of the ones it does. Health and schedule state are left as they are.
-- Expects a relation `incoming_feeds` (feed_url, outlet, lang, country, kind, poll_minutes).
-- MERGE rather than ON CONFLICT: DuckLake tables have no primary keys.
merge into feeds
using (
    select * from incoming_feeds
    qualify row_number() over (partition by feed_url) = 1
) as s
    on feeds.feed_url = s.feed_url
when matched then update set
    outlet = s.outlet,
    lang = s.lang,
    country = s.country,
    kind = s.kind,
    poll_minutes = s.poll_minutes
when not matched then insert (feed_url, outlet, lang, country, kind, poll_minutes)
    values (s.feed_url, s.outlet, s.lang, s.country, s.kind, s.poll_minutes);
