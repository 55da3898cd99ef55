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

/**
 * A list row's fields in the order of the JSON array each row of a page travels as (listJobs), with the SQL of each:
 * bigints as text, since JSON numbers lose precision past 2^53; timestamps become ISO 8601 strings, made Dates again
 * by `jobListRowFromJson`.
 */
const jobListFields: [field: keyof JobListRow, sql: string][] = [
  ['id', 'j.id::text'],
  ['type', 'j.type'],
  ['status', 'j.status'],
  ['user_id', 'j.user_id'],
  ['user_name', 'j.user_name'],
  ['notify_by_email', 'j.notify_by_email'],
  ['email', 'j.email'],
  ['subjects', 'j.subjects'],
  ['created_at', 'j.created_at'],
  ['started_at', 'j.started_at'],
  ['ended_at', 'j.ended_at'],
  ['updated_at', 'j.updated_at'],
  ['host', 'j.host'],
  ['last_heartbeat_at', 'j.last_heartbeat_at'],
  ['progress_done', 'j.progress_done'],
  ['progress_total', 'j.progress_total'],
  ['progress_message', 'j.progress_message'],
  ['warnings', 'j.warnings'],
  ['errors', 'j.errors'],
  ['error_code', 'j.error_code'],
  ['requeued_from', 'j.requeued_from::text'],
  ['requeued_as', 'j.requeued_as::text'],
  ['interrupted_by_id', 'j.interrupted_by_id'],
  ['interrupted_by_name', 'j.interrupted_by_name'],
  ['forced', 'j.forced'],
];

/** The list row as one JSON array, for `select json_build_array(${jobListJsonArray}) from jobs j`. */
export const jobListJsonArray = jobListFields.map(([, sql]) => sql).join(', ');

const timestampFields = new Set<string>(['created_at', 'started_at', 'ended_at', 'updated_at', 'last_heartbeat_at']);

/** The row of a `jobListJsonArray` array, parsed from JSON; values after the row's own are ignored. */
export function jobListRowFromJson(values: unknown[]): JobListRow {
  const row: Record<string, unknown> = {};
  jobListFields.forEach(([field], index) => {
    const value = values[index] ?? null;
    row[field] = value !== null && timestampFields.has(field) ? new Date(value as string) : value;
  });
  return row as unknown as JobListRow;
}

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
