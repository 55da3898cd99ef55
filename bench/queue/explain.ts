/**
 * Where a batch's time goes on PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of one claim and one completion of a default
 * claim's worth of no-op jobs, with 50,000 queued, inside a transaction that is rolled back. Trigger lines show
 * what keeping the history (live events, notifications) costs per statement.
 */
import pg from 'pg';
import type { Db } from '../../server/db/types.js';
import { enqueueJobs } from '../../server/queue/enqueue.js';
import { claimJobsSql } from '../../server/queue/sql/claimJobs.js';
import { completeSucceededJobsSql } from '../../server/queue/sql/completeSucceededJobs.js';
import { workerDefaults } from '../../server/queue/worker.js';

export async function explainBatch(
  db: Db,
  url: string,
  queued: number,
  batch = workerDefaults.claimBatchSize,
): Promise<string[]> {
  await enqueueJobs(
    db,
    Array.from({ length: queued }, (_, index) => ({
      type: 'noop',
      userId: 'bench',
      userName: 'Bench',
      params: { index },
    })),
  );
  await db.query(`analyze jobs, job_queue`);
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${db.schema}` });
  await client.connect();
  const lines: string[] = [];
  try {
    await client.query('begin');
    const explain = async (label: string, sql: string, params: unknown[]) => {
      await client.query(`prepare explained as ${sql}`);
      const literals = params.map((value) =>
        value === null
          ? 'null'
          : client.escapeLiteral(
              Array.isArray(value) ? `{${value.map((item) => `"${item}"`).join(',')}}` : String(value),
            ),
      );
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers, costs off) execute explained(${literals.join(', ')})`,
      );
      await client.query('deallocate explained');
      const plan = rows.map((row) => row['QUERY PLAN']);
      lines.push(`${label}:`);
      if (process.env.BENCH_FULL_PLANS) lines.push(...plan.map((line) => `    ${line}`));
      // The statement, its CTEs (each a write), the triggers and the totals; BENCH_FULL_PLANS=1 prints everything.
      else lines.push(...plan.filter((line) => /^\S|^ {2}CTE |^ {4}-> /.test(line)).map((line) => `    ${line}`));
    };
    await explain(`claim of ${batch}`, claimJobsSql(batch), ['bench-worker', ['noop'], 30_000, 0, null]);
    const { rows } = await client.query<{ id: string; lease_id: string }>(
      `select u.job_id as id, l.id::text as lease_id
       from job_leases l cross join lateral unnest(l.job_ids) as u(job_id) where l.worker = 'bench-worker'`,
    );
    await explain(`completion of ${batch}`, completeSucceededJobsSql, [
      'bench-worker',
      rows.map((row) => row.id),
      [...new Set(rows.map((row) => row.lease_id))],
      [],
    ]);
  } finally {
    await client.query('rollback');
    await client.end();
  }
  return lines;
}
