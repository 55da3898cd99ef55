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
  /** The HTTP status code of the answer (a problem body may say otherwise; the answer's own status wins). */
  readonly status: number;
  /**
   * The problem details as the server sent them, members beyond the contract's included (another framework's
   * `invalid-params`, say); those the contract requires are synthesized where missing (`code` `http_<status>`).
   */
  readonly problem: Problem & { readonly [member: string]: unknown };
  /** The problem's stable machine code, e.g. `not_found`, `job_not_finished`. */
  readonly code: string;
  /** Milliseconds the server asked to wait before trying again (`Retry-After` of a 429 or 503), if it said. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, answer: { status?: number; retryAfter?: number } = {}) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.status = answer.status ?? problem.status;
    this.code = problem.code;
    this.retryAfter = answer.retryAfter;
  }

  /**
   * Builds the error for a failed response from whatever its body held. A proxy's HTML 502 or an empty 401 are
   * not problem details, so one is made up from the status rather than losing the error.
   */
  static from(response: Response, body: unknown): JobsApiError {
    const answer = { status: response.status, retryAfter: retryAfterOf(response.headers) };
    const title = response.statusText || `HTTP ${response.status}`;
    const code = `http_${response.status}`;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const members = body as Record<string, unknown>;
      const problem = {
        ...members,
        type: typeof members.type === 'string' ? members.type : 'about:blank',
        title: typeof members.title === 'string' ? members.title : title,
        status: typeof members.status === 'number' ? members.status : response.status,
        code: typeof members.code === 'string' ? members.code : code,
      };
      return new JobsApiError(problem as JobsApiError['problem'], answer);
    }
    const text = typeof body === 'string' ? body.trim() : '';
    return new JobsApiError(
      {
        type: 'about:blank',
        title,
        status: response.status,
        code,
        // An HTML error page is no use to a person reading a toast; a short plain-text body may be.
        ...(text && !text.startsWith('<') ? { detail: text.slice(0, 500) } : {}),
      },
      answer,
    );
  }

  /**
   * Builds the error for a success answer that is not the JSON the contract promises, such as a proxy's sign-in
   * page or a single-page app's `index.html`: parsing it would only give a `SyntaxError` about a `<`.
   */
  static notJson(response: Response, operation: string): JobsApiError {
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
    return new JobsApiError(
      {
        type: 'about:blank',
        title: 'Not a JSON answer',
        status: response.status,
        code: 'not_json',
        detail: `expected JSON from ${operation}, got ${mediaType}`,
      },
      { status: response.status },
    );
  }
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds, or an HTTP date, which is read against
 * the answer's own `Date` when it has one, so that the client's clock being off does not count.
 */
export function retryAfterOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const until = Date.parse(value);
  if (Number.isNaN(until)) return undefined;
  const now = Date.parse(headers.get('date') ?? '');
  return Math.max(0, until - (Number.isNaN(now) ? Date.now() : now));
}
