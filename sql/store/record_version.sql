-- Backend-neutral (no ON CONFLICT): DuckLake tables have no primary keys.
insert into schema_version (version)
select $version
where not exists (select 1 from schema_version where version = $version);
