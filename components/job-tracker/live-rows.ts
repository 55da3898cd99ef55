import type { Job, StreamEvent } from '../../sdk/index.js';
import { JobFinishedEvent } from '../shared/events.js';
import type { JobPages } from './job-pages.js';

/** What live events change in the tracker. */
export interface LiveRowsHost extends HTMLElement {
  readonly pages: JobPages;
  readonly selection: Map<string, Job>;
  /** Whether rows may move now (at the top, nothing selected). */
  readonly calm: boolean;
  /** Changes waiting behind the "show" button. */
  pending: number;
  /** Something needs new rows: reloads when calm, else adds to `pending`. */
  changed(): void;
  requestUpdate(): void;
}

/**
 * Applies one live event. Rows in memory change in place (status, progress, counts), which moves nothing;
 * anything that would add, remove or reorder rows reloads when calm and otherwise waits behind the "show" button.
 * Event types this version does not know are ignored, as the contract asks.
 */
export function applyLiveEvent(host: LiveRowsHost, event: StreamEvent): void {
  switch (event.type) {
    case 'job.created':
    case 'reset':
      host.changed();
      return;
    case 'job.updated':
    case 'job.finished': {
      const { job } = event as Extract<StreamEvent, { job: Job }>;
      if (host.selection.has(job.id)) host.selection.set(job.id, job);
      if (!host.pages.update(job)) {
        host.changed();
        return;
      }
      host.requestUpdate();
      if (event.type === 'job.finished') host.dispatchEvent(new JobFinishedEvent(job));
      return;
    }
    case 'job.progress': {
      const { jobId, progress, warnings, errors, lastHeartbeatAt } = event;
      const patched = host.pages.patch(jobId, (job) => ({
        ...job,
        progress,
        warnings,
        errors,
        lastHeartbeatAt: lastHeartbeatAt ?? job.lastHeartbeatAt,
      }));
      if (patched) host.requestUpdate();
      return;
    }
    case 'job.deleted':
      if (host.pages.indexOf(event.jobId) < 0) return;
      if (!host.calm) {
        host.pending++;
        return;
      }
      host.pages.remove(event.jobId);
      host.requestUpdate();
  }
}
