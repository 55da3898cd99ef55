-- The update capture (005_live_events.sql) joins the statement's old and new rows by id. PL/pgSQL plans each of its
-- queries once per connection and keeps that plan: the transition tables are sized for the first call, so after a
-- one-row update (a progress write, a single completion) every later completion of 200 jobs ran nested loops over
-- 200 × 200 rows: its trigger took 13.5 ms instead of 2.1 ms on PGlite, 7.3 ms instead of 1.0 ms on PostgreSQL,
-- and the drain of bench:queue halved on PGlite (docs/benchmarks.md). Hash joins suit every size here.
-- Forbidding nested loops works through a huge cost, which would push the plan past `jit_above_cost` and have
-- PostgreSQL compile it with LLVM (350 ms per call in a test): JIT is off for this function as well.
alter function job_events_capture_update() set enable_nestloop = off set jit = off;
