/**
 * Server-side progress coalescing: a `job.progress` followed, in the same read of the event table, by a later
 * `job.progress` of that job is dropped (the later one carries the newer figures). The feed reads every 25 ms while
 * streams are open and a replay reads pages of 1,000, so a burst reaches clients as one event per job per read; the
 * worker itself writes progress at most every 250 ms, so a job of ours makes at most four a second.
 *
 * There is deliberately no rule across reads ("at most one per N ms"): an event dropped that way is never sent
 * later, so a job that reported progress and then went quiet showed stale figures until its next event.
 */
import type { EventRow } from './queries.js';

export function coalesceProgress(rows: readonly EventRow[]): EventRow[] {
  const lastProgressOfJob = new Map<string, number>();
  rows.forEach((row, index) => {
    if (row.kind === 'job.progress') lastProgressOfJob.set(row.job_id, index);
  });
  return rows.filter((row, index) => row.kind !== 'job.progress' || lastProgressOfJob.get(row.job_id) === index);
}
