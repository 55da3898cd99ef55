/**
 * Serves the embedding examples (examples/plain-html, examples/react) as a host app would: the pages and their
 * bundles (built by esbuild in memory, with the commands the pages' comments give), and `/api/*` proxied to the
 * jobs server, so the elements talk to a same-origin API.
 *
 * `npm run examples` starts the demo server and this one and prints both URLs.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const repository = fileURLToPath(new URL('../../../', import.meta.url));

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: `${repository}tsconfig.json`,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export interface ExamplesServer {
  url: string;
  close(): Promise<void>;
}

export async function serveExamples(apiOrigin: string, port = 0): Promise<ExamplesServer> {
  const [kit, react] = await Promise.all([
    bundle(`${repository}components/index.ts`),
    bundle(`${examples}react/main.jsx`),
  ]);
  const files: Record<string, () => Promise<[string, string | Buffer]>> = {
    '/plain-html/': async () => ['text/html', await readFile(`${examples}plain-html/index.html`)],
    '/plain-html/main.js': async () => ['text/javascript', await readFile(`${examples}plain-html/main.js`)],
    '/plain-html/page.css': async () => ['text/css', await readFile(`${examples}plain-html/page.css`)],
    '/plain-html/job-tracker-kit.js': async () => ['text/javascript', kit],
    '/react/': async () => ['text/html', await readFile(`${examples}react/index.html`)],
    '/react/main.js': async () => ['text/javascript', react],
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      await proxy(apiOrigin, url, request, response);
      return;
    }
    const file = files[url.pathname];
    if (!file) return void response.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
    const [type, body] = await file();
    response.writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'",
    });
    response.end(body);
  });
  // `localhost`, like the demo: cookies ignore ports, so a session cookie set on the demo signs this page in too.
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => closeServer(server),
  };
}

/**
 * A reverse proxy, as in front of a real host: the live stream is piped through as it comes, and a stream the
 * browser drops (or the upstream ends) is torn down on the other side too.
 */
async function proxy(apiOrigin: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const upstreamAbort = new AbortController();
  response.on('close', () => upstreamAbort.abort());
  try {
    const upstream = await fetch(`${apiOrigin}${url.pathname}${url.search}`, {
      method: request.method,
      headers: Object.entries(request.headers).flatMap(([name, value]) =>
        typeof value === 'string' && name !== 'host' ? [[name, value] as [string, string]] : [],
      ),
      body:
        request.method === 'GET' || request.method === 'HEAD' ? undefined : (Readable.toWeb(request) as ReadableStream),
      duplex: 'half',
      signal: upstreamAbort.signal,
    } as RequestInit);
    response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    if (!upstream.body) return void response.end();
    Readable.fromWeb(upstream.body as WebReadableStream)
      .on('error', () => response.destroy())
      .pipe(response);
  } catch {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startDemo } = await import('../../../demo/app-server.js');
  const { stopOnSignals } = await import('../../../server/main.js');
  const demo = await startDemo();
  stopOnSignals(demo);
  const served = await serveExamples(demo.url, Number(process.env.EXAMPLES_PORT ?? 3001));
  console.log(
    `Examples: ${served.url}/plain-html/ and ${served.url}/react/ (sign in on the demo first for plain HTML)`,
  );
}
