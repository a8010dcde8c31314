-- Add feeds listed in the seeds file that the database does not know yet, and refresh the
-- descriptive columns of the ones it does. Health and schedule state are left as they are.
-- Expects a relation `incoming_feeds` (feed_url, outlet, lang, country, kind, poll_minutes).
insert into feeds (feed_url, outlet, lang, country, kind, poll_minutes)
select feed_url, outlet, lang, country, kind, poll_minutes
from incoming_feeds
on conflict (feed_url) do update set
    outlet = excluded.outlet,
    lang = excluded.lang,
    country = excluded.country,
    kind = excluded.kind,
    poll_minutes = excluded.poll_minutes;
