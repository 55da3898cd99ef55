/**
 * Prints what the SDK costs a browser: `sdk/index.ts` bundled with every dependency (openapi-fetch and
 * eventsource-parser), as ESM for the browser, raw / minified / minified + gzip.
 *
 * Run with `npm run size`.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../sdk/index.ts', import.meta.url));

async function bundle(minify: boolean): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    write: false,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.contents;
}

const raw = await bundle(false);
const minified = await bundle(true);
const gzipped = gzipSync(minified, { level: 9 });

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log('SDK bundle (sdk/index.ts, all dependencies, esm, browser)');
console.log(`raw           ${raw.byteLength} bytes (${kib(raw.byteLength)})`);
console.log(`minified      ${minified.byteLength} bytes (${kib(minified.byteLength)})`);
console.log(`min + gzip -9 ${gzipped.byteLength} bytes (${kib(gzipped.byteLength)})`);
