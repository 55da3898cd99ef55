import type { Context } from 'hono';
import type { Principal, UserDirectory } from '../auth/types.js';
import type { Db } from '../db/types.js';
import type { Retention } from '../store/retention.js';
import type { LaunchLimit } from './launchLimit.js';
import type { JobTypeRegistry } from './registry.js';
import type { ValidInput } from './validation.js';

/** What every route gets from `createApp`, passed explicitly (no module singletons). */
export interface Services {
  db: Db;
  registry: JobTypeRegistry;
  users: UserDirectory;
  /** Totals and facet counts stop here (`exact: false` beyond). */
  countCap: number;
  /** The CSV export holds at most this many jobs. */
  exportCap: number;
  /** New jobs per user and minute in this process; null: no limit. */
  launchLimit: LaunchLimit | null;
  /** How long finished jobs are kept: the report's `keptUntil`. */
  retention: Retention;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    input: ValidInput;
  };
}

export type AppContext = Context<AppEnv>;
