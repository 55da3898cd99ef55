import type { Problem } from './types.js';

/**
 * An HTTP error answer from the jobs API, carrying its RFC 9457 problem details.
 *
 * Network failures are not `JobsApiError`s: they stay the `TypeError` that `fetch` throws, and an aborted request
 * stays the `AbortError`, so callers can tell "the server said no" from "the server was not reached".
 *
 * @example
 * try { await client.delete(id) } catch (error) {
 *   if (error instanceof JobsApiError && error.code === 'job_not_finished') showHint(error.problem.detail);
 *   else throw error;
 * }
 */
export class JobsApiError extends Error {
  override name = 'JobsApiError';
  /** The HTTP status code. */
  readonly status: number;
  /** The problem details; synthesized (`code` `http_<status>`) when the body was not problem details. */
  readonly problem: Problem;
  /** The problem's stable machine code, e.g. `not_found`, `job_not_finished`. */
  readonly code: string;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
  }

  /**
   * Builds the error for a failed response from whatever its body held. A proxy's HTML 502 or an empty 401 are
   * not problem details, so one is made up from the status rather than losing the error.
   */
  static from(response: Response, body: unknown): JobsApiError {
    if (isProblem(body)) return new JobsApiError(body);
    const text = typeof body === 'string' ? body.trim() : '';
    return new JobsApiError({
      type: 'about:blank',
      title: response.statusText || `HTTP ${response.status}`,
      status: response.status,
      code: `http_${response.status}`,
      // An HTML error page is no use to a person reading a toast; a short plain-text body may be.
      ...(text && !text.startsWith('<') ? { detail: text.slice(0, 500) } : {}),
    });
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { status, code, title, type } = body as Record<string, unknown>;
  return (
    typeof status === 'number' && typeof code === 'string' && typeof title === 'string' && typeof type === 'string'
  );
}
