/**
 * `npm start`: the demo app on the reference server, on embedded PGlite in `.data/` (nothing to install; data
 * survives a restart), with the demo users and job types and a worker in the same process. Prints where to open it.
 */
import { exitOnStartupError, stopOnSignals } from '../server/main.js';
import { startDemo } from './app-server.js';

// Read first: the parent may go while the server starts.
const parent = process.ppid;

try {
  // Before it says where to open it: a SIGTERM sent on reading that must find the graceful stop in place.
  await startDemo({ onListening: stopOnSignals });
  stopWithParent();
} catch (error) {
  exitOnStartupError(error);
}

/**
 * `npm start` runs this under `sh -c`, and a SIGTERM to npm (a container stopping, a service manager) reaches only
 * the shell, which dies without passing it on: the server went on alone, holding its port and data folder. The
 * parent going away is taken as that SIGTERM.
 */
function stopWithParent(): void {
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    // Once: a second SIGTERM would cut the grace period short.
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 1000).unref();
}
