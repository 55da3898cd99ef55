/**
 * Smoke test of the BUILT Storybook (`npm run build-storybook` first; `npm run test:storybook` does both): serves
 * storybook-static from a tiny static server, opens every story and docs page listed in index.json in Chromium,
 * and fails on a render error or any console error.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { launchChromium, openPage } from '../e2e/support/browser.js';

const root = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

interface IndexEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
  tags?: string[];
}

/** Stories tagged `http-error` show a failed request on purpose; Chromium logs that failure as a console error. */
const expectedHttpError = /^console: Failed to load resource: the server responded with a status of [45]\d\d /;

function unexpected(entry: IndexEntry, problems: string[]): string[] {
  return entry.tags?.includes('http-error') ? problems.filter((problem) => !expectedHttpError.test(problem)) : problems;
}

function serveStatic(): Promise<Server> {
  const server = createServer(async (request, response) => {
    // Chromium asks every new origin for a favicon; Storybook's iframe has none.
    if (request.url === '/favicon.ico') return void response.writeHead(204).end();
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) return void response.writeHead(403).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const built = await stat(join(root, 'index.json')).then(
  () => true,
  () => false,
);
const entries: IndexEntry[] = built
  ? Object.values(
      (JSON.parse(await readFile(join(root, 'index.json'), 'utf8')) as { entries: Record<string, IndexEntry> }).entries,
    )
  : [];

describe('the built Storybook', {
  skip: built ? false : 'storybook-static is missing: run `npm run build-storybook`',
}, () => {
  let server: Server;
  let browser: Browser;
  let base: string;

  before(async () => {
    server = await serveStatic();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('has a story for every element of the manifest', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../custom-elements.json', import.meta.url), 'utf8')) as {
      modules: { declarations?: { tagName?: string }[] }[];
    };
    const tags = manifest.modules.flatMap((module) => module.declarations ?? []).flatMap((d) => d.tagName ?? []);
    const titles = new Set(entries.map((entry) => entry.title));
    for (const tag of tags) assert.ok(titles.has(`Elements/${tag}`), `no stories for <${tag}>`);
  });

  for (const entry of entries) {
    test(`${entry.title} › ${entry.name} renders without console errors`, async () => {
      const { page, problems } = await openPage(browser);
      try {
        await page.goto(`${base}/iframe.html?id=${entry.id}&viewMode=${entry.type === 'docs' ? 'docs' : 'story'}`);
        // Storybook marks the body once the story (or docs page) is shown, or shows its error display instead.
        await page.waitForFunction(
          () =>
            document.body.classList.contains('sb-show-main') ||
            document.body.classList.contains('sb-show-errordisplay'),
          { timeout: 15_000 },
        );
        const error = await page.$eval('body', (body) =>
          body.classList.contains('sb-show-errordisplay')
            ? (document.querySelector('#error-message')?.textContent ?? 'error')
            : null,
        );
        assert.equal(error, null, `Storybook showed an error: ${error}`);
        // Let the elements' requests (answered by msw) settle; the stream and "loading" stories keep one or two open.
        await page.waitForNetworkIdle({ idleTime: 300, concurrency: 2, timeout: 15_000 });
        if (entry.type === 'story') {
          const rendered = await page.$eval(
            '#storybook-root',
            (rootElement) => rootElement.querySelector('*') !== null,
          );
          assert.ok(rendered, 'the story rendered nothing');
        }
        assert.deepEqual(unexpected(entry, problems), []);
      } finally {
        await page.close();
      }
    });
  }
});
