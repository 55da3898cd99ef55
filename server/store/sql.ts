import { createHash } from 'node:crypto';

/** Collects positional parameters while a statement with optional filters is put together. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * A prepared-statement name for SQL put together from optional parts: one per distinct text, so each shape is
 * parsed and planned once per connection instead of on every request.
 */
export function statementName(prefix: string, sql: string): string {
  return `${prefix}_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
}
