/**
 * Child process of the latency bench: enqueues one job per `enqueue` message from the parent (which runs the
 * worker), stamping when it sent the INSERT. Env: DATABASE_URL, SCHEMA.
 */
import { openDb } from '../../server/db/index.js';
import { enqueueJob } from '../../server/queue/enqueue.js';

const db = await openDb({ url: process.env.DATABASE_URL, schema: process.env.SCHEMA, maxConnections: 1 });
// One warm connection, so the first sample does not pay for connecting.
await db.query('select 1');
process.on('message', (message) => {
  if (message === 'exit') {
    db.close().then(() => process.exit(0));
    return;
  }
  const sentAt = performance.timeOrigin + performance.now();
  enqueueJob(db, { type: 'noop', userId: 'bench', userName: 'Bench', params: { sentAt } }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
});
process.send?.('ready');
