/**
 * The job tracker SDK: a typed client of the jobs API (`openapi.yaml`) with its live stream.
 *
 * @example
 * import { createJobsClient, JobsApiError } from 'job-tracker-kit/sdk';
 * const client = createJobsClient({ baseUrl: '/api' });
 * const unsubscribe = client.subscribe((event) => { if (event.type === 'job.finished') refresh(event.job) });
 */
export type { CallOptions, JobsClient, JobsClientOptions, LaunchOptions, RequeueOptions } from './client.js';
export { createJobsClient } from './client.js';
export { JobsApiError } from './errors.js';
export type { LiveOptions, LiveState, SubscribeOptions } from './live.js';
export type * from './types.js';
