import { fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
// The element's own module, not the kit's index, so these tests do not depend on the other elements.
import type { JobTracker } from '../../../components/job-tracker/job-tracker.js';
import { until } from './until.js';
import '../../../components/job-tracker/job-tracker.js';

/** Renders a tracker and waits until its first page and its filters' options (from /me, /job-types) are in. */
export async function renderTracker(markup: TemplateResult = html`<job-tracker></job-tracker>`): Promise<JobTracker> {
  const tracker = await fixture<JobTracker>(markup);
  await until(() => loaded(tracker), 'the tracker did not finish loading');
  await until(() => shadow(tracker).querySelectorAll('select[name="type"] option').length > 1, 'no job types');
  return tracker;
}

export function shadow(tracker: JobTracker): ShadowRoot {
  return tracker.shadowRoot!;
}

/** Whether the tracker shows a settled state (rows, empty or error), not "Loading". */
export function loaded(tracker: JobTracker): boolean {
  const status = shadow(tracker).querySelector('[part="status"]');
  return !!status && !status.textContent!.includes('Loading') && !status.textContent!.includes('Chargement');
}

/** The job rows in the DOM. */
export function rows(tracker: JobTracker): HTMLTableRowElement[] {
  return [...shadow(tracker).querySelectorAll<HTMLTableRowElement>('tbody tr[part="row"]')];
}

export function rowById(tracker: JobTracker, id: string): HTMLTableRowElement | undefined {
  return rows(tracker).find((row) => row.querySelector('td.id')?.textContent?.trim() === id);
}

export function text(element: Node | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The text of a row's cell, badges included. */
export function cell(row: HTMLTableRowElement, column: string): string {
  const td = row.querySelector(`td.${column}`);
  const badge = td?.querySelector('job-status-badge');
  return badge ? text(badge.shadowRoot) : text(td);
}

/** Sets a filter control's value and fires `change`, as a user would. */
export async function setControl(tracker: JobTracker, name: string, value: string): Promise<void> {
  const control = shadow(tracker).querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)!;
  control.value = value;
  control.dispatchEvent(new Event('change', { bubbles: true }));
  await tracker.updateComplete;
}

export function button(root: ParentNode, label: string): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => text(b).startsWith(label));
  if (!found) throw new Error(`no button "${label}"`);
  return found;
}

export function notice(tracker: JobTracker): string {
  return text(shadow(tracker).querySelector('[part="notice"]'));
}

export { html, until };
