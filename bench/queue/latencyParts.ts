/**
 * Diagnostic: where our enqueue's latency goes. The floor's INSERT + NOTIFY beside the same INSERT + NOTIFY into
 * copies of `jobs` that each add parts of ours: its constraints and indexes, the queue's trigger (with no idle
 * worker: a queue row; with one: the hand-off), the live-event capture, and both triggers, which is what our
 * `enqueueJob` runs. Sent and heard in this process, one of each in turn after the same idle as latency.ts, so each
 * part's cost is its p50 less the floor's. What the full figure adds beyond the last of these is the worker, from
 * the NOTIFY to its handler, and (PostgreSQL) the second process.
 */
import type { Db } from '../../server/db/types.js';
import { createFloorTable } from './floor.js';
import { monotonicMs as now, percentile } from './stats.js';

interface Part {
  label: string;
  table: string;
  triggers: ('jobs_enqueue' | 'job_events_capture_insert')[];
  /** `noop` is offered by an idle worker (a hand-off); `unoffered` by none (a queue row and NOTIFY `jobs_queued`). */
  type: 'noop' | 'unoffered';
}

const parts: Part[] = [
  { label: "jobs' constraints and indexes", table: 'parts_table', triggers: [], type: 'noop' },
  { label: 'queue trigger, no idle worker', table: 'parts_queued', triggers: ['jobs_enqueue'], type: 'unoffered' },
  { label: 'queue trigger, hand-off', table: 'parts_handoff', triggers: ['jobs_enqueue'], type: 'noop' },
  { label: 'live-event trigger', table: 'parts_events', triggers: ['job_events_capture_insert'], type: 'noop' },
  {
    label: 'both triggers, hand-off (our INSERT)',
    table: 'parts_ours',
    triggers: ['jobs_enqueue', 'job_events_capture_insert'],
    type: 'noop',
  },
];

/** p50 of the floor, and of each part the milliseconds it adds to it. */
export interface LatencyParts {
  floorP50: number;
  added: { label: string; ms: number }[];
}

export async function latencyParts(db: Db, samples: number, idleMs: number): Promise<LatencyParts> {
  await createFloorTable(db);
  for (const { table, triggers } of parts) {
    await db.query(`create table ${table} (like jobs including all)`);
    for (const trigger of triggers)
      await db.query(
        `create trigger ${trigger} after insert on ${table} referencing new table as new_jobs
         for each statement execute function ${trigger}()`,
      );
  }
  let heard: (() => void) | null = null;
  const unlisten = await db.listen('latency_parts', () => heard?.());
  // A worker that never stops offering slots for `noop`, as an idle one does between its claims; its offer names
  // a live LISTEN connection, as a real worker's does, so the hand-off pays for the liveness check (010).
  await db.query(
    `insert into workers (id, job_types, free_slots, lease_ms, last_seen_at, listener_lock)
     values ('latency-parts', '{noop}', 1000000000, 30000, 'infinity', $1::bigint)`,
    [db.livenessKey()],
  );
  const statements = [{ table: 'floor_jobs', type: 'noop' }, ...parts].map(({ table, type }) => ({
    name: `bench_parts_${table}`,
    sql: `
with inserted as (
  insert into ${table} (type, user_id, user_name) values ('${type}', 'bench', 'Bench') returning id
)
select pg_notify('latency_parts', id::text) from inserted`,
  }));
  const timings = statements.map((): number[] => []);
  const idle = () => new Promise((resolve) => setTimeout(resolve, idleMs));
  // The first rounds prepare the statements and warm their plans; they are not counted.
  const warmUp = 20;
  for (let round = 0; round < warmUp + samples; round++) {
    for (const [index, { name, sql }] of statements.entries()) {
      await idle();
      const arrived = new Promise<number>((resolve) => {
        heard = () => resolve(now());
      });
      const sentAt = now();
      await db.query(sql, [], { name });
      const heardAt = await arrived;
      if (round >= warmUp) timings[index]?.push(heardAt - sentAt);
    }
  }
  await unlisten();
  const [floorP50, ...partP50s] = timings.map((values) => percentile(values, 50)) as [number, ...number[]];
  return {
    floorP50,
    added: parts.map(({ label }, index) => ({ label, ms: (partP50s[index] as number) - floorP50 })),
  };
}
