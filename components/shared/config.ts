import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createJobsClient, type JobsClient, type JobsClientOptions } from '../../sdk/index.js';

/**
 * What `configure()` accepts: the SDK's client options (`baseUrl`, `fetch`, `headers`, `credentials`, `live`).
 * `baseUrl` defaults to `/api`; an element's `base-url` attribute overrides it.
 */
export type KitConfig = Partial<JobsClientOptions>;

interface ConfigState {
  config: KitConfig;
  clients: Map<string, JobsClient>;
  version: number;
}

// Kept on globalThis so two copies of the kit on one page (an app bundle and a CDN script) share one client
// and therefore one live stream, instead of each opening its own.
const stateKey = Symbol.for('job-tracker-kit.config');
const globals = globalThis as Record<symbol, ConfigState | undefined>;
globals[stateKey] ??= { config: {}, clients: new Map(), version: 0 };
const state = globals[stateKey];

/**
 * Sets how every element of the page talks to the jobs API. Call it once, before or after the elements connect:
 * connected elements reload with the new client. It holds nothing about language: each element follows its `lang`.
 */
export function configure(config: KitConfig): void {
  // The streams were opened with the previous credentials (another user, say): end them, the elements resubscribe.
  for (const client of state.clients.values()) client.closeLive();
  state.config = config;
  state.clients.clear();
  state.version++;
  document.dispatchEvent(new Event('job-kit-configured'));
}

/** Increases at each `configure()`, so an element can tell its client changed. */
export function configVersion(): number {
  return state.version;
}

/** The shared client for a base URL (the configured one when omitted); the same object on every call. */
export function clientFor(baseUrl?: string | null): JobsClient {
  const url = baseUrl || state.config.baseUrl || '/api';
  let client = state.clients.get(url);
  if (!client) {
    client = createJobsClient({ ...state.config, baseUrl: url });
    state.clients.set(url, client);
  }
  return client;
}

/** Calls `onConfigured` at each `configure()` while its host is connected: a new client, so reload and resubscribe. */
export class ConfigController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly onConfigured: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('job-kit-configured', this.onConfigured);
  }

  hostDisconnected(): void {
    document.removeEventListener('job-kit-configured', this.onConfigured);
  }
}
