-- Migration 007: the parser's complaint about a document it could still read, so a damaged
-- feed (cut off mid-item, broken XML after some good items) is no longer a silent `ok`.
-- feeds.last_warning = the complaint about the last document read (kept over 304s and errors);
-- fetch_log.warning = the complaint about that fetch's document.

alter table feeds add column if not exists last_warning varchar;

alter table fetch_log add column if not exists warning varchar;
