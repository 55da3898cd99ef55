/** Contract-valid sample bodies; tests override only the fields they are about. */
import type { Job, JobDetail, Notification } from '../../sdk/index.js';

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: '1042',
    type: 'product-import',
    typeLabel: 'Product import',
    status: 'running',
    user: { id: 'alice', name: 'Alice Martin' },
    notifyByEmail: false,
    email: null,
    createdAt: '2026-11-23T09:15:00Z',
    startedAt: '2026-11-23T09:15:01Z',
    endedAt: null,
    updatedAt: '2026-11-23T09:15:30Z',
    waitingMs: 1000,
    processingMs: null,
    host: 'worker-a',
    progress: { done: 340, total: 1000, percent: 34, message: null },
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
    can: { requeue: false, interrupt: true, delete: false },
    ...overrides,
  };
}

export function jobDetail(overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    ...job(),
    params: { periodId: '2026-12' },
    options: [{ name: 'periodId', label: 'Planning period', value: 'December 2026' }],
    counters: { read: 340 },
    attempt: 1,
    maxAttempts: 1,
    interruptRequestedAt: null,
    keptUntil: null,
    launchUrl: null,
    ...overrides,
  };
}

export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: '88',
    jobId: '1042',
    jobType: 'product-import',
    typeLabel: 'Product import',
    status: 'succeeded',
    warnings: 3,
    errors: 0,
    createdAt: '2026-11-23T09:16:12Z',
    readAt: null,
    ...overrides,
  };
}

export function progressEvent(jobId: string, done: number) {
  return {
    type: 'job.progress' as const,
    jobId,
    progress: { done, total: 1000, percent: Math.floor(done / 10), message: null },
    warnings: 0,
    errors: 0,
  };
}
