/**
 * Server-side progress coalescing. The worker already writes progress a few times a second at most, but a host's
 * own SQL may not, and a burst read at once (a replay, a slow read) need not reach clients step by step:
 * - a `job.progress` followed, in the same batch, by a later `job.progress` of that job is dropped (the later one
 *   carries the newer figures);
 * - a `job.progress` less than `minIntervalMs` (by the database clock) after the last one kept for that job is
 *   dropped.
 */
import type { EventRow } from './queries.js';

export class ProgressCoalescer {
  readonly #minIntervalMs: number;
  readonly #lastKept = new Map<string, number>();

  constructor(minIntervalMs: number) {
    this.#minIntervalMs = minIntervalMs;
  }

  filter(rows: readonly EventRow[]): EventRow[] {
    const lastProgressOfJob = new Map<string, number>();
    rows.forEach((row, index) => {
      if (row.kind === 'job.progress') lastProgressOfJob.set(row.job_id, index);
    });
    const kept: EventRow[] = [];
    rows.forEach((row, index) => {
      if (row.kind === 'job.progress') {
        if (lastProgressOfJob.get(row.job_id) !== index) return;
        const at = row.at.getTime();
        const previous = this.#lastKept.get(row.job_id);
        if (previous !== undefined && at - previous < this.#minIntervalMs) return;
        this.#lastKept.set(row.job_id, at);
      } else if (row.kind === 'job.finished' || row.kind === 'job.deleted') {
        this.#lastKept.delete(row.job_id);
      }
      kept.push(row);
    });
    return kept;
  }
}
