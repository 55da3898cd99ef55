import type { Queryable } from '../../db/types.js';
import type { StepRow } from '../rows.js';

export interface ProgressState {
  done: number;
  total: number | null;
  message: string | null;
  counters: Record<string, number>;
  steps: StepRow[];
}

/** A running job's progress, counters and steps in one write (the context throttles how often it comes). */
export async function saveProgress(
  db: Queryable,
  workerId: string,
  jobId: string,
  state: ProgressState,
): Promise<void> {
  await db.query(
    `
update jobs
set progress_done = $3::integer, progress_total = $4::integer, progress_message = $5::text,
  counters = $6::jsonb, steps = $7::jsonb, updated_at = now()
where id = $2::bigint and host = $1::text and status in ('running', 'interrupting')`,
    [
      workerId,
      jobId,
      state.done,
      state.total,
      state.message,
      JSON.stringify(state.counters),
      JSON.stringify(state.steps),
    ],
  );
}
