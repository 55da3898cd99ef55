/**
 * Opaque keyset cursors: base64url JSON of the last row's sort key plus a short hash of the filters and sort it
 * was made with, so a cursor reused with other filters is refused (400 `invalid_cursor`) instead of silently
 * skipping or repeating rows.
 */
import { createHash } from 'node:crypto';
import { unstorableText } from '../db/text.js';
import { ProblemError } from './problem.js';

export type CursorKey = (string | null)[];

export function bindingOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

export function encodeCursor(key: CursorKey, binding: string): string {
  return Buffer.from(JSON.stringify({ k: key, b: binding })).toString('base64url');
}

/** Returns the key, or throws 400 `invalid_cursor` when the cursor is malformed or made for other filters. */
export function decodeCursor(cursor: string, binding: string, length: number): CursorKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  const { k, b } = (decoded ?? {}) as { k?: unknown; b?: unknown };
  // Anyone can forge a cursor (the binding is a hash, not a signature): its parts must be text the database takes.
  const wellFormed =
    Array.isArray(k) &&
    k.length === length &&
    k.every((part) => part === null || (typeof part === 'string' && unstorableText(part) === null));
  if (!wellFormed) throw malformedCursor();
  if (b !== binding) {
    throw new ProblemError(400, 'invalid_cursor', 'The cursor was made for other filters or another sort.');
  }
  return k as CursorKey;
}

export function malformedCursor(): ProblemError {
  return new ProblemError(400, 'invalid_cursor', 'The cursor is malformed; start again from page one.');
}
