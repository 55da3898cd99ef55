/**
 * Failures that say nothing about the statement, only about the moment: the connection to the database was lost or
 * refused, the server is restarting, or the statement lost a race it can win on a second try. The same statement may
 * succeed once the database is back, so the worker retries them and the API answers 503 rather than 500.
 */

/** A statement that lost a race to another transaction: the database is there, and a retry can win. */
const lostRaces = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** SQLSTATE classes and codes a retry can get past (PostgreSQL, Appendix A). */
const transientStates = new Set([
  ...lostRaces,
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** Node's socket errors when the server is gone or unreachable. */
const socketErrors = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * pg's own words when a connection ends under a query or cannot be had; these errors carry no code.
 * `Connection terminated unexpectedly`, `Connection terminated`, `Connection terminated due to connection timeout`,
 * `timeout exceeded when trying to connect`, `Client has encountered a connection error and is not queryable`,
 * `timeout expired` (a lone client's `connectionTimeoutMillis`), and `Query read timeout` (`query_timeout`: a
 * connection that stalled under the statement, which the pool then drops).
 */
const driverMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|timeout expired$|Query read timeout$)/;

export function isTransientDbError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    return code.startsWith('08') || transientStates.has(code) || socketErrors.has(code);
  }
  return typeof message === 'string' && driverMessages.test(message);
}

/** A transient failure that says the database is out of reach, not that one statement lost a race. */
export function isDbOutage(error: unknown): boolean {
  return isTransientDbError(error) && !lostRaces.has((error as { code?: unknown }).code as string);
}

/**
 * Runs `work`, and again after a growing pause (0.1 s doubling to 2 s) while it fails with a transient error and
 * `deadline` (a `Date.now()` value) has not passed. Other errors, and the last transient one, are thrown. The first
 * transient failure that is retried goes to `onRetry`, so an outage is reported once per piece of work, not at every
 * pause.
 */
export async function retryTransient<T>(
  work: () => Promise<T>,
  deadline: number,
  onRetry: (error: unknown) => void,
): Promise<T> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() + pause > deadline) throw error;
      if (pause === 100) onRetry(error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
