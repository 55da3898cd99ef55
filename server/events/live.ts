/**
 * The live stream service of one process: the feed reading `job_events`, the hub fanning out to open streams,
 * the replay of missed events, stream tokens, and the pruning that keeps the replay window bounded.
 * Start it once per process next to `createApp` (see `server/routes/events.ts`) and close it on shutdown.
 */
import type { Db } from '../db/types.js';
import { JobTypeRegistry } from '../http/registry.js';
import { notificationsByIds } from '../notifications/queries.js';
import type { JobTypeDefinition } from '../queue/types.js';
import { coalesceProgress } from './coalesce.js';
import { EventFeed, type FeedOptions } from './feed.js';
import { Connection, encodeFrame, Hub, type StreamSink } from './hub.js';
import { sseFrame, type Viewer } from './present.js';
import { batchOf, type EventRow, lastIdOfBatch, latestEventId, pruneEvents, readEventRange } from './queries.js';
import { type StreamTokens, streamTokens } from './streamTokens.js';

export interface LiveOptions {
  db: Db;
  jobTypes: readonly JobTypeDefinition[];
  /** Shared by every server so a stream token from one opens a stream on another (env `STREAM_TOKEN_SECRET`). */
  streamTokenSecret?: string;
  /** Stream tokens stay valid this long for opening a stream. Default 5 minutes. */
  streamTokenTtlMs?: number;
  /** A `: heartbeat` comment on every stream this often. Default 15,000 ms. */
  heartbeatMs?: number;
  /** The replay window: events are kept this long, in this many batch rows at most. Default 24 hours and 100,000. */
  retention?: { maxAgeMs?: number; maxBatches?: number };
  /** How often this process prunes. Default 60,000 ms. */
  pruneEveryMs?: number;
  feed?: FeedOptions;
}

export interface Live {
  readonly tokens: StreamTokens;
  /** Opens a stream for `viewer`, replaying what came after `lastEventId` first. */
  open(viewer: Viewer, lastEventId: bigint | null, sink: StreamSink): Promise<Connection>;
  /** Reads `job_events` now; resolves once what was committed before the call has been sent. */
  flush(): Promise<void>;
  /** Open streams in this process. */
  readonly connections: number;
  /** Open streams of one user in this process. */
  streamsOf(userId: string): number;
  close(): Promise<void>;
}

const replayPage = 1000;

export async function startLive(options: LiveOptions): Promise<Live> {
  const { db } = options;
  const registry = new JobTypeRegistry(options.jobTypes);
  const hub = new Hub(registry, options.heartbeatMs ?? 15_000);
  const feed = new EventFeed(
    db,
    (rows) => dispatch(rows),
    () => hub.size > 0,
    options.feed,
  );

  async function dispatch(rows: EventRow[]): Promise<void> {
    const kept = coalesceProgress(rows);
    if (hub.size === 0) return;
    hub.dispatch(kept, await notificationsOf(kept));
  }

  async function notificationsOf(rows: readonly EventRow[]) {
    const ids = rows.flatMap((row) => (row.notification_id ? [row.notification_id] : []));
    return notificationsByIds(db, ids);
  }

  /** Sends what came after `afterId`, or a reset when some of it was pruned before it could be read. */
  async function replay(connection: Connection, afterId: bigint, upToBatch: bigint): Promise<void> {
    let from = afterId;
    while (!connection.closed) {
      const page = await readEventRange(db, from, upToBatch, replayPage);
      if (batchOf(from) < page.prunedBelow) {
        reset(connection, lastIdOfBatch(upToBatch), 'replay_window_exceeded');
        return;
      }
      if (page.rows.length === 0) break;
      from = BigInt(page.rows.at(-1)!.id);
      const rows = coalesceProgress(page.rows).filter((row) => hub.mayReceive(row, connection.viewer));
      const notifications = await notificationsOf(rows);
      for (const row of rows) {
        const chunk = hub.frameFor(row, connection.viewer, notifications, new Map());
        if (chunk) connection.sendNow(chunk);
      }
    }
  }

  function reset(connection: Connection, atId: bigint, reason: 'replay_window_exceeded' | 'unknown_event_id') {
    connection.sendNow(encodeFrame(sseFrame(atId.toString(), { type: 'reset', reason })));
  }

  const prune = async () => {
    const retention = options.retention ?? {};
    await pruneEvents(db, retention.maxAgeMs ?? 24 * 3600_000, retention.maxBatches ?? 100_000).catch((error) =>
      console.error('live events: pruning failed', error),
    );
  };
  const pruneTimer = setInterval(prune, options.pruneEveryMs ?? 60_000);
  pruneTimer.unref();

  await feed.start();

  return {
    tokens: streamTokens({ secret: options.streamTokenSecret, ttlMs: options.streamTokenTtlMs }),
    get connections() {
      return hub.size;
    },
    streamsOf: (userId) => hub.streamsOf(userId),
    async open(viewer, lastEventId, sink) {
      const upToBatch = feed.cursor;
      const upTo = lastIdOfBatch(upToBatch);
      const connection: Connection = new Connection(viewer, sink, upTo, () => hub.remove(connection));
      // Registered before the replay is read, so nothing committed meanwhile falls between replay and live.
      hub.add(connection);
      try {
        if (lastEventId !== null && lastEventId < upTo) {
          await replay(connection, lastEventId, upToBatch);
        } else if (lastEventId !== null && lastEventId > upTo) {
          // Another server may be a few milliseconds ahead of this one: what this one's feed hands out meanwhile up
          // to that ID, the client has. An ID nobody wrote is another matter.
          connection.lastId = lastEventId;
          if (lastEventId > (await latestEventId(db))) {
            connection.lastId = upTo;
            reset(connection, upTo, 'unknown_event_id');
          }
        }
      } catch (error) {
        connection.close();
        throw error;
      }
      connection.release();
      // From slow (idle) polling to fast polling now, not at the next slow tick.
      if (hub.size === 1) void feed.wake();
      return connection;
    },
    flush: () => feed.wake(),
    async close() {
      clearInterval(pruneTimer);
      await feed.close();
      hub.close();
    },
  };
}
