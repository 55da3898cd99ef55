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
