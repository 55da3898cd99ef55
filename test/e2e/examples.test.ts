/**
 * The embedding examples work against the real server: the plain HTML page (session cookie) and the React app
 * (bearer token, `job-open` handled by React) show the user's jobs in `<job-tracker>`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import type { JobDetail } from '../../sdk/index.js';
import { launchChromium, openPage } from './support/browser.js';
import { checkPageResponses, startTestDemo, type TestDemo } from './support/demo.js';
import { type ExamplesServer, serveExamples } from './support/examples-server.js';
import { waitForRow } from './support/kit.js';
import { waitForEnd } from './support/seed.js';

describe('the embedding examples', () => {
  let demo: TestDemo;
  let examples: ExamplesServer;
  let browser: Browser;
  let job: JobDetail;

  before(async () => {
    demo = await startTestDemo();
    examples = await serveExamples(demo.url);
    browser = await launchChromium();
    const alice = demo.api('alice');
    job = await waitForEnd(alice, (await alice.launch('product-export', {})).id);
  });

  after(async () => {
    await browser?.close();
    await examples?.close();
    await demo?.close();
  });

  test('plain HTML: the tracker shows the signed-in user’s jobs', async () => {
    const { page, problems } = await openPage(browser, { isolated: true });
    checkPageResponses(page, problems);
    await page.setCookie({ name: 'job_session', value: 'demo-user-token', url: examples.url });
    await page.goto(`${examples.url}/plain-html/`);
    const row = await waitForRow(page, (candidate) => candidate.id === job.id, `of job ${job.id}`);
    assert.equal(row.status, 'succeeded');
    assert.deepEqual(problems, []);
  });

  test('React: the tracker shows the jobs, and opening one is handled by the app', async () => {
    const { page, problems } = await openPage(browser, { isolated: true });
    checkPageResponses(page, problems);
    await page.goto(`${examples.url}/react/`);
    await waitForRow(page, (candidate) => candidate.id === job.id, `of job ${job.id}`);
    await page.evaluate(() =>
      document.querySelector('job-tracker')!.shadowRoot!.querySelector<HTMLElement>('[part="report-link"]')!.click(),
    );
    await page.waitForSelector('#opened-job job-report');
    assert.equal(new URL(page.url()).pathname, '/react/', 'the element did not navigate away');
    assert.match(await page.$eval('#opened-job h2', (h2) => h2.textContent ?? ''), new RegExp(`#${job.id}`));
    assert.deepEqual(problems, []);
  });
});
