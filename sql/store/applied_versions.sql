select version from schema_version;
