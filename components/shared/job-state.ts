import type { Job } from '../../sdk/index.js';

const finishedStatuses = new Set(['succeeded', 'failed', 'interrupted']);

/** Whether a job has ended (a status this version does not know counts as not ended). */
export function isFinished(job: Pick<Job, 'status'>): boolean {
  return finishedStatuses.has(job.status);
}

/**
 * Whether what is known of a job is newer than a load of it: a load sent before a live event can answer after it.
 * An end is final (a requeue makes a new job); otherwise the later `updatedAt` wins.
 */
export function isNewer(known: Pick<Job, 'status' | 'updatedAt'>, loaded: Pick<Job, 'status' | 'updatedAt'>): boolean {
  if (isFinished(known) && !isFinished(loaded)) return true;
  return Date.parse(known.updatedAt) > Date.parse(loaded.updatedAt);
}

/** The loaded rows, each replaced by the version already shown where that one is newer. */
export function keepNewer(loaded: Job[], shown: Iterable<Job>): Job[] {
  const byId = new Map<string, Job>();
  for (const job of shown) byId.set(job.id, job);
  return loaded.map((job) => {
    const known = byId.get(job.id);
    return known && isNewer(known, job) ? known : job;
  });
}
