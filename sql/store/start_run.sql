insert into runs (run_id, kind, started_at)
select $run_id, $kind, $started_at
where not exists (select 1 from runs where run_id = $run_id);
