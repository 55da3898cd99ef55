/**
 * NOTIFY channels shared by every process on the database. Payloads are tiny: a NOTIFY is a wake-up call, the
 * truth is always re-read from the tables; a hand-off carries its job, already held for its worker in the tables.
 */

/** Something was enqueued: idle workers claim. Payload unused. */
export const jobsQueuedChannel = 'jobs_queued';

/** Someone interrupted a running job: its worker aborts the handler's signal. Payload: the job id. */
export const jobsInterruptChannel = 'jobs_interrupt';

/**
 * A statement queued one job and gave it to an idle worker (006_claims_in_job_queue.sql, 007_claims_into_leases.sql).
 * Payload: JSON with the worker id and the job as a claim returns it, its lease included (only the job's id when its
 * params make it too big for a NOTIFY).
 */
export const jobsHandedOverChannel = 'jobs_handed_over';
