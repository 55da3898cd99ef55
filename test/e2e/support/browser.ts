/**
 * Debian's Chromium driven by puppeteer-core (the one @web/test-runner-chrome brings; no browser download), with
 * the page's console errors, uncaught exceptions and CSP violations collected so a test can assert there are none.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, chromiumPath } from '../../support/chromium.js';

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    defaultViewport: { width: 1360, height: 860 },
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/** A new page (in its own browser context when `isolated`, so cookies and storage are its own). */
export async function openPage(browser: Browser, { isolated = false } = {}): Promise<WatchedPage> {
  const context = isolated ? await browser.createBrowserContext() : browser.defaultBrowserContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url ?? 'no url'})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
  // Chromium's own CSP message does not say what was blocked; the event does (the element and the attribute).
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`csp: ${text}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const target = event.composedPath()[0];
      const where =
        target instanceof Element
          ? `<${target.localName}> in ${target.getRootNode() instanceof ShadowRoot ? `<${(target.getRootNode() as ShadowRoot).host.localName}>` : 'the page'}`
          : '';
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ${where} ${event.sample}`,
      );
    });
  });
  return { page, problems };
}
