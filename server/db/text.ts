/**
 * Text PostgreSQL's `text` and `jsonb` refuse: NUL, and a UTF-16 half without its pair (UTF-8 cannot encode it: a
 * driver sends U+FFFD in its place, and jsonb refuses its `\ud800` escape). Requests carrying such text answer 400
 * (`server/http/validation.ts`); what a handler reports is made storable instead (`server/queue/handlerInput.ts`).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the very character PostgreSQL refuses.
const nul = /\u0000/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = new RegExp(`${nul.source}|${loneSurrogate.source}`, 'g');

/** What is wrong with `text`, as the end of a sentence; null when PostgreSQL stores it as it is. */
export function unstorableText(text: string): string | null {
  if (nul.test(text)) return 'must not contain the NUL character (U+0000)';
  if (loneSurrogate.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return null;
}

/** `text` with what PostgreSQL refuses replaced by U+FFFD, as a decoder replaces bytes that are not text. */
export function storableText(text: string): string {
  return text.replace(unstorable, '\uFFFD');
}

export interface TextProblem {
  /** JSON Pointer to the value, or to the key for a key. */
  path: string;
  message: string;
}

const pointerSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Text PostgreSQL refuses in a JSON value, in keys and strings, and nesting deeper than `maxDepth`: the first
 * `limit` problems, found without recursion (a value nested thousands deep is reported, not a stack overflow).
 */
export function unstorableTextIn(
  input: unknown,
  { maxDepth = Number.POSITIVE_INFINITY, limit = 20 } = {},
): TextProblem[] {
  const problems: TextProblem[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  for (let next = pending.pop(); next && problems.length < limit; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const message = unstorableText(value);
      if (message) problems.push({ path: path || '/', message });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth === maxDepth) {
      problems.push({ path: path || '/', message: `must not nest deeper than ${maxDepth} levels` });
      break;
    }
    for (const [key, item] of Object.entries(value)) {
      const itemPath = `${path}/${pointerSegment(key)}`;
      const message = Array.isArray(value) ? null : unstorableText(key);
      if (message) problems.push({ path: itemPath, message: `has a name that ${message}` });
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
  return problems.slice(0, limit);
}
