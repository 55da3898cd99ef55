/**
 * RFC 9457 problem details, the one error shape of the API. Routes and store functions throw `ProblemError`;
 * `app.onError` turns it into the response, so no handler builds an error body by hand.
 */
import type { components } from '../../sdk/generated/openapi.js';
import { isTransientDbError } from '../db/transient.js';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['ProblemFieldError'];

const titles: Record<string, string> = {
  invalid_request: 'The request is not valid',
  invalid_cursor: 'The cursor is not valid',
  invalid_params: "The job's parameters are not valid",
  unknown_job_type: 'Unknown job type',
  unauthenticated: 'Sign-in needed',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  job_not_finished: 'The job has not finished',
  job_finished: 'The job has finished',
  not_requeueable: 'This job type cannot be run again',
  not_interruptible: 'This job type cannot be interrupted',
  idempotency_conflict: 'Idempotency key reused with another request',
  payload_too_large: 'Request too large',
  rate_limited: 'Too many requests',
  unsupported_media_type: 'Unsupported media type',
  service_unavailable: 'Service unavailable',
  internal_error: 'Something went wrong on our side',
};

export const problemTypeBase = 'https://job-tracker-kit.dev/problems/';

/**
 * The field errors a problem lists: a body of a few hundred kilobytes can hold a hundred thousand faults, and the
 * answer would be twenty times its size. The detail counts the rest (`moreThanListed`).
 */
export const maxListedErrors = 20;

/** `" (and N more)"` after the first of `count` faults, or nothing for one. */
export function moreThanListed(count: number): string {
  return count > 1 ? ` (and ${(count - 1).toLocaleString('en-US')} more)` : '';
}

export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly errors?: FieldError[];
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    errors?: FieldError[],
    /** Sent with the problem, e.g. `Retry-After` with a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.errors = errors?.slice(0, maxListedErrors);
  }

  toProblem(instance?: string): Problem {
    return {
      type: `${problemTypeBase}${this.code}`,
      title: titles[this.code] ?? this.code,
      status: this.status,
      code: this.code,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export function problemResponse(error: ProblemError, instance?: string): Response {
  return new Response(JSON.stringify(error.toProblem(instance)), {
    status: error.status,
    headers: { ...error.headers, 'content-type': 'application/problem+json' },
  });
}

/**
 * The answer to an error a route threw: its own problem; 503 when the job store is out of reach (a database restart
 * or failover: the request changed nothing); otherwise a 500 whose cause is logged, not sent.
 */
export function errorResponse(error: unknown, method: string, path: string): Response {
  if (error instanceof ProblemError) return problemResponse(error, path);
  if (isTransientDbError(error)) {
    console.error(`${method} ${path}: the job store is out of reach: ${(error as Error).message}`);
    return problemResponse(storeUnavailable(), path);
  }
  console.error(`${method} ${path} failed`, error);
  return problemResponse(new ProblemError(500, 'internal_error', 'The server could not answer; try again.'), path);
}

export const notFound = (detail: string) => new ProblemError(404, 'not_found', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', detail);
/** 401 with the `WWW-Authenticate` challenge HTTP requires of it. */
export const unauthenticated = (detail = 'No valid bearer token or session cookie was sent.') =>
  new ProblemError(401, 'unauthenticated', detail, undefined, { 'www-authenticate': 'Bearer' });
export const conflict = (code: string, detail: string) => new ProblemError(409, code, detail);
/** 503 for a job store out of reach: the request changed nothing and may be sent again shortly. */
export const storeUnavailable = () =>
  new ProblemError(
    503,
    'service_unavailable',
    'The job store cannot be reached just now; try again in a moment.',
    undefined,
    { 'retry-after': '2' },
  );
export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, 'invalid_request', detail, errors);
