/** Jobs of every kind and outcome, launched through the API as the demo users would, for screenshots and tests. */
import type { JobDetail, JobsClient } from '../../../sdk/index.js';

/** Four good rows and two the import refuses (a price that is not a number, a missing SKU). */
export const csvWithBadRows = `sku,name,price,stock,category
CH-100,Oak chair,89.90,24,Furniture
CH-101,Walnut chair,119.00,12,Furniture
DK-200,Standing desk,twelve,3,Furniture
LP-300,Desk lamp,34.50,40,Lighting
,Lamp shade,9.90,15,Lighting
RG-400,Wool rug,149.00,6,Textiles
`;

const finished = new Set(['succeeded', 'failed', 'interrupted']);

/** Polls a job until it ends (for arranging data, not for what a test asserts). */
export async function waitForEnd(api: JobsClient, id: string, timeoutMs = 30_000): Promise<JobDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api.getJob(id);
    if (finished.has(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A realistic history: successes, warnings, a failure, an interruption, and one job still running. */
export async function seedHistory(user: JobsClient, supervisor: JobsClient): Promise<JobDetail> {
  const launched: [JobsClient, JobDetail][] = [];
  const launch = async (api: JobsClient, type: string, params: Record<string, unknown>, notifyByEmail = false) => {
    launched.push([api, await api.launch(type, params, { notifyByEmail })]);
  };
  await launch(user, 'product-import', { file: csvWithBadRows, fileName: 'spring-catalogue.csv' }, true);
  await launch(user, 'product-export', {});
  await launch(user, 'product-mass-edit', { category: 'Furniture', priceChangePercent: 5 });
  await launch(user, 'product-import', { file: 'sku,name,price\n,Nameless,x\n', fileName: 'broken.csv' });
  await launch(supervisor, 'mission-generation', { periodId: '2026-12', missions: 300 });
  await launch(supervisor, 'activity-report', { from: '2026-11-01', to: '2026-11-30' });
  const interrupted = await user.launch('schedule-optimisation', { periodId: '2026-12', durationSeconds: 60 });
  await Promise.all(launched.map(([api, job]) => waitForEnd(api, job.id)));
  await user.interrupt(interrupted.id);
  await waitForEnd(user, interrupted.id);
  return user.launch('schedule-optimisation', { periodId: '2027-01', durationSeconds: 120 }, { notifyByEmail: true });
}
