/**
 * What capturing events costs the queue: the queue's own enqueue + drain measurement (`bench/queue/ours.ts`,
 * default worker, history kept) on schemas where the capture of migration 005 is off, on without storing
 * notifications (to show what they cost), on as shipped (batch rows, no NOTIFY), and on with a NOTIFY per
 * transaction or per changed row (the wake-ups we chose not to send).
 * Variants run interleaved so load from anything else on the machine spreads over all of them.
 */
import type { Db } from '../../server/db/types.js';
import { drainThroughput } from '../queue/ours.js';

export const captureVariants = [
  'no capture',
  'capture without notifications',
  'capture as shipped (no NOTIFY)',
  'capture + NOTIFY per transaction',
  'capture + NOTIFY per row',
] as const;
export type CaptureVariant = (typeof captureVariants)[number];

const captureFunctions = {
  job_events_capture_insert: 'new_jobs',
  job_events_capture_update: 'new_jobs',
  job_events_capture_delete: 'old_jobs',
};
// The last statement of each capture function, where a variant adds its NOTIFY.
const finalReturn = '\n  return null;\nend';

// Where the update capture stores notifications (and queues mails) for jobs that ended.
const whenFinished = 'if finished > 0 then';

async function functionSource(db: Db, name: string): Promise<string> {
  const { rows } = await db.query<{ source: string }>(
    `select pg_get_functiondef(p.oid) as source from pg_proc p
     join pg_namespace n on n.oid = p.pronamespace
     where p.proname = $1::text and n.nspname = current_schema()`,
    [name],
  );
  return rows[0]!.source;
}

/** Rewrites the capture functions of this schema for one variant (the shipped source is the starting point). */
async function applyVariant(db: Db, variant: CaptureVariant): Promise<void> {
  if (variant === 'no capture') {
    for (const trigger of ['job_events_insert', 'job_events_update', 'job_events_delete']) {
      await db.query(`alter table jobs disable trigger ${trigger}`);
    }
    return;
  }
  if (variant === 'capture as shipped (no NOTIFY)') return;
  if (variant === 'capture without notifications') {
    const source = await functionSource(db, 'job_events_capture_update');
    if (!source.includes(whenFinished)) throw new Error('job_events_capture_update: no finished branch to skip');
    await db.query(source.replace(whenFinished, 'if false then'));
    return;
  }
  for (const [name, table] of Object.entries(captureFunctions)) {
    const source = await functionSource(db, name);
    if (!source.includes(finalReturn)) throw new Error(`${name}: no final return to add a NOTIFY before`);
    const notify =
      variant === 'capture + NOTIFY per transaction'
        ? `perform pg_notify('job_events', '');`
        : `perform pg_notify('job_events', t.id::text) from ${table} t;`;
    await db.query(source.replace(finalReturn, `\n  ${notify}${finalReturn}`));
  }
}
export async function captureThroughput(
  withSchema: <T>(work: (db: Db) => Promise<T>) => Promise<T>,
  jobs: number,
  rounds: number,
  onResult: (variant: CaptureVariant, jobsPerSecond: number) => void,
): Promise<Map<CaptureVariant, number[]>> {
  const results = new Map<CaptureVariant, number[]>(captureVariants.map((variant) => [variant, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of captureVariants) {
      const rate = await withSchema(async (db) => {
        await applyVariant(db, variant);
        return drainThroughput(db, jobs);
      });
      results.get(variant)!.push(rate);
      onResult(variant, rate);
    }
  }
  return results;
}

interface ExplainOutput {
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Time: number }[];
}

/**
 * The capture's share of the time of claim- and completion-like statements (100 jobs each), from EXPLAIN ANALYZE:
 * trigger time over execution time. Both halves slow down alike when other work shares the machine, so this ratio
 * holds steadier than throughput on a busy machine.
 */
export async function captureShare(
  db: Db,
  jobs: number,
): Promise<{ claim: { totalUs: number; captureUs: number }; complete: { totalUs: number; captureUs: number } }> {
  await db.query(
    `insert into jobs (type, user_id, user_name, params)
     select 'noop', 'bench', 'Bench', jsonb_build_object('index', g) from generate_series(1, $1::int) g`,
    [jobs],
  );
  const { rows } = await db.query<{ first: string }>(`select min(id)::text as first from jobs`);
  const first = BigInt(rows[0]!.first);
  const measure = async (set: string) => {
    let total = 0;
    let capture = 0;
    for (let offset = 0n; offset < BigInt(jobs); offset += 100n) {
      const from = first + offset;
      const plan = await db.query<{ 'QUERY PLAN': ExplainOutput[] }>(
        `explain (analyze, format json) update jobs set ${set} where id >= ${from} and id < ${from + 100n}`,
      );
      const output = plan.rows[0]!['QUERY PLAN'][0]!;
      total += output['Execution Time'];
      capture += (output.Triggers ?? [])
        .filter((trigger) => trigger['Trigger Name'].startsWith('job_events_'))
        .reduce((sum, trigger) => sum + trigger.Time, 0);
    }
    return { totalUs: (total * 1000) / jobs, captureUs: (capture * 1000) / jobs };
  };
  const claim = await measure(`status = 'running', host = 'bench', started_at = now(), updated_at = now()`);
  const complete = await measure(`status = 'succeeded', ended_at = now(), updated_at = now()`);
  return { claim, complete };
}
