/** Helpers shared by the tests of the progress dialog, toasts, dashboard widget and report. */
import { expect, waitUntil } from '@open-wc/testing';
import type { LitElement } from 'lit';
import type { JobDetail, Notification } from '../../../sdk/index.js';
import { detail, makeJob, runningJob } from './fixtures.js';

export function text(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The element's shadow root, with its badges' text read in place. */
export function shown(element: LitElement): string {
  const root = document.createElement('div');
  for (const child of element.shadowRoot!.childNodes) root.append(child.cloneNode(true));
  const originals = element.shadowRoot!.querySelectorAll('job-status-badge');
  root.querySelectorAll('job-status-badge').forEach((copy, index) => {
    copy.textContent = ` ${text(originals[index]!.shadowRoot)} `;
  });
  return text(root);
}

/** `waitUntil` with room for the first contract check of a run, which compiles the schemas. */
export function until(condition: () => unknown, message: string): Promise<void> {
  return waitUntil(condition, message, { timeout: 5000 });
}

export function part<T extends Element = HTMLElement>(element: LitElement, name: string): T | null {
  return element.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/** Runs axe on the element in the light theme, then in the dark one. */
export async function expectAccessibleInBothThemes(element: LitElement): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    element.setAttribute('theme', theme);
    await element.updateComplete;
    // Colours are measured after entrance animations: mid-fade they are paler than they will be.
    await Promise.all(element.shadowRoot!.getAnimations().map((animation) => animation.finished));
    await expect(element, `${theme} theme`).to.be.accessible();
  }
  element.removeAttribute('theme');
}

/** A running import launched with two options, as `GET /jobs/{id}` answers it. */
export function runningDetail(id: string, overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    ...detail(runningJob(id, { createdAt: '2026-11-23T09:15:00Z', lastHeartbeatAt: new Date().toISOString() })),
    options: [
      { name: 'file', label: 'File', value: 'products.csv' },
      { name: 'notifyByEmail', label: 'Confirmation mail', value: 'Yes' },
    ],
    ...overrides,
  };
}

export function finishedDetail(id: string, overrides: Partial<JobDetail> = {}): JobDetail {
  return { ...runningDetail(id), ...makeJob(id, { createdAt: '2026-11-23T09:15:00Z' }), ...overrides };
}

/** An end-of-job notification. */
export function notification(id: string, jobId: string, overrides: Partial<Notification> = {}): Notification {
  return {
    id,
    jobId,
    jobType: 'product-import',
    typeLabel: 'Product import',
    status: 'succeeded',
    warnings: 0,
    errors: 0,
    createdAt: '2026-11-23T09:16:12Z',
    readAt: null,
    ...overrides,
  };
}
