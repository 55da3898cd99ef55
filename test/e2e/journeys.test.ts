/**
 * End to end: the demo app in Chromium against the real reference server (a fresh database on the PostgreSQL
 * test server, worker in process), through the seeds' user journeys. Every API response the pages receive is
 * checked against openapi.yaml, and any console error, uncaught exception or CSP violation fails the journey.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'puppeteer-core';
import type { JobDetail } from '../../sdk/index.js';
import { defaultSchema } from '../../server/db/index.js';
import { launchChromium, openPage } from './support/browser.js';
import { checkPageResponses, chooseUser, type DemoUserId, startTestDemo, type TestDemo } from './support/demo.js';
import {
  clickRowAction,
  hasLinkTo,
  setTrackerFilter,
  shadowText,
  trackerRows,
  waitForRow,
  waitForRows,
} from './support/kit.js';
import { waitForEnd } from './support/seed.js';

/** Bad rows and why the import refuses them. */
const badRows = [
  { row: 3, line: 'DK-200,Standing desk,twelve,3,Furniture', reason: 'Price is not a number' },
  { row: 6, line: ',Lamp shade,9.90,15,Lighting', reason: 'SKU is missing' },
];

/** A catalogue with the bad rows at known row numbers (row 1 is the header). */
function catalogueCsv(goodRows: number): string {
  const lines = ['sku,name,price,stock,category', 'CH-100,Oak chair,89.90,24,Furniture', badRows[0]!.line];
  lines.push('LP-300,Desk lamp,34.50,40,Lighting', 'RG-400,Wool rug,149.00,6,Textiles', badRows[1]!.line);
  for (let index = 0; index < goodRows; index++)
    lines.push(`P-${index},Product ${index},${index % 90}.50,${index % 7},Bulk`);
  return `${lines.join('\n')}\n`;
}

/**
 * Holds the products table the way a busy database would: the import checks every row (its progress moves), then
 * waits to write until `release()`. This makes "the dialog shows progress" and "closing it leaves the job running"
 * certain instead of a race with a fast import. It needs a second database session, so the journeys run on the
 * PostgreSQL test server (PGlite is a single in-process connection).
 */
async function holdProductWrites(databaseUrl: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${defaultSchema}.demo_products in share mode`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.query('commit');
      await client.end();
    },
  };
}

describe('the demo app, end to end (PostgreSQL)', () => {
  let demo: TestDemo;
  let browser: Browser;
  let scratch: string;
  let importJob: JobDetail | undefined;

  async function open(user: DemoUserId, path: string): Promise<{ page: Page; problems: string[] }> {
    const watched = await openPage(browser, { isolated: true });
    checkPageResponses(watched.page, watched.problems);
    await watched.page.goto(`${demo.url}${path}`);
    await chooseUser(watched.page, user);
    return watched;
  }

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'job-tracker-e2e-files-'));
    demo = await startTestDemo('postgres');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  test('serves the app with a strict CSP and no inline script or style', async () => {
    const response = await fetch(`${demo.url}/jobs`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    const html = await response.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script');
    assert.doesNotMatch(html, /<style|\sstyle=/, 'an inline style');
  });

  test('a user imports a CSV with bad rows: progress, close, toast, yellow row, report of the bad rows', async () => {
    const { page, problems } = await open('alice', '/imports/new');
    const file = join(scratch, 'catalogue.csv');
    await writeFile(file, catalogueCsv(2_000));
    const input = await page.waitForSelector('#import-form input[type=file]');
    await input!.uploadFile(file);
    await page.click('#import-form input[name=notify]');
    const writes = await holdProductWrites(demo.databaseUrl!);
    try {
      await page.click('#import-form button[type=submit]');

      // The dialog opens on the launched job and shows its progress and the options the user chose.
      await page.waitForSelector('job-progress-dialog');
      const jobId = await page.$eval(
        'job-progress-dialog',
        (dialog) => (dialog as HTMLElement & { jobId: string }).jobId,
      );
      assert.ok(jobId, 'the dialog follows no job');
      await page.waitForFunction(
        () => {
          const progress = document.querySelector('job-progress-dialog')?.shadowRoot?.querySelector('progress');
          return !!progress && progress.value > 0 && progress.value < progress.max;
        },
        { timeout: 20_000 },
      );
      const dialogText = await shadowText(page, 'job-progress-dialog');
      assert.match(dialogText, /catalogue\.csv/, 'the dialog shows the options the user chose');

      // Closing the dialog leaves the job running: the dialog has no cancel. Focus goes back to the launch button.
      assert.doesNotMatch(dialogText, /\bCancel\b/);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('job-progress-dialog'));
      assert.equal(
        await page.evaluate(() => document.activeElement?.matches('#import-form button[type=submit]')),
        true,
        'focus went back to the launch button',
      );
      const afterClose = await demo.api('alice').getJob(jobId);
      assert.equal(afterClose.status, 'running', 'closing the dialog stopped the job');
      importJob = afterClose;
    } finally {
      await writes.release();
    }
    const jobId = importJob.id;
    const alice = demo.api('alice');

    // A toast tells the user when it ends, with a link to the report.
    await page.waitForFunction(
      (path) => {
        const roots: ShadowRoot[] = [];
        const first = document.querySelector('job-toasts')?.shadowRoot;
        if (first) roots.push(first);
        for (let index = 0; index < roots.length; index++) {
          const root = roots[index]!;
          if ([...root.querySelectorAll('a')].some((a) => new URL(a.href).pathname === path)) return true;
          for (const element of root.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
        }
        return false;
      },
      { timeout: 60_000 },
      `/jobs/${jobId}`,
    );
    importJob = await waitForEnd(alice, jobId);
    assert.equal(importJob.status, 'succeeded');
    assert.equal(importJob.warnings, badRows.length);

    // The tracker shows it yellow with the warning count.
    await page.click('a[data-page="tracker"]');
    const row = await waitForRow(
      page,
      (candidate) => candidate.id === jobId && candidate.status === 'succeeded',
      jobId,
    );
    assert.equal(row.warnings, badRows.length);
    assert.equal(row.tone, 'warning');

    // Its report lists the bad rows with why each was refused.
    assert.ok(await hasLinkTo(page, 'job-tracker', `/jobs/${jobId}`), 'the row links to the report');
    await page.goto(`${demo.url}/jobs/${jobId}`);
    await page.waitForFunction(
      (reasons) => {
        const text = document.querySelector('job-report')?.shadowRoot?.textContent ?? '';
        return reasons.every((reason) => text.includes(reason));
      },
      { timeout: 20_000 },
      badRows.map((bad) => bad.reason),
    );
    assert.deepEqual(problems, []);
  });

  test('the import page shortens a file name too long for the import and refuses a file too large, saying its limit', async () => {
    const { page, problems } = await open('alice', '/imports/new');
    const longName = join(scratch, `${'very-long-catalogue-name-'.repeat(9)}.csv`);
    await writeFile(longName, catalogueCsv(0));
    const input = await page.waitForSelector('#import-form input[type=file]');
    await input!.uploadFile(longName);
    await page.click('#import-form button[type=submit]');
    await page.waitForSelector('job-progress-dialog');
    const jobId = await page.$eval(
      'job-progress-dialog',
      (dialog) => (dialog as HTMLElement & { jobId: string }).jobId,
    );
    const { fileName } = (await demo.api('alice').getJob(jobId)).params as { fileName: string };
    assert.ok(fileName.length <= 200 && fileName.endsWith('….csv'), fileName);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('job-progress-dialog'));

    const tooLarge = join(scratch, 'too-large.csv');
    await writeFile(tooLarge, `sku,name,price\n${'A,b,1\n'.repeat(150_001)}`);
    await input!.uploadFile(tooLarge);
    await page.click('#import-form button[type=submit]');
    await page.waitForFunction(() =>
      /at most 900,000 characters/.test(document.querySelector('#import-form [role=alert]')?.textContent ?? ''),
    );
    assert.equal(await page.$('job-progress-dialog'), null, 'nothing was launched');
    assert.deepEqual(problems, []);
  });

  test('a supervisor filters by user and requeues the import', async (t) => {
    if (!importJob) return t.skip('needs the import of the previous journey');
    const { page, problems } = await open('carol', '/jobs');
    await demo.api('carol').launch('mission-generation', { periodId: '2026-12', missions: 50 });
    await waitForRow(page, (row) => row.id === importJob!.id, 'of the import, for the supervisor');
    await setTrackerFilter(page, 'user', 'alice');
    const shown = await waitForRows(
      page,
      (rows) => rows.length > 0 && rows.every((row) => row.user.includes('Alice')),
      "tracker rows of Alice's only, once filtered",
    ).catch(() => trackerRows(page));
    assert.ok(
      shown.every((row) => row.user.includes('Alice')),
      `rows of other users: ${JSON.stringify(shown)}`,
    );
    assert.match(new URL(page.url()).search, /user=alice/, 'the filter is in the URL');

    // Alice may have launched other imports: the new job is the row that was not there before.
    const shownBefore = new Set((await trackerRows(page)).map((row) => row.id));
    await clickRowAction(page, importJob.id, 'Requeue');
    const alice = demo.api('alice');
    const requeued = await waitForRow(
      page,
      (row) => !shownBefore.has(row.id) && row.type.includes(importJob!.typeLabel),
      'for the new job',
    );
    const newJob = await alice.getJob(requeued.id);
    assert.equal(newJob.requeuedFrom, importJob.id);
    assert.equal(newJob.user.id, 'alice', 'a requeued job stays its owner’s');
    assert.deepEqual(problems, []);
  });

  test('the plain user cannot see the supervisor’s jobs', async () => {
    const carolJob = await demo.api('carol').launch('activity-report', { from: '2026-11-01', to: '2026-11-30' });
    const { page, problems } = await open('alice', '/jobs');
    await waitForRow(page, () => true, 'of Alice');
    const rows = await trackerRows(page);
    assert.ok(!rows.some((row) => row.id === carolJob.id), 'Alice sees Carol’s job');
    assert.ok(rows.every((row) => row.user.includes('Alice')));
    await assert.rejects(demo.api('alice').getJob(carolJob.id), { status: 404 });
    assert.deepEqual(problems, []);
  });

  test('an administrator opens someone else’s report by its URL but does not list it', async (t) => {
    if (!importJob) return t.skip('needs the import of the first journey');
    const { page, problems } = await open('bob', `/jobs/${importJob.id}`);
    await page.waitForFunction(
      (reason) => (document.querySelector('job-report')?.shadowRoot?.textContent ?? '').includes(reason),
      { timeout: 20_000 },
      badRows[0]!.reason,
    );
    await page.click('a[data-page="tracker"]');
    await page.waitForFunction(() => {
      const status = document.querySelector('job-tracker')?.shadowRoot?.querySelector('[part="status"]');
      return !!status && !/Loading|Chargement/.test(status.textContent ?? '');
    });
    assert.ok(!(await trackerRows(page)).some((row) => row.id === importJob!.id), 'the admin lists Alice’s job');
    assert.deepEqual(problems, []);
  });

  test('interrupting the running optimisation ends it as interrupted', async () => {
    const { page, problems } = await open('alice', '/planning/optimise');
    await page.waitForSelector('#optimise-form');
    await page.$eval('#optimise-form input[name=duration]', (input) => {
      (input as HTMLInputElement).value = '120';
    });
    await page.click('#optimise-form button[type=submit]');
    await page.waitForSelector('job-progress-dialog');
    const jobId = await page.$eval(
      'job-progress-dialog',
      (dialog) => (dialog as HTMLElement & { jobId: string }).jobId,
    );
    await page.evaluate(() =>
      (document.querySelector('job-progress-dialog') as HTMLElement & { close(): void }).close(),
    );

    await page.click('a[data-page="tracker"]');
    await waitForRow(page, (row) => row.id === jobId && row.status === 'running', 'of the running optimisation');
    await clickRowAction(page, jobId, 'Interrupt');
    await waitForRow(page, (row) => row.id === jobId && row.status === 'interrupted', 'interrupted', 20_000);
    const job = await demo.api('alice').getJob(jobId);
    assert.equal(job.status, 'interrupted');
    assert.equal(job.interruptedBy?.id, 'alice');
    assert.deepEqual(problems, []);
  });

  test('language, theme and user switches re-render the app and its elements', async () => {
    const { page, problems } = await open('carol', '/jobs');
    await waitForRow(page, () => true, 'for the supervisor');
    await page.select('#language-switcher', 'fr');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Suivi des traitements');
    await page.waitForFunction(() =>
      (document.querySelector('job-tracker')?.shadowRoot?.textContent ?? '').includes('Actualiser'),
    );
    await page.click('#theme-switcher');
    assert.equal(await page.$eval('html', (html) => html.dataset.theme), 'dark');
    await chooseUser(page, 'alice');
    await page.waitForFunction(
      () => !document.querySelector('job-tracker')?.shadowRoot?.querySelector('select[name="user"]'),
      { timeout: 10_000 },
    );
    assert.deepEqual(problems, []);
  });
});
