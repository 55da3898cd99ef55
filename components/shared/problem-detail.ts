import { JobsApiError } from '../../sdk/index.js';

/**
 * What the server said about a failed request, for people: the problem's `detail` (else its title), such as "The
 * job store is out of reach, try again in a minute". Empty for a network failure, whose message ("Failed to
 * fetch") means nothing to a user.
 */
export function problemDetail(error: unknown): string {
  return error instanceof JobsApiError ? error.message : '';
}

/** Whether a failed load means the job is gone for this user (deleted, or not theirs to see) rather than unreachable. */
export function isGone(error: unknown): boolean {
  return error instanceof JobsApiError && (error.status === 404 || error.status === 403);
}
