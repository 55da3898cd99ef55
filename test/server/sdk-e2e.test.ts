/** The SDK against the real app, in-process: every call goes through `app.fetch` and the contract check. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createJobsClient, JobsApiError, type JobsClient } from '../../sdk/index.js';
import { demoJobTypes } from '../../server/jobs/index.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { dbKinds } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { openWorld, type World } from './helpers.js';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isFinished = (job: { status: string }) => ['succeeded', 'failed', 'interrupted'].includes(job.status);

for (const kind of dbKinds) {
  describe(`SDK end to end (${kind})`, () => {
    let world: World;
    let worker: Worker;
    let alice: JobsClient;
    let carol: JobsClient;
    before(async () => {
      world = await openWorld(kind, (db) => demoJobTypes(db));
      worker = startWorker({ db: world.db, jobTypes: demoJobTypes(world.db), concurrency: 2 });
      const client = (token: string) =>
        createJobsClient({
          baseUrl: 'http://test/api',
          fetch: world.fetch as typeof fetch,
          headers: { authorization: `Bearer ${token}` },
        });
      alice = client(demoTokens.alice);
      carol = client(demoTokens.carol);
    });
    after(async () => {
      await worker.stop({ graceMs: 1_000 });
      await world.close();
    });

    it('reads the session, users and job types', async () => {
      assert.equal((await alice.me()).id, 'alice');
      assert.deepEqual(
        (await carol.listUsers('ali')).map((u) => u.id),
        ['alice'],
      );
      const types = await alice.listJobTypes();
      assert.ok(types.some((t) => t.type === 'product-import' && t.label === 'Product import'));
      await assert.rejects(
        alice.listUsers(),
        (error: unknown) => error instanceof JobsApiError && error.status === 403,
      );
    });

    it('launches an import, follows it and reads its report, warnings and input file', async () => {
      const csv = 'sku,name,price,stock\nA-1,Chair,19.90,4\nA-2,Desk,twelve,1\n';
      const launched = await alice.launch(
        'product-import',
        { file: csv, fileName: 'p.csv' },
        { subjects: ['catalogue:main'] },
      );
      assert.equal(launched.status, 'queued');
      const job = await until(() => alice.getJob(launched.id), isFinished);
      assert.equal(job.status, 'succeeded');
      const report = await alice.getReport(job.id);
      assert.deepEqual(report.messageCounts, { info: 0, warning: 1, error: 0 });
      const warnings = await alice.listMessages(job.id, { level: ['warning'] });
      assert.equal(warnings.items[0]!.item!.row, 3);
      const input = await alice.downloadArtifact(job.id, 'file');
      assert.equal(await input.text(), csv);
    });

    it('launches an export and downloads its file', async () => {
      const launched = await alice.launch('product-export', {});
      const job = await until(() => alice.getJob(launched.id), isFinished);
      const file = await alice.downloadArtifact(job.id, 'products.csv');
      assert.equal(await file.text(), 'sku,name,price,stock,category\r\nA-1,Chair,19.90,4,\r\n');
    });

    it('lists, pages, iterates, counts and exports', async () => {
      const page = await alice.listJobs({ limit: 1, status: ['processed'] });
      assert.equal(page.items.length, 1);
      assert.ok(page.nextCursor);
      const pages = [];
      for await (const p of alice.pages({ limit: 1 })) pages.push(p);
      assert.equal(pages.length, 2);
      const all = [];
      for await (const job of carol.jobs({ user: ['alice'], limit: 1 })) all.push(job.id);
      assert.equal(all.length, 2);
      const facets = await alice.facets({ subject: 'catalogue:main' });
      assert.deepEqual(
        facets.types.map((t) => [t.type, t.count.value]),
        [['product-import', 1]],
      );
      const csv = await alice.exportJobsCsv({ type: ['product-export'] });
      assert.equal(csv.trimEnd().split('\r\n').length, 2);
    });

    it('requeues, interrupts, deletes and acts in bulk', async () => {
      const [done] = (await alice.listJobs({ type: ['product-export'] })).items;
      const again = await alice.requeue(done!.id);
      assert.equal(again.requeuedFrom, done!.id);
      await until(() => alice.getJob(again.id), isFinished);
      const long = await alice.launch('schedule-optimisation', { periodId: '2026-01', durationSeconds: 60 });
      await until(
        () => alice.getJob(long.id),
        (job) => job.status === 'running',
      );
      const interrupting = await alice.interrupt(long.id);
      assert.equal(interrupting.status, 'interrupting');
      const stopped = await until(() => alice.getJob(long.id), isFinished);
      assert.equal(stopped.status, 'interrupted');
      await alice.delete(stopped.id);
      await assert.rejects(
        alice.getJob(stopped.id),
        (error: unknown) => error instanceof JobsApiError && error.code === 'not_found',
      );
      const bulk = await carol.bulk('delete', [done!.id, again.id, '987654']);
      assert.deepEqual(
        bulk.results.map((r) => r.ok),
        [true, true, false],
      );
      await assert.rejects(
        alice.delete('987654'),
        (error: unknown) => error instanceof JobsApiError && error.status === 404,
      );
    });
  });
}
