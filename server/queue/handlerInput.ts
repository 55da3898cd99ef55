/**
 * What a handler passes to its context, checked at the call. A value the database refuses must fail the call that
 * made it, with a message naming the call: written later, it would fail a throttled write (and every write of the
 * job after it) or the batch of completions it rides with, far from its cause. Text is made storable rather than
 * refused (NUL and unpaired surrogates become U+FFFD), because messages quote what a job read, which the handler
 * does not choose.
 *
 * These throw synchronously, also for the calls that return promises: a `warn()` nobody awaits still fails its
 * handler, instead of becoming an unhandled rejection that ends the process.
 */
import { storableText } from '../db/text.js';
import type { NewArtifact } from './sql/artifacts.js';
import type { ArtifactInput, JsonObject } from './types.js';

/** Progress and counters are PostgreSQL `integer` columns and JSON values. */
export const maxReportedNumber = 2_147_483_647;

const artifactName = /^[A-Za-z0-9._-]{1,128}$/;
// type/subtype, then parameters: RFC 9110's token characters, quoted values without line breaks.
const mediaType =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|"[^"\r\n]*"))*$/;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'number' || typeof value === 'boolean' || value == null ? String(value) : typeof value;
}

function reportedNumber(call: string, name: string, value: unknown): number {
  const number = typeof value === 'number' ? Math.trunc(value) : Number.NaN;
  if (!Number.isFinite(number) || Math.abs(number) > maxReportedNumber) {
    throw new RangeError(
      `${call}: ${name} must be a number up to ${maxReportedNumber} (report large sizes in larger units), not ${describe(value)}.`,
    );
  }
  return number;
}

function text(call: string, name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${call}: ${name} must be a string, not ${describe(value)}.`);
  return storableText(value);
}

export interface ProgressInput {
  done: number;
  /** Undefined: unchanged. */
  total: number | null | undefined;
  message: string | null | undefined;
}

export function progressInput(done: unknown, total: unknown, message: unknown): ProgressInput {
  const call = 'progress()';
  const totalNumber = total === undefined || total === null ? total : reportedNumber(call, 'total', total);
  if (typeof totalNumber === 'number' && totalNumber < 0) {
    throw new RangeError(`${call}: total must be 0 or more, or null when unknown, not ${describe(total)}.`);
  }
  return {
    done: Math.max(0, reportedNumber(call, 'done', done)),
    total: totalNumber,
    message: message === undefined || message === null ? message : text(call, 'message', message),
  };
}

export function countInput(counter: unknown, by: unknown): { counter: string; by: number } {
  if (typeof by !== 'number' || !Number.isSafeInteger(by) || by < 0 || by > maxReportedNumber) {
    throw new RangeError(`count(): by must be a whole number from 0 to ${maxReportedNumber}, not ${describe(by)}.`);
  }
  return { counter: text('count()', 'the counter', counter), by };
}

export function stepInput(name: unknown, label: unknown): { name: string; label: string } {
  return { name: text('step()', 'name', name), label: text('step()', 'label', label) };
}

/** The message, and a JSON copy of its item taken now, so later changes to the object do not reach the report. */
export function messageInput(
  call: string,
  message: unknown,
  item: unknown,
): { message: string; item: JsonObject | null } {
  const checked = text(call, 'message', message);
  if (item === undefined || item === null) return { message: checked, item: null };
  const notAnObject = () =>
    new TypeError(`${call}: item must be an object (the record concerned) or null, not ${describe(item)}.`);
  if (typeof item !== 'object' || Array.isArray(item)) throw notAnObject();
  let json: string;
  try {
    json = JSON.stringify(item);
  } catch (error) {
    throw new TypeError(`${call}: item must be JSON (${(error as Error).message}).`);
  }
  // What counts is its JSON form: a Date, or anything with a `toJSON`, may turn into a string.
  const copy: unknown = JSON.parse(json);
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) throw notAnObject();
  return { message: checked, item: storableJson(copy) as JsonObject };
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storableJson(item)]));
}

export function artifactInput(artifact: ArtifactInput): NewArtifact {
  const call = 'saveArtifact()';
  const { name, role, fileName, contentType, data } = artifact ?? ({} as Partial<ArtifactInput>);
  if (typeof name !== 'string' || !artifactName.test(name) || name === '.' || name === '..') {
    throw new TypeError(
      `${call}: name must be 1 to 128 letters, digits, ".", "_" or "-" (it is part of the download address), not ${describe(name)}.`,
    );
  }
  if (role !== 'input' && role !== 'output') {
    throw new TypeError(`${call}: role must be "input" or "output", not ${describe(role)}.`);
  }
  if (typeof contentType !== 'string' || !mediaType.test(contentType)) {
    throw new TypeError(`${call}: contentType must be a media type such as "text/csv", not ${describe(contentType)}.`);
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TypeError(`${call}: data must be a string or bytes (Uint8Array), not ${describe(data)}.`);
  }
  const file = text(call, 'fileName', fileName);
  return {
    name,
    role,
    fileName: file === '' ? name : file,
    contentType,
    data: typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data),
  };
}

/** What a thrown value says about itself, as storable text; never throws, whatever was thrown. */
export function thrownMessage(error: unknown): string {
  try {
    return storableText(error instanceof Error ? String(error.message) : String(error));
  } catch {
    return 'The handler threw a value that cannot be shown as text.';
  }
}

/**
 * A thrown value's `code` when it is one a person could filter by (`error=`), else null. A database error's SQLSTATE
 * ("22003") is `database_error`: one code per kind of failure, not per number a person would have to look up.
 */
export function thrownCode(error: unknown): string | null {
  try {
    const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
    if (typeof code !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(code)) return null;
    return typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code) ? 'database_error' : code;
  } catch {
    return null;
  }
}
