/** What the live connection reads from the stream and from polling, as the events it hands out. */
import type { Job, JobStatus, StreamEvent } from './types.js';

export const finishedStatuses: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'interrupted']);

/**
 * The stream events for a job polling found changed; `since` is where the poll picked up, in server time, and a job
 * created after `newAfter` is news (see `#pollOnce`).
 */
export function eventsFor(
  job: Job,
  previousStatus: JobStatus | undefined,
  since: number,
  overlap: number,
  newAfter: number,
): StreamEvent[] {
  const events: StreamEvent[] = [];
  const isNew = previousStatus === undefined && Date.parse(job.createdAt) > newAfter;
  if (isNew) events.push({ type: 'job.created', job });
  // With no earlier state at hand (forgotten past the overlap, or never seen), a job that ended before the window
  // polled was finished already: a requeue marking it now is an update, not its end again.
  const wasFinished =
    previousStatus === undefined
      ? Date.parse(job.endedAt ?? '') <= since - overlap
      : finishedStatuses.has(previousStatus);
  if (finishedStatuses.has(job.status) && !wasFinished) events.push({ type: 'job.finished', job });
  else if (!isNew) events.push({ type: 'job.updated', job });
  return events;
}

/** The server's clock from an answer's `Date` header, as an ISO date-time; undefined when absent (or not exposed by CORS). */
export function serverTimeOf(headers: Headers): string | undefined {
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isNaN(date) ? undefined : new Date(date).toISOString();
}

/** The event in `data`, or undefined when it is not a JSON object with a `type` (skipped, never fatal). */
export function parseEvent(data: string): StreamEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as StreamEvent;
    }
  } catch {
    // Not JSON: skipped like any event the client cannot use.
  }
  return undefined;
}

/** Event IDs are increasing decimal strings (contract `EventId`); anything else is not compared. */
export function isLaterId(id: string, than: string): boolean {
  if (!/^\d+$/.test(id) || !/^\d+$/.test(than)) return true;
  return id.length !== than.length ? id.length > than.length : id > than;
}
