import type { Queryable } from '../../db/types.js';
import type { LeasePlan } from '../leaseBook.js';
import type { StepRow } from '../rows.js';
import { heldByLeases, whereHeld } from './leases.js';

export interface Completion {
  id: string;
  /** The lease that holds the job (`ClaimedJobRow.lease_id`). */
  leaseId: string;
  status: 'succeeded' | 'failed' | 'interrupted';
  errorCode?: string | null;
  /** Also recorded as an error message of the job. */
  errorMessage?: string | null;
  /** The last progress, counters and steps, written here instead of by a separate throttled write. */
  progress?: { done: number; total: number | null; message: string | null } | null;
  counters?: Record<string, number> | null;
  steps?: StepRow[] | null;
}

/**
 * $1 worker id, $2 the jobs, $3 leases to delete and $4 leases to keep (as in completeSucceededJobs); then one
 * array per field, one element per job.
 *
 * Many jobs end in one statement: the worker buffers completions and flushes them together. Only jobs this worker
 * still holds by a lease are touched, so a job whose lease expired and went elsewhere is not overwritten; one
 * interrupted meanwhile ends `interrupted` (unless it failed on its own); one never marked running gets its host, start and attempt here.
 * This general form carries per-job outcomes; plain successes take `completeSucceededJobs`, whose plan cannot go
 * wrong: the join with `unnest` here leaves the planner a choice (before `= any(…)` was added, it nest-looped
 * `unnest` inside a scan of `jobs`: 280 ms for 300 jobs at 20,000 rows), fine for the few jobs that end with an
 * error or a report.
 */
export const completeJobsSql = `
with ${heldByLeases}, done as (
  select *
  from unnest(
    $2::bigint[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::integer[], $10::text[], $11::jsonb[],
    $12::jsonb[]
  ) as d (id, status, error_code, error_message, progress_done, progress_total, progress_message, counters, steps)
), ended as (
  update jobs
  -- A handler that failed before it heard of the interrupt failed on its own: its error is the news, and it stays
  -- findable by its code (\`error=\` lists failed jobs).
  set status = case when jobs.status = 'interrupting' and done.status <> 'failed' then 'interrupted' else done.status end,
    host = $1::text, started_at = coalesce(jobs.started_at, held.claimed_at),
    attempt = jobs.attempt + (jobs.host is null)::integer, ended_at = now(), updated_at = now(),
    error_code = done.error_code, error_message = done.error_message,
    errors = jobs.errors + (done.error_message is not null)::integer,
    progress_done = coalesce(done.progress_done, jobs.progress_done),
    progress_total = case when done.progress_done is null then jobs.progress_total else done.progress_total end,
    progress_message = case when done.progress_done is null then jobs.progress_message else done.progress_message end,
    counters = coalesce(done.counters, jobs.counters),
    steps = coalesce(done.steps, jobs.steps)
  from done, held
  where ${whereHeld} and jobs.id = done.id
    and jobs.status in ('queued', 'running', 'interrupting')
  returning jobs.id, done.error_message
), error_messages as (
  insert into job_messages (job_id, level, message)
  select ended.id, 'error', ended.error_message
  from ended
  where ended.error_message is not null
)
select id from ended`;

/** Ends the jobs this worker holds; returns the ids actually ended. */
export async function completeJobs(
  db: Queryable,
  workerId: string,
  completions: Completion[],
  leases: LeasePlan,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    completeJobsSql,
    [
      workerId,
      completions.map((c) => c.id),
      leases.finished,
      leases.kept,
      completions.map((c) => c.status),
      completions.map((c) => c.errorCode ?? null),
      completions.map((c) => c.errorMessage ?? null),
      completions.map((c) => c.progress?.done ?? null),
      completions.map((c) => c.progress?.total ?? null),
      completions.map((c) => c.progress?.message ?? null),
      completions.map((c) => (c.counters ? JSON.stringify(c.counters) : null)),
      completions.map((c) => (c.steps ? JSON.stringify(c.steps) : null)),
    ],
    { name: 'queue_complete_jobs' },
  );
  return rows.map((row) => row.id);
}
