/**
 * NOTIFY channels shared by every process on the database, whatever its schema: deployments that share a database
 * (`DATABASE_SCHEMA`) hear each other's. Payloads are tiny: a NOTIFY is a wake-up call, the truth is always re-read
 * from the tables (a neighbour's wake-up costs one empty claim); a hand-off carries its job, already held for its
 * worker, whose ID is unique; an interrupt names its schema, since job IDs are numbered per schema.
 */

/** Something was enqueued: idle workers claim. Payload unused. */
export const jobsQueuedChannel = 'jobs_queued';

/** Someone interrupted a running job: its worker aborts the handler's signal. Payload: `schema:jobId`. */
export const jobsInterruptChannel = 'jobs_interrupt';

/** The job ID of an interrupt's payload when it concerns `schema`, else undefined. */
export function interruptedJobIn(schema: string, payload: string): string | undefined {
  const separator = payload.lastIndexOf(':');
  return payload.slice(0, separator) === schema ? payload.slice(separator + 1).trim() : undefined;
}

/**
 * A statement queued one job and gave it to an idle worker (006_claims_in_job_queue.sql, 007_claims_into_leases.sql).
 * Payload: JSON with the worker id and the job as a claim returns it, its lease included (only the job's id when its
 * params make it too big for a NOTIFY).
 */
export const jobsHandedOverChannel = 'jobs_handed_over';
