/** The demo job types run by a real worker, driven and read through the API. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoJobTypes } from '../../server/jobs/index.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { dbKinds } from '../support/db.js';
import { openWorld, type World, waitForJob } from './helpers.js';

const finished = (job: { status: string }) => ['succeeded', 'failed', 'interrupted'].includes(job.status);

const importCsv = [
  'sku,name,price,stock,category',
  'CH-1,Chair,19.90,4,furniture',
  'DK-1,Desk,twelve,1,furniture',
  ',Nameless,3,1,furniture',
  'LP-1,Lamp,9.5,10,lighting',
  'TB-1,Table,120,-2,furniture',
  'SF-1,Sofa,450,2,furniture',
].join('\n');

for (const kind of dbKinds) {
  describe(`demo job types on a worker (${kind})`, () => {
    let world: World;
    let worker: Worker;
    before(async () => {
      world = await openWorld(kind, (db) => demoJobTypes(db));
      worker = startWorker({ db: world.db, jobTypes: demoJobTypes(world.db), concurrency: 4 });
    });
    after(async () => {
      await worker.stop({ graceMs: 1_000 });
      await world.close();
    });

    async function run(user: 'alice' | 'carol', type: string, params: Record<string, unknown>) {
      const launched = await world.call(user, 'POST', '/jobs', { body: { type, params } });
      assert.equal(launched.status, 202, launched.text);
      return waitForJob(world, launched.body.id, finished, { user });
    }

    it('imports a CSV: bad rows become warnings with the row, counters read / written / skipped', async () => {
      const job = await run('alice', 'product-import', { file: importCsv, fileName: 'catalogue.csv' });
      assert.equal(job.status, 'succeeded');
      assert.equal(job.warnings, 3);
      assert.deepEqual(job.counters, { read: 6, written: 3, skipped: 3 });
      const report = await world.call('alice', 'GET', `/jobs/${job.id}/report`);
      assert.deepEqual(
        report.body.steps.map((s: { name: string; status: string; counters: object }) => [
          s.name,
          s.status,
          s.counters,
        ]),
        [
          ['validate', 'succeeded', { read: 6, skipped: 3 }],
          ['write', 'succeeded', { written: 3 }],
        ],
      );
      const warnings = await world.call('alice', 'GET', `/jobs/${job.id}/messages?level=warning`);
      assert.deepEqual(
        warnings.body.items.map((m: { message: string; item: object }) => [m.message, m.item]),
        [
          [
            'Price is not a number',
            { row: 3, sku: 'DK-1', name: 'Desk', price: 'twelve', stock: '1', category: 'furniture' },
          ],
          ['SKU is missing', { row: 4, sku: '', name: 'Nameless', price: '3', stock: '1', category: 'furniture' }],
          [
            'Stock is not a whole number ≥ 0',
            { row: 6, sku: 'TB-1', name: 'Table', price: '120', stock: '-2', category: 'furniture' },
          ],
        ],
      );
      const { rows } = await world.db.query<{ sku: string }>(`select sku from demo_products order by sku`);
      assert.deepEqual(
        rows.map((r) => r.sku),
        ['CH-1', 'LP-1', 'SF-1'],
      );
    });

    it('fails an import with no valid row with a stable error code', async () => {
      const job = await run('alice', 'product-import', { file: 'sku,name,price\n,x,1\n' });
      assert.equal(job.status, 'failed');
      assert.equal(job.errorCode, 'no_valid_rows');
      const failed = await world.call('alice', 'GET', '/jobs?error=no_valid_rows');
      assert.deepEqual(
        failed.body.items.map((j: { id: string }) => j.id),
        [job.id],
      );
    });

    it('exports the products as a downloadable CSV artifact', async () => {
      const job = await run('alice', 'product-export', { category: 'furniture' });
      assert.equal(job.status, 'succeeded');
      const report = await world.call('alice', 'GET', `/jobs/${job.id}/report`);
      const artifact = report.body.artifacts[0];
      assert.equal(artifact.name, 'products.csv');
      assert.equal(artifact.role, 'output');
      assert.match(artifact.fileName, /^products-furniture-\d{4}-\d{2}-\d{2}\.csv$/);
      const download = await world.call('alice', 'GET', `/jobs/${job.id}/artifacts/products.csv`);
      assert.equal(download.headers.get('content-type'), 'text/csv');
      assert.match(download.headers.get('content-disposition')!, /^attachment; filename="products-furniture-/);
      assert.equal(
        download.text,
        'sku,name,price,stock,category\r\nCH-1,Chair,19.90,4,furniture\r\nSF-1,Sofa,450.00,2,furniture\r\n',
      );
    });

    it('mass-edits prices with progress and counters', async () => {
      const job = await run('carol', 'product-mass-edit', { category: 'lighting', priceChangePercent: 10 });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(job.counters, { read: 1, written: 1 });
      assert.equal(job.progress.percent, 100);
      const { rows } = await world.db.query<{ price: string }>(
        `select price::text from demo_products where sku = 'LP-1'`,
      );
      assert.equal(rows[0]!.price, '10.45');
    });

    it('generates missions the same way for the same seed, warning about those nobody can take', async () => {
      const params = { periodId: '2026-12', missions: 300, employees: 3, seed: 7 };
      const first = await run('carol', 'mission-generation', params);
      const second = await run('carol', 'mission-generation', params);
      assert.equal(first.status, 'succeeded');
      assert.equal(first.counters.generated, 300);
      assert.equal(first.counters.assigned + first.counters.unassigned, 300);
      assert.ok(first.counters.unassigned > 0);
      assert.equal(first.warnings, first.counters.unassigned);
      assert.deepEqual(second.counters, first.counters);
      const a = await world.call('carol', 'GET', `/jobs/${first.id}/artifacts/missions.csv`);
      const b = await world.call('carol', 'GET', `/jobs/${second.id}/artifacts/missions.csv`);
      assert.equal(a.text, b.text);
      assert.equal(a.text.trimEnd().split('\r\n').length, 301);
    });

    it("writes an activity report artifact of its user's own jobs from the job store", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const job = await run('alice', 'activity-report', { from: today, to: today });
      assert.equal(job.status, 'succeeded');
      const report = await world.call('alice', 'GET', `/jobs/${job.id}/artifacts/report.csv`);
      assert.match(report.text, /^type,status,jobs,warnings,errors\r\n/);
      assert.match(report.text, /\r\nproduct-import,succeeded,1,3,0\r\n/);
      // Carol's mass edit and missions are hers: not even counted in Alice's report.
      assert.doesNotMatch(report.text, /product-mass-edit|mission-generation/);
      const carols = await run('carol', 'activity-report', { from: today, to: today });
      const theirs = await world.call('carol', 'GET', `/jobs/${carols.id}/artifacts/report.csv`);
      assert.match(theirs.text, /\r\nproduct-mass-edit,succeeded,1,0,0\r\n/);
      assert.doesNotMatch(theirs.text, /product-import/);
    });

    it('optimises a schedule within its time budget and saves it', async () => {
      const job = await run('alice', 'schedule-optimisation', {
        periodId: '2026-02',
        employees: 10,
        durationSeconds: 1,
      });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(job.progress, { done: 10, total: 10, percent: 100, message: job.progress.message });
      assert.ok(job.counters.iterations >= 2_000);
      const schedule = await world.call('alice', 'GET', `/jobs/${job.id}/artifacts/schedule.csv`);
      assert.equal(schedule.text.trimEnd().split('\r\n').length, 1 + 28 * 3);
    });

    it('stops a running optimisation when interrupted', async () => {
      const launched = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'schedule-optimisation', params: { periodId: '2026-03', durationSeconds: 60 } },
      });
      await waitForJob(world, launched.body.id, (job) => job.status === 'running' && job.progress.done > 0);
      const interrupting = await world.call('alice', 'POST', `/jobs/${launched.body.id}/interrupt`);
      assert.equal(interrupting.status, 202);
      assert.equal(interrupting.body.status, 'interrupting');
      const job = await waitForJob(world, launched.body.id, finished, { timeoutMs: 5_000 });
      assert.equal(job.status, 'interrupted');
      assert.equal(job.forced, false);
      assert.deepEqual(job.interruptedBy, { id: 'alice', name: 'Alice Martin' });
      assert.ok(job.processingMs < 10_000);
    });

    async function warningsOf(id: string) {
      const { body } = await world.call('alice', 'GET', `/jobs/${id}/messages?level=warning&limit=200`);
      return body.items.map((m: { message: string; item: { row?: number } }) => [m.item.row, m.message]);
    }

    it('imports numbers the products table takes, refusing the rest row by row, where a spreadsheet shows them', async () => {
      const file = [
        'sku,name,price,stock,category,row',
        'HX-1,Hex,0x10,1,misc,a',
        '',
        'BIG-1,Big,99999999999,1,misc,b',
        'STK-1,Stocky,5,3000000000,misc,c',
        'DEC-1,Tiny,0.001,1,misc,d',
        'OK-1,"Fine, with a comma",10.5,,misc,e',
        'OK-1,Twice,11,1,misc,f',
        'NEG-1,Negative,-3,1,misc,g',
        'XX-1,Both wrong,-3,abc,misc,h',
        'SHORT-1,Short',
      ].join('\r\n');
      const job = await run('alice', 'product-import', { file });
      assert.equal(job.status, 'succeeded', job.errorMessage);
      assert.deepEqual(job.counters, { read: 9, written: 1, skipped: 8 });
      assert.deepEqual(await warningsOf(job.id), [
        [2, 'Price is not a number'],
        [4, 'Price is over 9999999999.99'],
        [5, 'Stock is over 2147483647'],
        [6, 'Price has more than 2 decimals'],
        [8, 'SKU already on row 7'],
        [9, 'Price is negative'],
        [10, 'Price is negative; Stock is not a whole number ≥ 0'],
        [11, "The row has 2 of the header's 6 columns; Price is missing"],
      ]);
      assert.equal(job.warnings, 8);
    });

    it('refuses a file whose header is wrong, or that has no rows, with one clear error', async () => {
      for (const [file, code, message] of [
        ['sku;name;price\nA;b;1\n', 'invalid_header', /lacks the columns sku, name, price .*separated by commas/],
        ['sku,name,price,price\nA,b,1,2\n', 'invalid_header', /"price" appears twice/],
        ['sku,name,price\n', 'no_rows', /header but no rows/],
        ['\n\n', 'no_rows', /empty/],
        [',,,\nA,b,1,2\n', 'invalid_header', /lacks the columns sku, name, price \(it reads ",,,"\)/],
      ] as const) {
        const job = await run('alice', 'product-import', { file });
        assert.deepEqual([job.status, job.errorCode, job.warnings], ['failed', code, 0], file);
        const { body } = await world.call('alice', 'GET', `/jobs/${job.id}/messages?level=error`);
        assert.match(body.items[0].message, message);
      }
    });

    it('warns of each row create-only mode leaves alone, and says how many rows it imported', async () => {
      const file = 'sku,name,price\nCH-1,Chair again,1\nNEW-1,New,2\n';
      const job = await run('alice', 'product-import', { file, mode: 'create' });
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(job.counters, { read: 2, written: 1, skipped: 1 });
      assert.deepEqual(await warningsOf(job.id), [[2, 'SKU exists already: create-only mode leaves it unchanged']]);
      assert.equal(job.progress.message, 'Imported 1 of 2 rows');
    });

    it('stops an import at once when interrupted while it checks rows', async () => {
      const rows = 30_000;
      const file = `sku,name,price\n${',x,1\n'.repeat(rows)}`;
      const launched = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'product-import', params: { file } },
      });
      await waitForJob(world, launched.body.id, (job) => (job.counters.read ?? 0) > 0);
      await world.call('alice', 'POST', `/jobs/${launched.body.id}/interrupt`);
      const job = await waitForJob(world, launched.body.id, finished, { user: 'alice' });
      assert.deepEqual([job.status, job.forced], ['interrupted', false]);
      assert.ok(job.counters.read < rows, `read ${job.counters.read} of ${rows} in ${job.processingMs} ms`);
    });

    it('takes a file as long as its schema allows, whatever its characters', async () => {
      // 900,000 characters, the import's maxLength; 1.8 MB in UTF-8.
      const header = 'sku,name,price\n';
      const row = 'É-1,Éé,1\n';
      const file = header + row.repeat(Math.floor((900_000 - header.length) / row.length));
      const launched = await world.call('alice', 'POST', '/jobs', {
        body: { type: 'product-import', params: { file } },
      });
      assert.equal(launched.status, 202, launched.text);
      await world.call('alice', 'POST', `/jobs/${launched.body.id}/interrupt`);
      await waitForJob(world, launched.body.id, finished, { user: 'alice' });
    });

    it('leaves a price the products table cannot take unchanged in a mass edit, with a warning', async () => {
      await world.db.query(
        `insert into demo_products (sku, name, price, stock, category)
         values ('RICH-1', 'Rich', 9000000000, 1, 'luxury'), ('RICH-2', 'Modest', 10, 1, 'luxury')`,
      );
      const job = await run('carol', 'product-mass-edit', { category: 'luxury', priceChangePercent: 500 });
      assert.equal(job.status, 'succeeded', job.errorMessage);
      assert.deepEqual(job.counters, { read: 2, written: 1, skipped: 1 });
      const { body } = await world.call('carol', 'GET', `/jobs/${job.id}/messages?level=warning`);
      assert.deepEqual(
        body.items.map((m: { message: string; item: object }) => [m.message, m.item]),
        [
          [
            'The new price would pass 9999999999.99; left unchanged',
            { sku: 'RICH-1', price: '9000000000.00', newPrice: '54000000000.00' },
          ],
        ],
      );
      const { rows } = await world.db.query<{ price: string }>(
        `select price::text from demo_products where category = 'luxury' order by sku`,
      );
      assert.deepEqual(
        rows.map((row) => row.price),
        ['9000000000.00', '60.00'],
      );
    });
  });
}
