/**
 * Builds `dist/` for publishing: minified ES modules for the SDK (`dist/sdk/index.js`), the whole kit
 * (`dist/components/index.js`) and each element (`dist/components/job-tracker.js`…), with shared code in
 * `dist/chunks/`, and their `.d.ts` declarations. package.json's `exports` point at them.
 *
 * Run: `npm run build`. `dist/` is not committed, so run it before anything that imports the package by name.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleForShipping, elements, entryPoints, root } from './bundle-options.js';

const dist = `${root}dist/`;
await rm(dist, { recursive: true, force: true });

const { files } = await bundleForShipping({ entryPoints, outdir: dist, logLevel: 'warning' });
for (const [path, contents] of files) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, contents);
}

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], {
  stdio: 'inherit',
});
// tsc emits nothing for a .d.ts source, yet the emitted sdk/client.d.ts imports it.
await mkdir(`${dist}sdk/generated`, { recursive: true });
await copyFile(`${root}sdk/generated/openapi.d.ts`, `${dist}sdk/generated/openapi.d.ts`);
// Declarations sit next to the sources' layout (components/job-tracker/job-tracker.d.ts); the per-element entries
// (components/job-tracker.js) get a declaration of their own that points there.
for (const tag of elements) {
  await writeFile(`${dist}components/${tag}.d.ts`, `export * from './${tag}/${tag}.js';\n`);
}

for (const [path, contents] of files) console.log(`${path.slice(root.length).padEnd(48)} ${contents.length} B`);
console.log('Sizes as a host ships them (min+gzip, per origin): npm run size:bundle');
