/**
 * Dates PostgreSQL can store, checked before a request's values reach it: a value it refuses would otherwise fail
 * in the database and answer 500 instead of 400 (for text, see `server/db/text.ts`).
 *
 * Requests are checked with ajv-formats' full formats, `date` and `date-time` narrowed: RFC 3339 allows year 0000
 * and offsets up to ±23:59, PostgreSQL refuses both ("date/time field value out of range", "time zone displacement
 * out of range").
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';

// ajv-formats is CommonJS; under some loaders its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;

type FormatCheck = (value: string) => boolean;
const checkOf = (format: unknown): FormatCheck =>
  typeof format === 'function' ? (format as FormatCheck) : (format as { validate: FormatCheck }).validate;
const rfc3339Date = checkOf(fullFormats.date);
const rfc3339DateTime = checkOf(fullFormats['date-time']);

const yearZero = /^0000-/;
// The offset ends the value: `+hh:mm`, `-hhmm` or `-hh`; PostgreSQL takes at most 15 hours 59 minutes.
const offsetHours = /[+-](\d\d)(?::?\d\d)?$/;

/** An RFC 3339 full-date PostgreSQL's `date` takes. */
export function isStorableDate(value: string): boolean {
  return rfc3339Date(value) && !yearZero.test(value);
}

/** An RFC 3339 date-time PostgreSQL's `timestamptz` takes. */
export function isStorableDateTime(value: string): boolean {
  if (!rfc3339DateTime(value) || yearZero.test(value)) return false;
  const offset = offsetHours.exec(value);
  return !offset || Number(offset[1]) <= 15;
}

export function addStorableFormats(ajv: Ajv2020): void {
  addFormats(ajv);
  ajv.addFormat('date', { type: 'string', validate: isStorableDate });
  ajv.addFormat('date-time', { type: 'string', validate: isStorableDateTime });
}
