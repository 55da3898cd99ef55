/**
 * axe on every page of the demo app (the host's markup and the kit's elements in it), light and dark, with a
 * seeded history so the tracker, the widget and the report show real rows.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, openPage } from './support/browser.js';
import { chooseUser, startTestDemo, type TestDemo } from './support/demo.js';
import { seedHistory } from './support/seed.js';

const paths = ['/', '/imports/new', '/planning/optimise', '/products/mass-edit', '/jobs', '/jobs/1'];

describe('the demo app’s accessibility', () => {
  let demo: TestDemo;
  let browser: Browser;
  let page: Page;
  let axeSource: string;

  before(async () => {
    axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    demo = await startTestDemo();
    browser = await launchChromium();
    await seedHistory(demo.api('alice'), demo.api('carol'));
    ({ page } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** axe's violations on the page once its elements have loaded (their status lines no longer say loading). */
  async function violations(path: string): Promise<string[]> {
    await page.goto(`${demo.url}${path}`);
    await chooseUser(page, 'carol');
    await page.waitForFunction(() =>
      ['job-tracker', 'job-report', 'job-dashboard-widget'].every((tag) => {
        const element = document.querySelector(tag);
        return !element || !/Loading|Chargement/.test(element.shadowRoot?.textContent ?? 'Loading');
      }),
    );
    // Colours are checked once the page has settled: its requests answered (the live stream stays open) and the
    // toasts they brought have finished fading in; axe half-way through a fade reports blended colours.
    await page.waitForNetworkIdle({ idleTime: 300, concurrency: 1 });
    await page.waitForFunction(() => document.getAnimations().length === 0);
    // Evaluated through the DevTools protocol, which the page's CSP does not apply to (a script tag would be blocked).
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
      const { violations } = await (
        window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }
      ).axe.run(document);
      return violations.map(
        (v) =>
          `${v.id}: ${v.nodes.map((node) => `${node.target.join(' ')} ${node.any.map((check) => check.message).join('; ')}`).join(' | ')}`,
      );
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    test(`every page has no axe violations in ${theme}`, async () => {
      await page.goto(`${demo.url}/`);
      await chooseUser(page, 'carol');
      const current = await page.$eval('html', (html) => html.dataset.theme);
      if (current !== theme) await page.click('#theme-switcher');
      for (const path of paths) assert.deepEqual(await violations(path), [], `${path} in ${theme}`);
    });
  }
});

interface AxeViolation {
  id: string;
  nodes: { target: string[]; any: { message: string }[] }[];
}
