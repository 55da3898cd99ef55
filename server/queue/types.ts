/**
 * What a job type is and what its handler gets. Demo job types (`server/jobs/`) and host apps write handlers
 * against these types; the worker runtime (`server/queue/worker.ts`) implements `JobContext`.
 */
import type { components } from '../../sdk/generated/openapi.js';
import type { Locale } from '../http/locale.js';

export type JsonObject = Record<string, unknown>;
export type MessageLevel = components['schemas']['MessageLevel'];
export type JobStatus = components['schemas']['KnownJobStatus'];

export interface ArtifactInput {
  /** The name in the download URL, `[A-Za-z0-9._-]{1,128}`. */
  name: string;
  role: 'input' | 'output';
  fileName: string;
  contentType: string;
  data: Uint8Array | string;
}

/**
 * Wrong arguments throw at once, a `TypeError` or `RangeError` naming the call, also from the calls that return
 * promises; numbers go up to 2,147,483,647. Text is stored with NUL and unpaired surrogates replaced by U+FFFD.
 * Once the job has ended (or been given up), progress, counters, steps and messages are ignored and
 * `saveArtifact` throws.
 */
export interface JobContext<Params extends JsonObject = JsonObject> {
  readonly jobId: string;
  readonly params: Params;
  /**
   * Aborted when someone interrupts the job (or the worker shuts down and releases it); stop soon after. Once
   * someone asked, the job ends `interrupted` however the handler ends, unless it throws before this signal aborts
   * (`failed`, with its error): a handler that stops early by returning looks the same as one that finished.
   */
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly userId: string;
  readonly locale: string;
  /** Throttled: call it as often as you like, the database sees a few writes a second at most. */
  progress(done: number, total?: number | null, message?: string | null): void;
  /**
   * `item`: the record concerned, copied as JSON when the call is made. Messages are written in batches; the promise
   * waits when many are pending. It never rejects for a failed write (the worker's `onError` hears of it, and the
   * messages go with the next write), so a handler may leave it un-awaited.
   */
  info(message: string, item?: JsonObject | null): Promise<void>;
  warn(message: string, item?: JsonObject | null): Promise<void>;
  error(message: string, item?: JsonObject | null): Promise<void>;
  /**
   * Starts a named report step (the previous one ends); counters then apply to it. Shown at once, or with the
   * throttled progress when steps come quicker. At most 1,000 per job: steps are stages, not items. Like the
   * messages' promise, it never rejects for a failed write: the step goes with the next one.
   */
  step(name: string, label: string): Promise<void>;
  /** Adds to a counter of the current step (and the job's totals), e.g. `count('read')`. */
  count(counter: string, by?: number): void;
  /** Saving again under a name replaces that file, unless it has the other role (an input is never replaced). */
  saveArtifact(artifact: ArtifactInput): Promise<void>;
  /** An input artifact stored at launch (e.g. the uploaded CSV), or null. */
  readArtifact(name: string): Promise<Uint8Array | null>;
}

/** What a handler may return: nothing, or a step status summary it wants recorded. */
export type JobHandler<Params extends JsonObject = JsonObject> = (context: JobContext<Params>) => Promise<void>;

export interface JobTypeDefinition<Params extends JsonObject = JsonObject> {
  type: string;
  label: { en: string; fr: string };
  category: { en: string[]; fr: string[] };
  /**
   * JSON Schema 2020-12 of the params; `title` labels an option, `writeOnly: true` marks it sensitive (on a part
   * of it, such as a token inside an object, the whole param).
   */
  paramsSchema: JsonObject;
  /**
   * The `paramsSchema`'s titles in the other languages, keyed by the English title as the schema gives it: one table
   * per language for the params' titles and the `oneOf` choices' titles alike, e.g.
   * `{ fr: { 'Planning period': 'Période de planification', 'Create only': 'Créer seulement' } }`. Responses in that
   * language show them: the options of a job's detail and report, the schemas of `GET /job-types`; free-text search
   * matches them too. A title a table lacks stays English; a key that is no title of the schema (left behind when
   * the English was reworded) is an error when the app starts.
   */
  titles?: { [L in Exclude<Locale, 'en'>]?: Record<string, string> };
  /**
   * Rules the schema cannot say (one param against another), run at launch on params the schema accepted: each
   * problem found answers 422 `invalid_params`, e.g. `{ path: '/to', message: 'must not be before from' }`.
   */
  checkParams?: (params: Params) => { path: string; message: string }[];
  interruptible: boolean;
  requeueable: boolean;
  /** Attempts in all; more than 1 retries the job when its worker is lost. Default 1. */
  maxAttempts?: number;
  /** How long a running job may take to stop after an interrupt before it is forced. Default 10 s. */
  interruptGraceMs?: number;
  launchUrl?: string | null;
  /**
   * How long a finished job of this type is kept, with its messages and artifacts, before the purge removes it;
   * null keeps it for ever. Default: the server's (`keepFinishedJobsMs` of createApp and startPurge).
   */
  keepFinishedForMs?: number | null;
  handler: JobHandler<Params>;
}
