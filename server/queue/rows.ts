/**
 * Rows as the database returns them (snake_case, bigints as strings, timestamps as Date). API shapes are built
 * from these in `server/store/`; the queue works on them directly.
 */
import type { JobStatus, JsonObject, MessageLevel } from './types.js';

export interface StepRow {
  name: string;
  label: string;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  startedAt: string;
  endedAt: string | null;
  counters: Record<string, number>;
}

export interface JobRow {
  id: string;
  type: string;
  status: JobStatus;
  user_id: string;
  user_name: string;
  locale: string;
  notify_by_email: boolean;
  email: string | null;
  params: JsonObject;
  subjects: string[];
  created_at: Date;
  run_after: Date;
  started_at: Date | null;
  ended_at: Date | null;
  updated_at: Date;
  host: string | null;
  last_heartbeat_at: Date | null;
  attempt: number;
  max_attempts: number;
  progress_done: number;
  progress_total: number | null;
  progress_message: string | null;
  warnings: number;
  errors: number;
  counters: Record<string, number>;
  steps: StepRow[];
  error_code: string | null;
  error_message: string | null;
  requeued_from: string | null;
  requeued_as: string | null;
  interrupt_requested_at: Date | null;
  interrupted_by_id: string | null;
  interrupted_by_name: string | null;
  forced: boolean;
  idempotency_key: string | null;
  idempotency_hash: string | null;
}

export interface JobMessageRow {
  id: string;
  job_id: string;
  level: MessageLevel;
  message: string;
  item: JsonObject | null;
  step: string | null;
  at: Date;
}

export interface JobArtifactRow {
  job_id: string;
  name: string;
  role: 'input' | 'output';
  file_name: string;
  content_type: string;
  size: number;
  data: Uint8Array;
  created_at: Date;
}
