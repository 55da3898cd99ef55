import type { Task } from '@lit/task';
import { html, nothing } from 'lit';
import type { Messages } from '../shared/localize.js';
import type { JobPages } from './job-pages.js';
import type { LiveStatusController } from './live-status.js';

/** What the status bar shows and whom it tells. */
export interface StatusBarContext {
  m: Messages;
  /** The load of the first page. */
  jobs: Pick<Task<readonly unknown[], unknown>, 'render' | 'run'>;
  pages: JobPages;
  /** Whether the load under way is one the user did not ask for: the count shown stays until the new one. */
  quiet: boolean;
  liveStatus: LiveStatusController;
  /** Changes waiting behind the "show" button. */
  pending: number;
  showPending: () => void;
}

/**
 * The line above the table: "Loading", the number of jobs or why they could not be loaded; whether live updates
 * are coming; and the "N changes — show" button.
 */
export function renderStatusBar(context: StatusBarContext) {
  const { m, pages } = context;
  const loading = () => html`<p part="status" class="message" role="status">${m.loading}</p>`;
  // The pages' total, not the first page's: it counts rows deleted since the load out.
  const total = () =>
    html`<p part="status" class="message" role="status">
      ${pages.length === 0 ? m.empty : m.total(pages.total.value, pages.total.exact)}
    </p>`;
  return html`<div class="bar">
    ${context.jobs.render({
      initial: loading,
      pending: context.quiet ? total : loading,
      complete: total,
      error: (error) =>
        html`<div part="status" class="message error" role="alert">
          ${m.loadFailed} ${(error as Error)?.message ?? ''}
          <button type="button" @click=${() => context.jobs.run()}>${m.retry}</button>
        </div>`,
    })}
    ${context.liveStatus.render(m)}
    ${
      context.pending > 0
        ? html`<button part="pending" class="pending" type="button" @click=${context.showPending}>
            ${m.pending(context.pending)}
          </button>`
        : nothing
    }
  </div>`;
}
