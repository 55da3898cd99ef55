/**
 * How long finished jobs are kept, and the purge that removes them when that time is up: the job with its messages
 * and artifacts (cascade) and its confirmation mail's row; notifications older than the default time as well. The
 * audit of who requeued, interrupted or deleted what outlives the job, as it does a deletion by hand.
 *
 * Every process may run the purge: each batch skips rows another purge holds, so two never wait on each other.
 */
import type { Queryable } from '../db/types.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { finishedStatuses } from './rows.js';

export class Retention {
  readonly #own = new Map<string, number | null>();

  /** `defaultMs`: for types that say nothing (and types no longer defined); null keeps them for ever. */
  constructor(
    jobTypes: readonly JobTypeDefinition[],
    readonly defaultMs: number | null,
  ) {
    for (const type of jobTypes)
      if (type.keepFinishedForMs !== undefined) this.#own.set(type.type, type.keepFinishedForMs);
  }

  keptFor(type: string): number | null {
    return this.#own.has(type) ? (this.#own.get(type) ?? null) : this.defaultMs;
  }

  /** When a job that ended at `endedAt` will be purged; null while it runs, or when its type is kept for ever. */
  keptUntil(type: string, endedAt: Date | null): Date | null {
    const keptFor = this.keptFor(type);
    return endedAt && keptFor !== null ? new Date(endedAt.getTime() + keptFor) : null;
  }

  /** Whether anything is ever purged. */
  get purges(): boolean {
    return this.defaultMs !== null || [...this.#own.values()].some((ms) => ms !== null);
  }

  /** The cutoffs at `now`: per type with a time of its own (`-infinity`: for ever), and for the rest. */
  cutoffs(now: Date): { types: string[]; cutoffs: string[]; otherwise: string } {
    const at = (ms: number | null) => (ms === null ? '-infinity' : new Date(now.getTime() - ms).toISOString());
    return { types: [...this.#own.keys()], cutoffs: [...this.#own.values()].map(at), otherwise: at(this.defaultMs) };
  }
}

/**
 * $1 types with a time of their own and $2 their cutoffs, $3 the cutoff of the others: jobs that ended before their
 * cutoff go, at most $4 of them, oldest first. The scan walks `jobs_created_idx` up to the latest cutoff ($5): a
 * job ended before a cutoff was created before it too.
 */
const purgeFinishedJobsSql = `
with kept as (
  select * from unnest($1::text[], $2::timestamptz[]) as k (type, cutoff)
), doomed as (
  select j.id
  from jobs j
  left join kept on kept.type = j.type
  where j.created_at < $5::timestamptz
    and j.status = any($6::text[])
    and j.ended_at < coalesce(kept.cutoff, $3::timestamptz)
  order by j.created_at, j.id
  limit $4::int
  for update of j skip locked
), gone as (
  delete from jobs where id in (select id from doomed) returning id
), mails as (
  -- A job that is gone cannot end again: its mail's row, kept so that it is sent once, has done its work.
  delete from mail_outbox m using gone where m.job_id = gone.id
)
select count(*)::int as purged from gone`;

/** Purges up to `limit` finished jobs whose time is up at `now`; returns how many went. */
export async function purgeFinishedJobs(
  db: Queryable,
  retention: Retention,
  now: Date,
  limit: number,
): Promise<number> {
  const { types, cutoffs, otherwise } = retention.cutoffs(now);
  const latest = [...cutoffs, otherwise]
    .filter((cutoff) => cutoff !== '-infinity')
    .sort()
    .at(-1);
  if (latest === undefined) return 0;
  const { rows } = await db.query<{ purged: number }>(purgeFinishedJobsSql, [
    types,
    cutoffs,
    otherwise,
    limit,
    latest,
    [...finishedStatuses],
  ]);
  return rows[0]?.purged ?? 0;
}

/** Notifications created before `cutoff`, at most `limit` of them: they tell of jobs that ended long ago. */
export async function purgeNotifications(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const { affectedRows } = await db.query(
    `
delete from notifications
where id in (select id from notifications where created_at < $1::timestamptz order by id limit $2::int for update skip locked)`,
    [cutoff.toISOString(), limit],
  );
  return affectedRows;
}

export interface PurgeOptions {
  db: Queryable;
  retention: Retention;
  /** Default every hour; the first run is at start. */
  everyMs?: number;
  /** Jobs per statement (default 500), so no transaction holds many rows for long. */
  batchSize?: number;
  onError?: (error: unknown) => void;
  /** Told how many jobs and notifications each run purged, when it purged any. */
  onPurged?: (counts: { jobs: number; notifications: number }) => void;
}

export interface Purge {
  /** Runs a purge now (or waits for the one running); resolves with what it removed. */
  run(): Promise<{ jobs: number; notifications: number }>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Purges what is due now and then every `everyMs`; nothing at all when everything is kept for ever. */
export function startPurge(options: PurgeOptions): Purge {
  const { db, retention } = options;
  const batchSize = options.batchSize ?? 500;
  const onError = options.onError ?? ((error) => console.error('retention: purging failed', error));
  let running: Promise<{ jobs: number; notifications: number }> | null = null;
  let stopped = false;

  async function purge(): Promise<{ jobs: number; notifications: number }> {
    const counts = { jobs: 0, notifications: 0 };
    const now = new Date();
    for (let purged = batchSize; purged === batchSize && !stopped; ) {
      purged = await purgeFinishedJobs(db, retention, now, batchSize);
      counts.jobs += purged;
    }
    if (retention.defaultMs !== null) {
      const cutoff = new Date(now.getTime() - retention.defaultMs);
      for (let purged = batchSize; purged === batchSize && !stopped; ) {
        purged = await purgeNotifications(db, cutoff, batchSize);
        counts.notifications += purged;
      }
    }
    if (counts.jobs + counts.notifications > 0) options.onPurged?.(counts);
    return counts;
  }

  function run(): Promise<{ jobs: number; notifications: number }> {
    running ??= purge().finally(() => {
      running = null;
    });
    return running;
  }

  const tick = () => {
    run().catch(onError);
  };
  const timer = retention.purges ? setInterval(tick, options.everyMs ?? 3_600_000) : undefined;
  timer?.unref();
  if (retention.purges) tick();

  return {
    run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
