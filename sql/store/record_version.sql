insert into schema_version (version) values ($version) on conflict do nothing;
