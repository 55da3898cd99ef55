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
