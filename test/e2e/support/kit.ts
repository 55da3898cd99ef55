/**
 * Reading and operating the kit's elements in the demo page, through their shadow roots, the way a user sees them.
 *
 * The callbacks given to `page.evaluate` run in the browser. tsx compiles them with esbuild's keepNames, which
 * wraps named inner functions in a `__name()` helper the page does not have, so these callbacks declare none.
 */
import type { Page } from 'puppeteer-core';

export interface TrackerRow {
  id: string;
  user: string;
  type: string;
  status: string;
  warnings: number;
  errors: number;
  /** The badge's tone class: success, warning, danger, grey or neutral. */
  tone: string;
}

/** The rows the page's `<job-tracker>` shows. */
export function trackerRows(page: Page): Promise<TrackerRow[]> {
  return page.evaluate(() =>
    [...(document.querySelector('job-tracker')?.shadowRoot?.querySelectorAll('tr[part="row"]') ?? [])].map((row) => {
      const badge = row.querySelector('job-status-badge') as
        | (HTMLElement & { status: string; warnings: number; errors: number })
        | null;
      return {
        id: row.querySelector('td.id')?.textContent?.trim() ?? '',
        user: row.querySelector('td.user')?.textContent?.trim() ?? '',
        type: row.querySelector('td.type')?.textContent?.trim() ?? '',
        status: badge?.status ?? '',
        warnings: badge?.warnings ?? 0,
        errors: badge?.errors ?? 0,
        tone: badge?.shadowRoot?.querySelector('[part="base"]')?.className ?? '',
      };
    }),
  );
}

/** Waits until the tracker shows a row matching `predicate` (evaluated in node on each check). */
export async function waitForRow(
  page: Page,
  predicate: (row: TrackerRow) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<TrackerRow> {
  const rows = await waitForRows(page, (shown) => shown.some(predicate), `a tracker row ${what}`, timeoutMs);
  return rows.find(predicate)!;
}

/** Waits until the tracker's rows as a whole pass `check` (e.g. "only Alice's", once a filter applies). */
export async function waitForRows(
  page: Page,
  check: (rows: TrackerRow[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<TrackerRow[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: TrackerRow[] = [];
  while (Date.now() < deadline) {
    rows = await trackerRows(page);
    if (check(rows)) return rows;
    // Polls what the user sees: the page updates live (or on its own polling fallback), not on our request.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no ${what} within ${timeoutMs} ms; rows: ${JSON.stringify(rows)}`);
}

/** Clicks the button of a row whose text starts with `label` (Requeue, Interrupt, Delete). */
export async function clickRowAction(page: Page, jobId: string, label: string): Promise<void> {
  const clicked = await page.evaluate(
    (id, text) => {
      const row = [
        ...(document.querySelector('job-tracker')?.shadowRoot?.querySelectorAll('tr[part="row"]') ?? []),
      ].find((candidate) => candidate.querySelector('td.id')?.textContent?.trim() === id);
      const button = [...(row?.querySelectorAll('td.actions button') ?? [])].find((b) =>
        (b.textContent ?? '').trim().startsWith(text),
      ) as HTMLButtonElement | undefined;
      button?.click();
      return !!button;
    },
    jobId,
    label,
  );
  if (!clicked) throw new Error(`no "${label}" button on the row of job ${jobId}`);
}

/** Sets one of the tracker's filter controls as a user would (value, then `change`). */
export async function setTrackerFilter(page: Page, name: string, value: string): Promise<void> {
  // The control (the user filter needs /me first) and its option (from /users) arrive after the rows may have.
  await page
    .waitForFunction(
      (field, text) => {
        const control = document.querySelector('job-tracker')?.shadowRoot?.querySelector(`[name="${field}"]`);
        return control instanceof HTMLSelectElement ? [...control.options].some((o) => o.value === text) : !!control;
      },
      { timeout: 10_000 },
      name,
      value,
    )
    .catch(() => undefined);
  const set = await page.evaluate(
    (field, text) => {
      const control = document
        .querySelector('job-tracker')
        ?.shadowRoot?.querySelector(`[name="${field}"]`) as HTMLSelectElement | null;
      if (!control) return false;
      control.value = text;
      control.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    name,
    value,
  );
  if (!set) throw new Error(`the tracker has no "${name}" filter`);
}

/** The visible text of an element's shadow root (whitespace collapsed), or '' when absent. */
export function shadowText(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (css) => (document.querySelector(css)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    selector,
  );
}

/** Whether some link inside `host`'s shadow root (any depth of nested elements) points at `path`. */
export function hasLinkTo(page: Page, host: string, path: string): Promise<boolean> {
  return page.evaluate(
    (css, target) => {
      const roots: (ShadowRoot | Document)[] = [];
      const first = document.querySelector(css)?.shadowRoot;
      if (first) roots.push(first);
      for (let index = 0; index < roots.length; index++) {
        const root = roots[index]!;
        if ([...root.querySelectorAll('a')].some((a) => new URL(a.href, location.href).pathname === target))
          return true;
        for (const element of root.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
      }
      return false;
    },
    host,
    path,
  );
}
