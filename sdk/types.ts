/**
 * Friendly names for the contract's schemas, so hosts and elements never spell out `components['schemas'][…]`.
 * All of them come from `generated/openapi.d.ts`; change `openapi.yaml`, not this file, to change a shape.
 */
import type { components, operations } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

type Schemas = components['schemas'];

export type Artifact = Schemas['Artifact'];
export type BulkAction = Schemas['BulkAction'];
export type BulkActionResult = Schemas['BulkActionResult'];
export type Job = Schemas['Job'];
export type JobDetail = Schemas['JobDetail'];
export type JobFacets = Schemas['JobFacets'];
export type JobMessage = Schemas['JobMessage'];
export type JobPage = Schemas['JobPage'];
export type JobReport = Schemas['JobReport'];
export type JobStatus = Schemas['JobStatus'];
export type JobType = Schemas['JobType'];
export type KnownJobStatus = Schemas['KnownJobStatus'];
export type LaunchJobRequest = Schemas['LaunchJobRequest'];
export type Me = Schemas['Me'];
export type MessageLevel = Schemas['MessageLevel'];
export type MessagePage = Schemas['MessagePage'];
export type Notification = Schemas['Notification'];
export type NotificationPage = Schemas['NotificationPage'];
export type Permission = Schemas['Permission'];
export type Problem = Schemas['Problem'];
export type Progress = Schemas['Progress'];
export type StreamEvent = Schemas['StreamEvent'];
export type StreamToken = Schemas['StreamToken'];
export type User = Schemas['User'];
export type UserRef = Schemas['UserRef'];

/** The filters, sort and paging of `GET /jobs`. */
export type ListJobsQuery = NonNullable<operations['listJobs']['parameters']['query']>;
/** The filters of `GET /jobs/facets` (those of `GET /jobs` without status, sort and paging). */
export type JobFacetsQuery = NonNullable<operations['getJobFacets']['parameters']['query']>;
/** The filters of `GET /jobs/export`. */
export type ExportJobsQuery = NonNullable<operations['exportJobs']['parameters']['query']>;
/** The level filter and paging of `GET /jobs/{id}/messages`. */
export type ListMessagesQuery = NonNullable<operations['listJobMessages']['parameters']['query']>;
/** The filter and paging of `GET /notifications`. */
export type NotificationsQuery = NonNullable<operations['listNotifications']['parameters']['query']>;
