/**
 * NOTIFY channels shared by every process on the database. Payloads are tiny: a NOTIFY is a wake-up call, the
 * truth is always re-read from the tables.
 */

/** Something was enqueued: idle workers claim. Payload unused. */
export const jobsQueuedChannel = 'jobs_queued';

/** Someone interrupted a running job: its worker aborts the handler's signal. Payload: the job id. */
export const jobsInterruptChannel = 'jobs_interrupt';
