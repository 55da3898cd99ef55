/**
 * Test doubles for the SDK's HTTP side: a recording fetch whose answers are checked against the contract, and
 * Server-Sent Events responses whose stream the test writes to, ends or breaks when it chooses.
 */
import { contractChecked, validateSchema } from './contract.js';

export type Handler = (request: Request) => Response | Promise<Response>;

/** A fetch that records each request and answers through `handler`, each answer checked against openapi.yaml. */
export function recordingFetch(handler: Handler): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = [];
  const checked = contractChecked((request) => {
    requests.push(request);
    return handler(request);
  });
  return { fetch: checked as typeof fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function problem(status: number, code: string, extra: Record<string, unknown> = {}): Response {
  const body = { type: `https://job-tracker-kit.dev/problems/${code}`, title: code, status, code, ...extra };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });
}

/** One SSE response, written to by the test. */
export class FakeEventStream {
  readonly response: Response;
  /** Resolves when the client cancels the body (it aborted or went away). */
  readonly cancelled: Promise<void>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #encoder = new TextEncoder();

  constructor() {
    let onCancel!: () => void;
    this.cancelled = new Promise((resolve) => {
      onCancel = resolve;
    });
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => onCancel(),
    });
    this.response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }

  /** Sends one event; `data` must be a valid StreamEvent unless `raw` is set (to send broken data on purpose). */
  send(data: unknown, fields: { id?: string; raw?: boolean } = {}): void {
    if (!fields.raw) validateSchema('StreamEvent', data);
    const type = typeof data === 'object' && data && 'type' in data ? `event: ${String(data.type)}\n` : '';
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.write(`${fields.id === undefined ? '' : `id: ${fields.id}\n`}${type}data: ${payload}\n\n`);
  }

  /** Writes raw SSE text, e.g. `retry: 5000\n\n` or `: heartbeat\n\n`. */
  write(text: string): void {
    this.#controller.enqueue(this.#encoder.encode(text));
  }

  /** Ends the stream cleanly, as a server or proxy closing an idle connection would. */
  end(): void {
    this.#controller.close();
  }

  /** Breaks the stream mid-way, as a lost network would. */
  fail(): void {
    this.#controller.error(new TypeError('network connection lost'));
  }
}
