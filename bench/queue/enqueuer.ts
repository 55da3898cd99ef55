/**
 * Child process of the latency bench: enqueues one job per `enqueue` message from the parent (which runs the
 * worker), stamping when it sent the INSERT; for the floor, runs the bare INSERT + NOTIFY per `floor` message,
 * with the stamp as the NOTIFY's payload. Env: DATABASE_URL, SCHEMA.
 */
import { openDb } from '../../server/db/index.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { floorInsert } from './floor.js';
import { monotonicMs } from './stats.js';

const db = await openDb({ url: process.env.DATABASE_URL, schema: process.env.SCHEMA, maxConnections: 1 });
// One warm connection, so the first sample does not pay for connecting.
await db.query('select 1');
const fail = (error: unknown) => {
  console.error(error);
  process.exit(1);
};
process.on('message', (message) => {
  if (message === 'exit') {
    db.close().then(() => process.exit(0));
    return;
  }
  const sentAt = monotonicMs();
  if (message === 'floor') floorInsert(db, sentAt).catch(fail);
  else enqueueJob(db, { type: 'noop', userId: 'bench', userName: 'Bench', params: { sentAt } }).catch(fail);
});
process.send?.('ready');
