import { waitUntil } from '@open-wc/testing';

/**
 * `waitUntil` with room for a loaded machine: a first load goes through msw and a contract check in node, which
 * can take over a second when the browser is busy (the default timeout is one second).
 */
export function until(
  predicate: () => unknown,
  message?: string,
  options: { interval?: number; timeout?: number } = {},
) {
  return waitUntil(predicate, message, { timeout: 5000, ...options });
}
