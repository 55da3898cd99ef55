import { html, nothing, type ReactiveControllerHost } from 'lit';
import { type BulkAction, type Job, JobsApiError, type JobsClient, type Problem } from '../../sdk/index.js';
import { JobActionEvent, type JobActionOutcome } from '../shared/events.js';
import type { Messages } from '../shared/localize.js';
import type { JobPages } from './job-pages.js';

/** What the actions need from the tracker. */
export interface ActionsHost extends ReactiveControllerHost, HTMLElement {
  readonly client: JobsClient;
  readonly pages: JobPages;
  readonly messages: Messages;
  /** Whether the list is scrolled to its top. */
  readonly atTop: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
  selection: Map<string, Job>;
  activeIndex: number;
  reload(): void;
  restoreFocus(): void;
}

interface Notice {
  tone: 'success' | 'error';
  text: string;
  details: string[];
}

const all: BulkAction[] = ['requeue', 'interrupt', 'delete'];

function problemOf(error: unknown): Problem {
  if (error instanceof JobsApiError) return error.problem;
  const title = error instanceof Error ? error.message : String(error);
  return { type: 'about:blank', title, status: 500, code: 'network_error' };
}

/** A refusal as a person reads it: the problem's detail when it has one. */
function reasonOf(outcome: JobActionOutcome): string {
  return outcome.problem?.detail ?? outcome.problem?.title ?? '';
}

/**
 * Runs an action: one job through its own operation (`POST /jobs/{id}/requeue`, `…/interrupt`, `DELETE /jobs/{id}`),
 * several through `POST /jobs/bulk`. Refusals come back as outcomes, never as a thrown error; a bulk request that
 * fails as a whole becomes one refusal per job.
 */
export async function runAction(client: JobsClient, action: BulkAction, ids: string[]): Promise<JobActionOutcome[]> {
  try {
    if (ids.length > 1) return (await client.bulk(action, ids)).results;
    const id = ids[0]!;
    if (action === 'delete') {
      await client.delete(id);
      return [{ id, ok: true }];
    }
    return [{ id, ok: true, job: await (action === 'requeue' ? client.requeue(id) : client.interrupt(id)) }];
  } catch (error) {
    const problem = problemOf(error);
    return ids.map((id) => ({ id, ok: false, problem }));
  }
}

/**
 * Requeue, interrupt and delete for the tracker: confirmation (native `<dialog>`) where an action cannot be undone
 * or is a bulk one, the request, the rows it changes, the result shown per job, and focus put back on a row.
 */
export class ActionsController {
  private notice?: Notice;
  private confirming?: { action: BulkAction; count: number };
  private settle?: (confirmed: boolean) => void;
  /** `action:id` of the requests under way: a double click must not requeue a job twice (two new jobs). */
  private readonly inFlight = new Set<string>();
  /** Counts the callers (see `forget()`), so that what was asked for one is neither sent nor shown for the next. */
  private caller = 0;

  constructor(private readonly host: ActionsHost) {}

  /** Runs an action on those of `jobs` that allow it (`job.can`, the server's verdict for this caller). */
  async act(action: BulkAction, jobs: Job[]): Promise<void> {
    const ids = jobs.filter((job) => job.can[action] && !this.inFlight.has(`${action}:${job.id}`)).map((job) => job.id);
    if (ids.length === 0) return;
    const caller = this.caller;
    if ((action === 'delete' || ids.length > 1) && !(await this.confirm(action, ids.length))) {
      this.host.restoreFocus();
      return;
    }
    // Confirmed just as the caller changed: the new one never chose these jobs.
    if (caller !== this.caller) return;
    const keys = ids.map((id) => `${action}:${id}`);
    for (const key of keys) this.inFlight.add(key);
    let outcomes: JobActionOutcome[];
    try {
      outcomes = await runAction(this.host.client, action, ids);
    } finally {
      for (const key of keys) this.inFlight.delete(key);
    }
    // Answered after the caller changed: the rows, the selection and the notice are the new caller's now.
    const sameCaller = caller === this.caller;
    if (sameCaller) this.apply(action, outcomes);
    this.host.dispatchEvent(new JobActionEvent(action, outcomes));
    if (!sameCaller) return;
    await this.host.updateComplete;
    this.host.restoreFocus();
  }

  /**
   * Forgets what belongs to the previous caller, after a user switch (`configure()`) or a new `base-url`: the last
   * result, which names their jobs, and a confirmation under way, answered "cancel" so nothing is sent for them.
   */
  forget(): void {
    this.caller++;
    this.notice = undefined;
    this.dialog?.close();
    this.host.requestUpdate();
  }

  private apply(action: BulkAction, outcomes: JobActionOutcome[]): void {
    const { host } = this;
    const m = host.messages;
    const selection = new Map(host.selection);
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      if (action === 'delete') {
        const index = host.pages.indexOf(outcome.id);
        if (index >= 0 && index < host.activeIndex) host.activeIndex--;
        host.pages.remove(outcome.id);
        selection.delete(outcome.id);
      } else if (action === 'interrupt' && outcome.job) {
        host.pages.update(outcome.job);
        if (selection.has(outcome.id)) selection.set(outcome.id, outcome.job);
      }
    }
    host.selection = selection;
    // The user asked for the new job: show it when they are at the top, whatever the selection.
    if (action === 'requeue' && host.atTop && outcomes.some((outcome) => outcome.ok)) host.reload();
    const failed = outcomes.filter((outcome) => !outcome.ok).length;
    const line = (o: JobActionOutcome) => (o.ok ? m.done(action, o.id) : m.failedFor(o.id, reasonOf(o)));
    this.notice = {
      tone: failed ? 'error' : 'success',
      text: outcomes.length === 1 ? line(outcomes[0]!) : m.bulkDone(action, outcomes.length - failed, failed),
      details: outcomes.length === 1 ? [] : outcomes.map(line),
    };
    host.requestUpdate();
  }

  private async confirm(action: BulkAction, count: number): Promise<boolean> {
    this.confirming = { action, count };
    this.host.requestUpdate();
    await this.host.updateComplete;
    const dialog = this.dialog!;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  private get dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog');
  }

  private readonly onClose = (): void => {
    this.settle?.(this.dialog?.returnValue === 'confirm');
    this.settle = undefined;
    this.confirming = undefined;
    this.host.requestUpdate();
  };

  /** The bar of actions on the selection, with how many selected jobs each applies to. */
  renderBulkBar() {
    const { host } = this;
    const m = host.messages;
    if (host.selection.size === 0) return nothing;
    const selected = [...host.selection.values()];
    return html`<div part="bulk-bar" class="bulk-bar" role="group" aria-label=${m.selected(selected.length)}>
      <span>${m.selected(selected.length)}</span>
      ${all.map((action) => {
        const count = selected.filter((job) => job.can[action]).length;
        return html`<button type="button" ?disabled=${count === 0} @click=${() => this.act(action, selected)}>
          ${m.action[action]} (${count})
        </button>`;
      })}
      <button
        type="button"
        @click=${() => {
          host.selection = new Map();
          host.restoreFocus();
        }}
      >
        ${m.clearSelection}
      </button>
    </div>`;
  }

  /** The result of the last action, in a live region, with a line per job for bulk actions. */
  renderNotice() {
    const m = this.host.messages;
    const notice = this.notice;
    return html`<div part="notice" class="notice ${notice ? `shown ${notice.tone}` : ''}" role="status">
      ${
        notice
          ? html`<p>${notice.text}</p>
              ${notice.details.length ? html`<ul>${notice.details.map((line) => html`<li>${line}</li>`)}</ul>` : nothing}
              <button
                type="button"
                @click=${() => {
                  this.notice = undefined;
                  this.host.restoreFocus();
                }}
              >
                ${m.dismiss}
              </button>`
          : nothing
      }
    </div>`;
  }

  renderDialog() {
    const m = this.host.messages;
    const confirming = this.confirming;
    return html`<dialog part="dialog" aria-labelledby="confirm-title" @close=${this.onClose}>
      ${
        confirming
          ? html`<form method="dialog">
              <h2 id="confirm-title">${m.confirmTitle(confirming.action, confirming.count)}</h2>
              ${confirming.action === 'delete' ? html`<p>${m.cannotUndo}</p>` : nothing}
              <div class="dialog-buttons">
                <button value="cancel" autofocus>${m.cancel}</button>
                <button value="confirm" class="primary">${m.action[confirming.action]}</button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }
}
