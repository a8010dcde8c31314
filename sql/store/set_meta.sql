-- Upsert one key (MERGE: works on DuckDB files and DuckLake alike).
merge into meta
using (select $key as key, $value as value) as s
    on meta.key = s.key
when matched then update set value = s.value
when not matched then insert (key, value) values (s.key, s.value);
