import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { JobsApiError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { closeLive, type LiveOptions, type LiveSource, type SubscribeOptions, subscribeLive } from './live.js';
import type {
  BulkAction,
  BulkActionResult,
  ExportJobsQuery,
  Job,
  JobDetail,
  JobFacets,
  JobFacetsQuery,
  JobPage,
  JobReport,
  JobType,
  ListJobsQuery,
  ListMessagesQuery,
  Me,
  MessagePage,
  Notification,
  NotificationPage,
  NotificationsQuery,
  StreamEvent,
  StreamToken,
  User,
} from './types.js';

/** How to reach a jobs API. */
export interface JobsClientOptions {
  /** The API's root, e.g. `/api` or `https://jobs.example.com/api` (no trailing slash needed). */
  baseUrl: string;
  /** The `fetch` to use; defaults to the global one. Tests and server-side hosts inject theirs. */
  fetch?: typeof fetch;
  /**
   * Headers for every request, the live stream included. A function is called before each request, so it can
   * hand out a fresh bearer token: `headers: async () => ({ Authorization: `Bearer ${await getToken()}` })`.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Whether to send cookies; `include` for a cross-origin API that authenticates by session cookie. */
  credentials?: RequestCredentials;
  /**
   * Tuning of the live stream. The stream is shared per `baseUrl`, so the options of the client whose
   * `subscribe()` opened it are the ones in force.
   */
  live?: LiveOptions;
}

/** What a single call accepts besides its parameters. */
// A type alias, not an interface: openapi-fetch's init wants an index signature, which only aliases get implicitly.
export type CallOptions = {
  /** Aborts the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
};

/** Options of {@link JobsClient.launch}. */
export interface LaunchOptions extends CallOptions {
  /** Send the owner a confirmation mail when the job ends. */
  notifyByEmail?: boolean;
  /** Records the job concerns, as `kind:id`, to find it from their pages. */
  subjects?: string[];
  /** Makes retries safe: a launch repeated with the same key returns the first job. Generated when absent. */
  idempotencyKey?: string;
}

/** Options of {@link JobsClient.requeue}. */
export interface RequeueOptions extends CallOptions {
  /** Makes retries safe: a requeue repeated with the same key returns the first new job. Generated when absent. */
  idempotencyKey?: string;
}

/**
 * A typed client of the jobs API. Every method throws {@link JobsApiError} when the server answers with an
 * error, or with something other than the JSON it promises (`code` `not_json`: a proxy's HTML sign-in page, say),
 * and lets network errors (`TypeError`) and aborts through unchanged.
 */
export interface JobsClient {
  /** The API root this client talks to. */
  readonly baseUrl: string;
  /** The underlying openapi-fetch client, for anything the methods below do not wrap. */
  readonly raw: Client<paths>;
  /** The caller and their permissions. */
  me(init?: CallOptions): Promise<Me>;
  /** Users whose name, e-mail or ID contains `q` (needs `jobs:read:any`). */
  listUsers(q?: string, init?: CallOptions): Promise<User[]>;
  /** Every job type the caller may see, with its parameters' schema. */
  listJobTypes(init?: CallOptions): Promise<JobType[]>;
  /**
   * Queues a job. Sends an `Idempotency-Key` (a random UUID unless one is given), so retrying a launch whose
   * answer was lost returns the same job instead of starting a second one.
   */
  launch(type: string, params?: Record<string, unknown>, options?: LaunchOptions): Promise<JobDetail>;
  /** One page of jobs. */
  listJobs(query?: ListJobsQuery, init?: CallOptions): Promise<JobPage>;
  /**
   * Every page of jobs from `query.cursor` (or the first) on, following `nextCursor` until it is null. Throws when the
   * server hands out a cursor a second time, which would otherwise loop for ever.
   */
  pages(query?: ListJobsQuery, init?: CallOptions): AsyncIterableIterator<JobPage>;
  /** Every job matching `query`, across pages, fetched a page at a time as the loop asks for more. */
  jobs(query?: ListJobsQuery, init?: CallOptions): AsyncIterableIterator<Job>;
  /** Counts per status and per type, for filter chips. */
  facets(query?: JobFacetsQuery, init?: CallOptions): Promise<JobFacets>;
  /** One job, in full. */
  getJob(id: string, init?: CallOptions): Promise<JobDetail>;
  /** A job's execution report: steps, message counts and artifacts. */
  getReport(id: string, init?: CallOptions): Promise<JobReport>;
  /** One page of a job's messages, oldest first. */
  listMessages(id: string, query?: ListMessagesQuery, init?: CallOptions): Promise<MessagePage>;
  /** The download URL of an artifact, for a plain link when cookies authenticate. */
  artifactUrl(id: string, name: string): string;
  /** Downloads an artifact with this client's headers (for bearer-token auth, where a link would not do). */
  downloadArtifact(id: string, name: string, init?: CallOptions): Promise<Blob>;
  /** The jobs matching `query` as CSV text (at most 10,000 rows). */
  exportJobsCsv(query?: ExportJobsQuery, init?: CallOptions): Promise<string>;
  /**
   * Runs a finished job again; resolves to the **new** job. Sends an `Idempotency-Key` (a random UUID unless one is
   * given), so retrying a requeue whose answer was lost returns the same new job instead of queuing another.
   */
  requeue(id: string, options?: RequeueOptions): Promise<JobDetail>;
  /** Stops a queued or running job; resolves to it, `interrupted` or `interrupting`. */
  interrupt(id: string, init?: CallOptions): Promise<JobDetail>;
  /** Deletes a finished job. */
  delete(id: string, init?: CallOptions): Promise<void>;
  /** Applies one action to several jobs; one refusal does not stop the others (see each result's `ok`). */
  bulk(action: BulkAction, ids: string[], init?: CallOptions): Promise<BulkActionResult>;
  /** The caller's end-of-job notifications, newest first. */
  notifications(query?: NotificationsQuery, init?: CallOptions): Promise<NotificationPage>;
  /** Marks one notification read. */
  markNotificationRead(id: string, init?: CallOptions): Promise<Notification>;
  /** Marks every notification read; resolves to how many were marked. */
  markAllNotificationsRead(init?: CallOptions): Promise<number>;
  /** A short-lived token for the event stream, for clients that cannot send headers on it. */
  createStreamToken(init?: CallOptions): Promise<StreamToken>;
  /**
   * Listens to the live events. One stream is shared per `baseUrl` for the whole page, however many
   * subscribers (and clients) there are: the first subscriber opens it, the last unsubscribe closes it.
   *
   * `job.progress` events are coalesced per job per animation frame; other events arrive at once and in order.
   * Listeners must ignore event types they do not know (servers may add some). Returns the unsubscribe function.
   *
   * When the stream is refused or keeps failing, polling `GET /jobs?updatedAfter=…` stands in for it: it tells jobs
   * created, changed and finished, but neither deleted jobs nor notifications. Back on a stream that has no event to
   * resume from, a `reset` (reason `resumed_after_polling`) follows a last poll: reload what is shown.
   */
  subscribe(listener: (event: StreamEvent) => void, options?: SubscribeOptions): () => void;
  /**
   * Ends this base URL's shared stream for every subscriber (they are told `stopped`), e.g. after a sign-out or a
   * user switch, since it was opened with the previous credentials. The next `subscribe()` opens a new one.
   */
  closeLive(): void;
}

type FetchResult = { data?: unknown; error?: unknown; response: Response };

/**
 * The one place where an HTTP error answer becomes a {@link JobsApiError}; every method goes through it.
 */
async function unwrap<R extends FetchResult>(call: Promise<R>): Promise<Exclude<R['data'], undefined>> {
  const { data, error, response } = await call;
  if (!response.ok) throw JobsApiError.from(response, error);
  return data as Exclude<R['data'], undefined>;
}

function newIdempotencyKey(): string {
  // randomUUID exists only in secure contexts; an intranet host served over plain http still needs a key.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `application/json`, `application/problem+json` and any other `+json` type. */
const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;

/**
 * Turns a success answer that is not JSON, where JSON was expected, into a {@link JobsApiError} naming the operation
 * and what came instead. A proxy's sign-in page or an SPA's fallback `index.html` answers 200 in HTML, and parsing it
 * would only throw a `SyntaxError` about a `<`.
 */
const expectJson: Middleware = {
  async onResponse({ request, response, options, schemaPath }) {
    if (options.parseAs !== 'json' || !response.ok || response.status === 204) return undefined;
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    // No content type at all is left to the parser: an empty body is fine there.
    if (!mediaType || jsonMediaType.test(mediaType)) return undefined;
    await response.body?.cancel();
    throw JobsApiError.notJson(response, `${request.method} ${schemaPath}`);
  },
};

function headersMiddleware(headers: NonNullable<JobsClientOptions['headers']>): Middleware {
  return {
    async onRequest({ request }) {
      const extra = new Headers(typeof headers === 'function' ? await headers() : headers);
      extra.forEach((value, name) => {
        request.headers.set(name, value);
      });
      return request;
    },
  };
}

/**
 * Creates a client of the jobs API at `options.baseUrl`.
 *
 * @example
 * const client = createJobsClient({ baseUrl: '/api', headers: () => ({ Authorization: `Bearer ${token()}` }) });
 * for await (const job of client.jobs({ status: ['failed'] })) console.log(job.id, job.errorCode);
 */
export function createJobsClient(options: JobsClientOptions): JobsClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const raw = createClient<paths>({
    baseUrl,
    fetch: options.fetch,
    credentials: options.credentials,
    // The contract's list parameters are comma-separated (`status=failed,interrupted`).
    querySerializer: { array: { style: 'form', explode: false } },
  });
  raw.use(expectJson);
  if (options.headers) raw.use(headersMiddleware(options.headers));
  const byId = (id: string) => ({ params: { path: { id } } });

  const listJobs = (query: ListJobsQuery = {}, init: CallOptions = {}) =>
    unwrap(raw.GET('/jobs', { params: { query }, ...init }));

  async function* pages(query: ListJobsQuery = {}, init: CallOptions = {}) {
    let cursor = query.cursor;
    // A server handing out a cursor it gave before would send this loop round for ever.
    const used = new Set<string>();
    do {
      if (cursor !== undefined) {
        if (used.has(cursor)) {
          throw new Error(
            `GET /jobs handed out the cursor ${cursor} a second time; stopped paging rather than loop for ever`,
          );
        }
        used.add(cursor);
      }
      const page = await listJobs({ ...query, cursor }, init);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async function* jobs(query: ListJobsQuery = {}, init: CallOptions = {}) {
    for await (const page of pages(query, init)) yield* page.items;
  }

  const live: LiveSource = {
    baseUrl,
    options: options.live ?? {},
    async openStream(lastEventId, signal) {
      const { response } = await raw.GET('/events', {
        params: { header: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId } },
        headers: { Accept: 'text/event-stream' },
        parseAs: 'stream',
        signal,
      });
      return response;
    },
    async changedJobs(updatedAfter, signal) {
      const query = { updatedAfter, sort: '-createdAt', limit: 200 } as const;
      // The first page is read apart for its answer, whose Date header is the server's clock.
      const answer = raw.GET('/jobs', { params: { query }, signal });
      const first = await unwrap(answer);
      const changed = [...first.items];
      if (first.nextCursor) {
        for await (const job of jobs({ ...query, cursor: first.nextCursor }, { signal })) changed.push(job);
      }
      return { jobs: changed, response: (await answer).response };
    },
  };

  return {
    baseUrl,
    raw,
    me: (init = {}) => unwrap(raw.GET('/me', init)),
    listUsers: async (q, init = {}) => (await unwrap(raw.GET('/users', { params: { query: { q } }, ...init }))).items,
    listJobTypes: async (init = {}) => (await unwrap(raw.GET('/job-types', init))).items,
    launch: (type, params = {}, { notifyByEmail, subjects, idempotencyKey, signal } = {}) =>
      unwrap(
        raw.POST('/jobs', {
          params: { header: { 'Idempotency-Key': idempotencyKey ?? newIdempotencyKey() } },
          body: { type, params, notifyByEmail: notifyByEmail ?? false, ...(subjects ? { subjects } : {}) },
          signal,
        }),
      ),
    listJobs,
    pages,
    jobs,
    facets: (query = {}, init = {}) => unwrap(raw.GET('/jobs/facets', { params: { query }, ...init })),
    getJob: (id, init = {}) => unwrap(raw.GET('/jobs/{id}', { ...byId(id), ...init })),
    getReport: (id, init = {}) => unwrap(raw.GET('/jobs/{id}/report', { ...byId(id), ...init })),
    listMessages: (id, query = {}, init = {}) =>
      unwrap(raw.GET('/jobs/{id}/messages', { params: { path: { id }, query }, ...init })),
    artifactUrl: (id, name) => `${baseUrl}/jobs/${encodeURIComponent(id)}/artifacts/${encodeURIComponent(name)}`,
    downloadArtifact: async (id, name, init = {}) => {
      const answer = raw.GET('/jobs/{id}/artifacts/{name}', {
        params: { path: { id, name } },
        parseAs: 'blob',
        ...init,
      });
      // openapi-fetch hands out no data for a `Content-Length: 0` answer, but an empty file is still a file.
      const blob: Blob | undefined = await unwrap(answer);
      return blob ?? new Blob([], { type: (await answer).response.headers.get('content-type') ?? '' });
    },
    exportJobsCsv: (query = {}, init = {}) =>
      unwrap(raw.GET('/jobs/export', { params: { query }, parseAs: 'text', ...init })),
    requeue: (id, { idempotencyKey, signal } = {}) =>
      unwrap(
        raw.POST('/jobs/{id}/requeue', {
          params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey ?? newIdempotencyKey() } },
          signal,
        }),
      ),
    interrupt: (id, init = {}) => unwrap(raw.POST('/jobs/{id}/interrupt', { ...byId(id), ...init })),
    delete: async (id, init = {}) => {
      await unwrap(raw.DELETE('/jobs/{id}', { ...byId(id), ...init }));
    },
    bulk: (action, ids, init = {}) => unwrap(raw.POST('/jobs/bulk', { body: { action, ids }, ...init })),
    notifications: (query = {}, init = {}) => unwrap(raw.GET('/notifications', { params: { query }, ...init })),
    markNotificationRead: (id, init = {}) =>
      unwrap(raw.POST('/notifications/{id}/read', { params: { path: { id } }, ...init })),
    markAllNotificationsRead: async (init = {}) => (await unwrap(raw.POST('/notifications/read', init))).marked,
    createStreamToken: (init = {}) => unwrap(raw.POST('/events/token', init)),
    subscribe: (listener, subscribeOptions) => subscribeLive(live, listener, subscribeOptions),
    closeLive: () => closeLive(live.baseUrl),
  };
}
