/**
 * `npm start`: the demo app on the reference server, on embedded PGlite in `.data/` (nothing to install; data
 * survives a restart), with the demo users and job types and a worker in the same process. Prints where to open it.
 */
import { exitOnStartupError, stopOnSignals } from '../server/main.js';
import { startDemo } from './app-server.js';

try {
  stopOnSignals(await startDemo());
} catch (error) {
  exitOnStartupError(error);
}
