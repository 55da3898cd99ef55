/**
 * The published build works as shipped: `npm run build` runs first, then pages load `dist/` modules as a host
 * serves them (strict CSP, the API proxied same-origin to the demo server) and show jobs. Covers the minified
 * templates and styles, the per-element entries, the French messages fetched on demand, and the package's
 * `exports` resolving by name.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import type { JobDetail } from '../../sdk/index.js';
import { launchChromium, openPage } from './support/browser.js';
import { checkPageResponses, demoTokens, startTestDemo, type TestDemo } from './support/demo.js';
import { waitForRow } from './support/kit.js';
import { waitForEnd } from './support/seed.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A page loading `modules` from dist/, with `body` as its markup. */
const page = (lang: string, modules: string[], body: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>dist</title>${modules
    .map((path) => `<script type="module" src="/dist/${path}"></script>`)
    .join('')}</head><body>${body}</body></html>`;

const pages: Record<string, string> = {
  '/tracker': page('en', ['components/job-tracker.js'], '<job-tracker base-url="/api"></job-tracker>'),
  '/whole-kit-fr': page('fr', ['components/index.js'], '<job-tracker base-url="/api"></job-tracker>'),
};

/** Serves the pages and dist/, and proxies `/api` to the demo signed in as alice, as a host's backend would. */
async function serveDist(apiOrigin: string): Promise<{ url: string; served: string[]; close(): Promise<void> }> {
  const served: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      const upstream = await fetch(`${apiOrigin}${url.pathname}${url.search}`, {
        method: request.method,
        headers: {
          authorization: `Bearer ${demoTokens.alice}`,
          accept: request.headers.accept ?? '*/*',
          ...(request.headers['last-event-id'] ? { 'last-event-id': String(request.headers['last-event-id']) } : {}),
        },
      });
      response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
      if (upstream.body) Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream).pipe(response);
      else response.end();
      return;
    }
    const csp = { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'" };
    if (pages[url.pathname])
      return void response.writeHead(200, { 'content-type': 'text/html', ...csp }).end(pages[url.pathname]);
    if (!/^\/dist\/[\w/.-]+\.js$/.test(url.pathname)) {
      return void response.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    }
    try {
      const body = await readFile(`${root}${url.pathname.slice(1)}`);
      served.push(url.pathname);
      response.writeHead(200, { 'content-type': 'text/javascript', ...csp }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the published build (dist/)', () => {
  let demo: TestDemo;
  let host: Awaited<ReturnType<typeof serveDist>>;
  let browser: Browser;
  let job: JobDetail;

  before(async () => {
    execFileSync(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, `${root}scripts/build.ts`], {
      stdio: 'ignore',
    });
    demo = await startTestDemo();
    host = await serveDist(demo.url);
    browser = await launchChromium();
    const alice = demo.api('alice');
    job = await waitForEnd(alice, (await alice.launch('product-export', {})).id);
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await demo?.close();
  });

  test('the package resolves by name to dist/ (exports map)', async () => {
    // Through a variable: dist/ exists only once this file's `before` has built it, so tsc cannot resolve it ahead.
    const sdkEntry = 'job-tracker-kit/sdk';
    const sdk = (await import(sdkEntry)) as typeof import('../../sdk/index.js');
    assert.equal(typeof sdk.createJobsClient, 'function');
    assert.match(import.meta.resolve('job-tracker-kit/components/job-tracker'), /\/dist\/components\/job-tracker\.js$/);
  });

  test('one element’s entry: <job-tracker> shows the jobs, its badges render, nothing breaks the CSP', async () => {
    const { page, problems } = await openPage(browser, { isolated: true });
    checkPageResponses(page, problems);
    await page.goto(`${host.url}/tracker`);
    const row = await waitForRow(page, (candidate) => candidate.id === job.id, `of job ${job.id}`);
    assert.equal(row.status, 'succeeded');
    assert.equal(row.tone, 'success');
    const label = await page.evaluate(
      () =>
        document
          .querySelector('job-tracker')!
          .shadowRoot!.querySelector('job-status-badge')!
          .shadowRoot!.querySelector('[part="label"]')!.textContent,
    );
    assert.equal(label, 'Succeeded');
    assert.equal(await page.evaluate(() => customElements.get('job-report')), undefined, 'loaded more than asked');
    assert.deepEqual(problems, []);
  });

  test('the whole kit under <html lang="fr"> fetches the French messages on demand and shows them', async () => {
    const { page, problems } = await openPage(browser, { isolated: true });
    checkPageResponses(page, problems);
    const before = host.served.length;
    await page.goto(`${host.url}/whole-kit-fr`);
    await waitForRow(page, (candidate) => candidate.id === job.id, `of job ${job.id}`);
    const refresh = await page.evaluate(
      () => document.querySelector('job-tracker')!.shadowRoot!.querySelector('[part="refresh"]')!.textContent,
    );
    assert.equal(refresh, 'Actualiser');
    const chunks = host.served.slice(before).filter((path) => path.startsWith('/dist/chunks/'));
    const french = await Promise.all(
      chunks.map(async (path) => (await readFile(`${root}${path}`, 'utf8')).includes('Actualiser')),
    );
    assert.equal(french.filter(Boolean).length, 1, 'the French messages are not in a chunk of their own');
    assert.deepEqual(problems, []);
  });
});
