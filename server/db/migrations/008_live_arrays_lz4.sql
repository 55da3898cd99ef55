-- The live-event and notification rows hold one array per column with an element per job of the statement that
-- wrote them (005_live_events.sql), so they are TOASTed and compressed on every claim and completion: pglz took
-- about 7% of PostgreSQL's CPU in a drain of short jobs (perf), and lz4 compresses several times faster
-- (bench:queue, docs/benchmarks.md). Where the server was built without lz4 (PGlite is), pglz stays.
do $$
declare
  array_column record;
begin
  if exists (select from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
    for array_column in
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and table_name in ('job_events', 'notifications') and data_type = 'ARRAY'
    loop
      execute format('alter table %I alter column %I set compression lz4', array_column.table_name,
        array_column.column_name);
    end loop;
  end if;
end $$;
