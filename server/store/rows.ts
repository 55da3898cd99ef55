/**
 * Read shapes of the store. Job rows are the queue's own `JobRow` (server/queue/rows.ts); these are the narrower
 * selections the API reads.
 */
import type { JobRow } from '../queue/rows.js';

export type { JobRow, StepRow } from '../queue/rows.js';

/** What a list row needs: no params, steps or counters (lighter to read, and never shown in lists). */
export type JobListRow = Pick<
  JobRow,
  | 'id'
  | 'type'
  | 'status'
  | 'user_id'
  | 'user_name'
  | 'notify_by_email'
  | 'email'
  | 'subjects'
  | 'created_at'
  | 'started_at'
  | 'ended_at'
  | 'updated_at'
  | 'host'
  | 'last_heartbeat_at'
  | 'progress_done'
  | 'progress_total'
  | 'progress_message'
  | 'warnings'
  | 'errors'
  | 'error_code'
  | 'requeued_from'
  | 'requeued_as'
  | 'interrupted_by_id'
  | 'interrupted_by_name'
  | 'forced'
>;

export const jobListColumns = `j.id, j.type, j.status, j.user_id, j.user_name, j.notify_by_email, j.email, j.subjects,
  j.created_at, j.started_at, j.ended_at, j.updated_at, j.host, j.last_heartbeat_at, j.progress_done,
  j.progress_total, j.progress_message, j.warnings, j.errors, j.error_code, j.requeued_from, j.requeued_as,
  j.interrupted_by_id, j.interrupted_by_name, j.forced`;

export interface MessageRecord {
  id: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  item: Record<string, unknown> | null;
  step: string | null;
  at: Date;
}

export interface ArtifactRecord {
  name: string;
  role: string;
  file_name: string;
  content_type: string;
  size: number;
  created_at: Date;
}

export const finishedStatuses = ['succeeded', 'failed', 'interrupted'] as const;
export const unfinishedStatuses = ['queued', 'running', 'interrupting'] as const;

export function isFinished(status: string): boolean {
  return (finishedStatuses as readonly string[]).includes(status);
}

/** The reference server's job IDs are bigints; anything else cannot name a job (404, never a 500 from a cast). */
export function isJobId(id: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(id);
}
