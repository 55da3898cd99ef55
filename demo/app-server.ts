/**
 * The demo: the reference server (API, worker, embedded storage) plus a small host app at `/` that embeds the
 * kit's elements the way a product team would. The app's TypeScript and CSS are bundled by esbuild in memory at
 * start-up, so a fresh clone needs nothing but `npm install`.
 *
 * The pages are served with a strict Content Security Policy (no inline scripts or styles anywhere), which is
 * the proof that the elements work in hosts that forbid them.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Hono } from 'hono';
import { loadUsers } from '../server/auth/tokens.js';
import type { AppEnv } from '../server/http/env.js';
import { isLoopback, opened, type RunningServer, readConfig, type ServerConfig, startServer } from '../server/main.js';
import { matchRoute } from './app/routes.js';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DemoOptions {
  /** Read like `npm start` reads the environment (PORT, DATABASE_URL, DATA_DIR, USERS_FILE…); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Overrides of what the environment says, e.g. `{ port: 0, dataDir }` in tests. */
  config?: Partial<ServerConfig>;
  /** Print where to open the demo (default true). */
  announce?: boolean;
  /** Called once it listens, before it says so: `npm start` installs its signal handlers here. */
  onListening?: (server: RunningServer) => void;
}

interface Asset {
  body: Uint8Array;
  type: string;
}

const appDir = fileURLToPath(new URL('./app/', import.meta.url));
const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Bundles the app (TS with the kit's legacy decorators, per tsconfig.json) into memory: `main.js`, `app.css`. */
export async function bundleDemoApp(): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: { main: `${appDir}main.ts`, app: `${appDir}app.css` },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    outdir: '/assets',
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const extension = name.slice(name.lastIndexOf('.'));
    assets.set(name, { body: file.contents, type: types[extension] ?? 'application/octet-stream' });
  }
  return assets;
}

/** Adds the app's routes: its assets, its shell on every page path, and the demo users for the switcher. */
export function serveDemoApp(
  app: Hono<AppEnv>,
  shell: string,
  assets: Map<string, Asset>,
  users: { id: string; name: string; token: string; permissions: string[] }[],
): void {
  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.notFound();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
  // Demo only: lets the switcher sign in as each demo user. The tokens are in the users file anyway; a real host
  // signs its users in its own way and hands the kit a token or a cookie.
  app.get('/demo/users.json', (c) =>
    c.json(users.map(({ id, name, token, permissions }) => ({ id, name, token, permissions }))),
  );
  app.get('*', async (c, next) => {
    if (!matchRoute(c.req.path)) return next();
    return c.html(shell, 200, {
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    });
  });
}

/** Starts the server with the demo app; `close()` stops everything it started. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningServer> {
  const fromEnv = readConfig(options.env ?? process.env);
  // This machine only unless HOST says otherwise: /demo/users.json hands every token to whoever can reach it.
  const config: ServerConfig = { ...fromEnv, host: fromEnv.host ?? '127.0.0.1', ...options.config };
  const [assets, shell, users, favicon] = await Promise.all([
    bundleDemoApp(),
    readFile(`${appDir}index.html`, 'utf8'),
    opened(`cannot read the users file ${config.usersFile}`, () => loadUsers(config.usersFile)),
    readFile(`${appDir}favicon.svg`),
  ]);
  assets.set('favicon.svg', { body: favicon, type: 'image/svg+xml' });
  const server = await startServer(config, (app) => serveDemoApp(app, shell, assets, users));
  options.onListening?.(server);
  if (options.announce ?? true) {
    const storage = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
    console.log(`Job tracker demo: open ${server.url}/ (API at ${server.url}/api, ${storage})`);
    if (!isLoopback(config.host)) {
      console.warn(
        `Warning: listening on ${config.host ?? 'every interface'} (HOST) lets other machines in, and the demo's ` +
          `user switcher (/demo/users.json) gives each of them every token in ${config.usersFile}.`,
      );
    }
  }
  return server;
}
