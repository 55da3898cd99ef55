/**
 * msw handlers for the stories, built on the element tests' fixtures (test/components/support/fixtures.ts), so a
 * story shows the same contract-shaped data the tests assert on. The tests' own mock-api.ts talks to the test
 * runner and cannot run in Storybook; these handlers are the reusable part.
 */
import { delay, HttpResponse, http, type RequestHandler } from 'msw';
import type { Job, JobDetail, JobMessage, JobReport, Me, Notification } from '../../sdk/index.js';
import {
  alice,
  bob,
  detail,
  jobTypes,
  makeJob,
  me,
  page,
  problem,
  queuedJob,
  runningJob,
} from '../../test/components/support/fixtures.js';

export { detail, makeJob, queuedJob, runningJob };

export const supervisor: Me['permissions'] = ['jobs:read:own', 'jobs:read:any', 'jobs:manage:any'];

/** One job in each status the contract knows, plus warnings and errors where they happen. */
export function jobsInEveryStatus(): Job[] {
  return [
    runningJob(1, { progress: { done: 62, total: 100, percent: 62, message: 'Writing products' } }),
    queuedJob(2),
    runningJob(3, { status: 'interrupting', type: 'schedule-optimisation', typeLabel: 'Schedule optimisation' }),
    makeJob(4),
    makeJob(5, { warnings: 3, notifyByEmail: true, email: 'alice@example.com' }),
    makeJob(6, { status: 'failed', errors: 1, errorCode: 'invalid_csv' }),
    makeJob(7, {
      status: 'interrupted',
      type: 'schedule-optimisation',
      typeLabel: 'Schedule optimisation',
      interruptedBy: { id: 'carol', name: 'Carol Nguyen' },
    }),
  ];
}

/** `count` finished jobs of two users, newest first, for long lists and paging. */
export function manyJobs(count: number): Job[] {
  return Array.from({ length: count }, (_, index) =>
    makeJob(index + 1, {
      warnings: index % 7 === 3 ? index % 5 : 0,
      status: index % 11 === 5 ? 'failed' : 'succeeded',
      errors: index % 11 === 5 ? 1 : 0,
      user: index % 2 ? { id: 'bob', name: 'Bob Durand' } : { id: 'alice', name: 'Alice Martin' },
    }),
  );
}

/** A product import's detail as the dialog and the report show it: the options the user chose, its counters. */
export function importDetail(job: Job): JobDetail {
  return {
    ...detail(job),
    params: { fileName: 'spring-catalogue.csv', mode: 'upsert' },
    options: [
      { name: 'fileName', label: 'File name', value: 'spring-catalogue.csv' },
      { name: 'mode', label: 'Mode', value: 'Create and update' },
      { name: 'notifyByEmail', label: 'Confirmation mail', value: 'alice@example.com' },
    ],
    counters: { read: 1200, written: 1188, skipped: 12 },
    // As a server keeping finished jobs 30 days does: the purge date is set when the job ends.
    keptUntil: job.endedAt ? new Date(Date.parse(job.endedAt) + 30 * 86_400_000).toISOString() : null,
  };
}

/** `count` warnings about bad CSV rows, each with its row. */
export function badRowWarnings(count: number): JobMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    id: String(index + 1),
    level: 'warning',
    message: index % 2 ? 'SKU is missing' : 'Price is not a number',
    item: { row: 3 + index * 7, sku: index % 2 ? '' : `DK-${200 + index}`, price: index % 2 ? '9.90' : 'twelve' },
    step: 'validate',
    at: '2026-11-23T09:00:30.000Z',
  }));
}

/** The report of an import with `warnings` bad rows (and a failure when `failed`). */
export function importReport(job: Job, warnings: number): JobReport {
  const failed = job.status === 'failed';
  return {
    job: importDetail(job),
    steps: [
      {
        name: 'validate',
        label: 'Validate rows',
        status: 'succeeded',
        startedAt: job.startedAt,
        endedAt: job.startedAt,
        counters: { read: 1200, skipped: warnings },
      },
      {
        name: 'write',
        label: 'Write products',
        status: failed ? 'failed' : job.endedAt ? 'succeeded' : 'running',
        startedAt: job.startedAt,
        endedAt: job.endedAt,
        counters: { written: 1200 - warnings },
      },
    ],
    messageCounts: { info: 0, warning: warnings, error: failed ? 1 : 0 },
    artifacts: [
      {
        name: 'file',
        role: 'input',
        fileName: 'spring-catalogue.csv',
        contentType: 'text/csv',
        size: 48_213,
        createdAt: job.createdAt,
      },
    ],
  };
}

/** Notifications of ended jobs, newest first. */
export function notificationsFor(jobs: Job[]): Notification[] {
  return jobs.map((job, index) => ({
    id: String(index + 1),
    jobId: job.id,
    jobType: job.type,
    typeLabel: job.typeLabel,
    status: job.status,
    warnings: job.warnings,
    errors: job.errors,
    createdAt: job.endedAt ?? job.createdAt,
    readAt: null,
  }));
}

export interface ApiOptions {
  permissions?: Me['permissions'];
  /** The jobs `GET /jobs` pages through (by `limit`, with an opaque cursor). */
  jobs?: Job[];
  /** How `GET /jobs` answers instead: never (loading) or with a server error. */
  list?: 'loading' | 'error';
  /** Details by job ID (default: the fixtures' `detail()` of each of `jobs`). */
  details?: JobDetail[];
  /** How `GET /jobs/{id}` and its report answer instead: never (loading) or with a server error. */
  job?: 'loading' | 'error';
  /** Reports by job ID, with the messages `GET /jobs/{id}/messages` pages through. */
  reports?: { report: JobReport; messages: JobMessage[] }[];
  /** Unread notifications `GET /notifications` answers, or a server error. */
  notifications?: Notification[] | 'error';
}

const never = async () => {
  await delay('infinite');
  return new HttpResponse(null, { status: 204 });
};

const unavailable = () => problem(503, 'unavailable', 'The jobs database is not reachable.');

function pageOf<T>(items: T[], url: URL): { items: T[]; nextCursor: string | null } {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const offset = Number(url.searchParams.get('cursor') ?? 0);
  const end = offset + limit;
  return { items: items.slice(offset, end), nextCursor: end < items.length ? String(end) : null };
}

function listJobs(jobs: Job[]): RequestHandler {
  return http.get('*/api/jobs', ({ request }) => {
    const url = new URL(request.url);
    const status = url.searchParams.get('status')?.split(',') ?? [];
    const matching = jobs.filter((job) => {
      if (status.length === 0 || status.includes('all')) return true;
      const processed = ['succeeded', 'failed', 'interrupted'].includes(job.status);
      return status.includes(job.status) || status.includes(processed ? 'processed' : 'unprocessed');
    });
    const { items, nextCursor } = pageOf(matching, url);
    return HttpResponse.json(page(items, nextCursor, matching.length));
  });
}

/** The whole API for a story: who the user is, the job types, users, the jobs, job details, and a quiet stream. */
export function apiHandlers(options: ApiOptions = {}): RequestHandler[] {
  const jobs = options.jobs ?? [];
  const details = new Map<string, JobDetail>(jobs.map((job) => [job.id, detail(job)]));
  for (const given of options.details ?? []) details.set(given.id, given);
  const reports = new Map((options.reports ?? []).map((entry) => [entry.report.job.id, entry]));
  const notifications = options.notifications === 'error' ? [] : (options.notifications ?? []);
  return [
    http.get('*/api/notifications', ({ request }) =>
      options.notifications === 'error'
        ? unavailable()
        : HttpResponse.json({ ...pageOf(notifications, new URL(request.url)), unread: notifications.length }),
    ),
    http.post('*/api/notifications/:id/read', ({ params }) => {
      const found = notifications.find((notification) => notification.id === params.id);
      return found
        ? HttpResponse.json({ ...found, readAt: new Date().toISOString() })
        : problem(404, 'not_found', 'No such notification.');
    }),
    http.post('*/api/notifications/read', () => HttpResponse.json({ marked: notifications.length })),
    http.get('*/api/jobs/:id/report', ({ params }) => {
      if (options.job === 'loading') return never();
      if (options.job === 'error') return unavailable();
      const found = reports.get(String(params.id));
      return found ? HttpResponse.json(found.report) : problem(404, 'not_found', 'No such job.');
    }),
    http.get('*/api/jobs/:id/messages', ({ params, request }) => {
      const url = new URL(request.url);
      // `level` is one comma-separated parameter (form style, explode: false).
      const levels = url.searchParams.get('level')?.split(',') ?? [];
      const messages = (reports.get(String(params.id))?.messages ?? []).filter(
        (message) => levels.length === 0 || levels.includes(message.level),
      );
      return HttpResponse.json(pageOf(messages, url));
    }),
    http.get('*/api/me', () => HttpResponse.json(me(options.permissions))),
    http.get('*/api/job-types', () => HttpResponse.json({ items: jobTypes })),
    http.get('*/api/users', () => HttpResponse.json({ items: [alice, bob] })),
    options.list === 'loading'
      ? http.get('*/api/jobs', never)
      : options.list === 'error'
        ? http.get('*/api/jobs', unavailable)
        : listJobs(jobs),
    http.get('*/api/jobs/:id', ({ params }) => {
      if (options.job === 'loading') return never();
      if (options.job === 'error') return unavailable();
      const found = details.get(String(params.id));
      return found ? HttpResponse.json(found) : problem(404, 'not_found', 'No such job.');
    }),
    // A stream that stays open and says nothing: stories show a still picture.
    http.get('*/api/events', never),
  ];
}
