insert into runs (run_id, kind, started_at) values ($run_id, $kind, $started_at)
on conflict (run_id) do nothing;
