/**
 * Turns stored events into the contract's `StreamEvent`s, as one SSE frame each. A job event looks different to
 * different viewers (`can`, the localised `typeLabel`), so frames are built once per kind of viewer and shared by
 * every connection of that kind: with a thousand clients, an event is serialised a handful of times, not a
 * thousand.
 */
import type { components } from '../../sdk/generated/openapi.js';
import { canAct } from '../auth/permissions.js';
import type { Principal } from '../auth/types.js';
import { toJob } from '../http/jobView.js';
import type { Locale } from '../http/locale.js';
import type { JobTypeRegistry } from '../http/registry.js';
import { type NotificationRow, toNotification } from '../notifications/queries.js';
import type { JobRow } from '../queue/rows.js';
import type { EventRow } from './queries.js';

export type StreamEvent = components['schemas']['StreamEvent'];

export interface Viewer {
  principal: Principal;
  locale: Locale;
}

const noQueueInfo = new Map();

/** The stored snapshot as the job row the API's `toJob` reads; what a live `Job` never shows is left empty. */
function snapshotRow(row: EventRow): JobRow {
  return {
    ...(row as unknown as JobRow),
    id: row.job_id,
    params: {},
    counters: {},
    steps: [],
    run_after: row.created_at!,
    error_message: null,
    interrupt_requested_at: null,
    idempotency_key: null,
    idempotency_hash: null,
  };
}

export function toStreamEvent(
  row: EventRow,
  viewer: Viewer,
  registry: JobTypeRegistry,
  notifications: ReadonlyMap<string, NotificationRow>,
): StreamEvent | null {
  switch (row.kind) {
    case 'job.deleted':
      return { type: 'job.deleted', jobId: row.job_id };
    case 'notification.created': {
      const notification = notifications.get(row.notification_id ?? '');
      return notification
        ? { type: 'notification.created', notification: toNotification(notification, registry, viewer.locale) }
        : null;
    }
    case 'job.progress': {
      const job = toJob(snapshotRow(row), { registry, ...viewer, queue: noQueueInfo });
      return {
        type: 'job.progress',
        jobId: row.job_id,
        progress: job.progress,
        warnings: job.warnings,
        errors: job.errors,
        lastHeartbeatAt: job.lastHeartbeatAt,
      };
    }
    default:
      return { type: row.kind, job: toJob(snapshotRow(row), { registry, ...viewer, queue: noQueueInfo }) };
  }
}

/** What makes two viewers see the same frame for this event. */
export function viewerKey(row: EventRow, viewer: Viewer): string {
  if (row.kind === 'job.deleted' || row.kind === 'job.progress') return '';
  return `${viewer.locale}:${canAct(viewer.principal, row.user_id) ? 'act' : 'see'}`;
}

export function sseFrame(id: string, event: StreamEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
