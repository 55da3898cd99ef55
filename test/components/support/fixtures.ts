import type { Job, JobDetail, JobPage, JobType, Me, User } from '../../../sdk/index.js';

const start = Date.parse('2026-11-23T09:00:00Z');

/** A finished, contract-valid job; override what the test is about. */
export function makeJob(id: number | string, overrides: Partial<Job> = {}): Job {
  const created = new Date(start - Number(id) * 60_000);
  const iso = (offset: number) => new Date(created.getTime() + offset).toISOString();
  return {
    id: String(id),
    type: 'product-import',
    typeLabel: 'Product import',
    status: 'succeeded',
    user: { id: 'alice', name: 'Alice Martin' },
    notifyByEmail: false,
    email: null,
    createdAt: iso(0),
    startedAt: iso(1000),
    endedAt: iso(72_000),
    updatedAt: iso(72_000),
    waitingMs: 1000,
    processingMs: 71_000,
    host: 'worker-a',
    progress: { done: 10, total: 10, percent: 100, message: null },
    warnings: 0,
    errors: 0,
    errorCode: null,
    subjects: [],
    requeuedFrom: null,
    requeuedAs: null,
    interruptedBy: null,
    forced: false,
    queue: null,
    lastHeartbeatAt: null,
    can: { requeue: true, interrupt: false, delete: true },
    ...overrides,
  };
}

/** A running job: no end, counting up, interruptible but not deletable. */
export function runningJob(id: number | string, overrides: Partial<Job> = {}): Job {
  return makeJob(id, {
    status: 'running',
    endedAt: null,
    processingMs: null,
    progress: { done: 34, total: 100, percent: 34, message: 'Importing' },
    can: { requeue: false, interrupt: true, delete: false },
    ...overrides,
  });
}

/** A queued job: not started, no progress yet, interruptible. */
export function queuedJob(id: number | string, overrides: Partial<Job> = {}): Job {
  return makeJob(id, {
    status: 'queued',
    startedAt: null,
    endedAt: null,
    processingMs: null,
    waitingMs: null,
    host: null,
    progress: { done: 0, total: null, percent: null, message: null },
    can: { requeue: false, interrupt: true, delete: false },
    ...overrides,
  });
}

export function page(items: Job[], nextCursor: string | null = null, total = items.length): JobPage {
  return { items, nextCursor, total: { value: total, exact: true } };
}

export const alice: User = { id: 'alice', name: 'Alice Martin', email: 'alice@example.com', locale: 'en' };
export const bob: User = { id: 'bob', name: 'Bob Durand', email: null, locale: 'fr' };

export function me(permissions: Me['permissions'] = ['jobs:read:own']): Me {
  return { ...alice, permissions };
}

export const jobTypes: JobType[] = [
  {
    type: 'product-import',
    label: 'Product import',
    category: ['Catalogue'],
    paramsSchema: { type: 'object' },
    interruptible: true,
    requeueable: true,
    launchUrl: null,
  },
  {
    type: 'schedule-optimisation',
    label: 'Schedule optimisation',
    category: ['Planning'],
    paramsSchema: { type: 'object' },
    interruptible: true,
    requeueable: true,
    launchUrl: null,
  },
];

/** A job as `GET /jobs/{id}` and the actions answer it. */
export function detail(job: Job): JobDetail {
  return {
    ...job,
    params: {},
    options: [],
    counters: {},
    attempt: 1,
    maxAttempts: 1,
    interruptRequestedAt: null,
    keptUntil: null,
    launchUrl: null,
  };
}

/** An RFC 9457 problem as the API sends it. */
export function problem(status: number, code: string, detail: string) {
  return Response.json(
    { type: `https://job-tracker-kit.dev/problems/${code}`, title: code.replaceAll('_', ' '), status, code, detail },
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}
