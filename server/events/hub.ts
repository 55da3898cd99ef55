/**
 * The fan-out of one process: open streams indexed by who may see what, so an event reaches only the connections
 * it concerns (its owner's, and those of users who may list everyone's jobs) without scanning the others.
 * Writes are plain synchronous `write()`s on each sink (no await per client); heartbeats go to all at once.
 */
import { canListEveryone } from '../auth/permissions.js';
import type { JobTypeRegistry } from '../http/registry.js';
import type { NotificationRow } from '../notifications/queries.js';
import { sseFrame, toStreamEvent, type Viewer, viewerKey } from './present.js';
import type { EventRow } from './queries.js';

/** Where a connection's bytes go: a Node response, or a web `ReadableStream` controller. */
export interface StreamSink {
  /** Returns false when the client cannot keep up; the hub then closes the stream (it resumes with Last-Event-ID). */
  write(chunk: Uint8Array): boolean;
  close(): void;
}

export class Connection {
  /** Events with this ID or lower were sent (or were before the connection's starting point). */
  lastId: bigint;
  /** While the replay is written, live events wait here. */
  #held: Uint8Array[] | null = [];
  #closed = false;

  constructor(
    readonly viewer: Viewer,
    readonly sink: StreamSink,
    startAfter: bigint,
    readonly onClose: () => void,
  ) {
    this.lastId = startAfter;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#held) this.#held.push(chunk);
    else if (!this.sink.write(chunk)) this.close();
  }

  /** Writes directly, ahead of held live events (the replay). */
  sendNow(chunk: Uint8Array): void {
    if (!this.#closed && !this.sink.write(chunk)) this.close();
  }

  /** The replay is done: live events flow. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const chunk of held) this.send(chunk);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sink.close();
    this.onClose();
  }
}

const encoder = new TextEncoder();
const heartbeatFrame = encoder.encode(': heartbeat\n\n');

export class Hub {
  readonly #registry: JobTypeRegistry;
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #everyone = new Set<Connection>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(registry: JobTypeRegistry, heartbeatMs: number) {
    this.#registry = registry;
    this.#heartbeat = setInterval(() => this.#beat(), heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    let size = 0;
    for (const connections of this.#byUser.values()) size += connections.size;
    return size;
  }

  /** Open streams of one user in this process. */
  streamsOf(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  add(connection: Connection): void {
    const userId = connection.viewer.principal.id;
    let own = this.#byUser.get(userId);
    if (!own) {
      own = new Set();
      this.#byUser.set(userId, own);
    }
    own.add(connection);
    if (canListEveryone(connection.viewer.principal)) this.#everyone.add(connection);
  }

  remove(connection: Connection): void {
    const userId = connection.viewer.principal.id;
    const own = this.#byUser.get(userId);
    own?.delete(connection);
    if (own?.size === 0) this.#byUser.delete(userId);
    this.#everyone.delete(connection);
  }

  /** Sends events (in ID order) to every connection allowed to see each. */
  dispatch(rows: readonly EventRow[], notifications: ReadonlyMap<string, NotificationRow>): void {
    for (const row of rows) {
      const id = BigInt(row.id);
      const own = this.#byUser.get(row.user_id);
      // Notifications are personal: a supervisor lists everyone's jobs but gets only their own notifications.
      const others = row.kind === 'notification.created' ? null : this.#everyone;
      if (!own && (!others || others.size === 0)) continue;
      const frames = new Map<string, Uint8Array | null>();
      const deliver = (connection: Connection) => {
        if (id <= connection.lastId) return;
        connection.lastId = id;
        const chunk = this.frameFor(row, connection.viewer, notifications, frames);
        if (chunk) connection.send(chunk);
      };
      if (own) for (const connection of own) deliver(connection);
      if (others)
        for (const connection of others) if (connection.viewer.principal.id !== row.user_id) deliver(connection);
    }
  }

  /** The frame of `row` for this viewer, built once per kind of viewer (`cache` lives for one event). */
  frameFor(
    row: EventRow,
    viewer: Viewer,
    notifications: ReadonlyMap<string, NotificationRow>,
    cache: Map<string, Uint8Array | null>,
  ): Uint8Array | null {
    const key = viewerKey(row, viewer);
    let chunk = cache.get(key);
    if (chunk === undefined) {
      const event = toStreamEvent(row, viewer, this.#registry, notifications);
      chunk = event ? encoder.encode(sseFrame(row.id, event)) : null;
      cache.set(key, chunk);
    }
    return chunk;
  }

  /** Whether a connection of `viewer` may receive `row`. */
  mayReceive(row: EventRow, viewer: Viewer): boolean {
    if (row.user_id === viewer.principal.id) return true;
    return row.kind !== 'notification.created' && canListEveryone(viewer.principal);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const connections of [...this.#byUser.values()]) for (const connection of [...connections]) connection.close();
  }

  #beat(): void {
    for (const connections of this.#byUser.values())
      for (const connection of connections) connection.send(heartbeatFrame);
  }
}

export function encodeFrame(text: string): Uint8Array {
  return encoder.encode(text);
}
