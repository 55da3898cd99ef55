/**
 * Size of the kit as a host ships it: bundled exactly as `npm run build` bundles it (scripts/bundle-options.ts:
 * esbuild, Lit templates minified, code split, then terser), Lit, the SDK and their dependencies included.
 * For each case prints what a page loads up front (min and min+gzip -9, per origin), and apart from it the
 * chunks loaded only on demand (another language's messages). Target for the whole kit: ≤ 25 KB gzip.
 * Run: `npm run size:bundle`.
 */
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { bundleForShipping, elements, root } from '../scripts/bundle-options.js';

const cases: Array<[string, string]> = [
  ['whole kit (components/index.ts)', "export * from './components/index.ts';"],
  [
    '<job-tracker> + <job-status-badge> + SDK + Lit',
    "export * from './components/job-tracker/job-tracker.ts'; export * from './components/shared/config.ts';",
  ],
  ['SDK alone (sdk/index.ts)', "export * from './sdk/index.ts';"],
  // What a page showing a single element loads through its own entry (`job-tracker-kit/components/<tag>`).
  ...elements
    .filter((tag) => tag !== 'job-tracker')
    .map((tag): [string, string] => [`<${tag}> alone`, `export * from './components/${tag}/${tag}.ts';`]),
];
const target = 25 * 1024;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gzip = (files: Uint8Array[]) => files.reduce((sum, file) => sum + gzipSync(file, { level: 9 }).length, 0);

/** The outputs a page loads with the entry: it and the chunks it imports statically, transitively. */
function upFront(metafile: Metafile, entry: string): Set<string> {
  const files = new Set([entry]);
  for (const file of files) {
    for (const { path, kind } of metafile.outputs[file]!.imports) if (kind === 'import-statement') files.add(path);
  }
  return files;
}

function byOrigin(metafile: Metafile, files: Iterable<string>): Array<[string, number]> {
  const bytes = new Map<string, number>();
  for (const file of files) {
    for (const [path, { bytesInOutput }] of Object.entries(metafile.outputs[file]!.inputs)) {
      const origin = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.split('/').slice(0, 2).join('/');
      bytes.set(origin, (bytes.get(origin) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].filter(([, size]) => size > 0).sort((a, b) => b[1] - a[1]);
}

for (const [name, contents] of cases) {
  try {
    const { files, metafile } = await bundleForShipping({
      stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
      outdir: `${root}dist-size`,
      logLevel: 'silent',
    });
    const code = new Map([...files].map(([path, bytes]) => [path.slice(root.length), bytes]));
    const entry = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]!.entryPoint)!;
    const initial = upFront(metafile, entry);
    const initialFiles = [...initial].map((file) => code.get(file)!);
    const min = initialFiles.reduce((sum, file) => sum + file.length, 0);
    const gz = gzip(initialFiles);
    console.log(`${name}: ${min} B min (${kb(min)}), ${gz} B min+gzip (${kb(gz)}) up front`);
    for (const [origin, bytes] of byOrigin(metafile, initial)) console.log(`  ${origin.padEnd(40)} ${bytes} B min`);
    for (const [file, bytes] of code) {
      if (initial.has(file) || !file.endsWith('.js')) continue;
      const sources = Object.keys(metafile.outputs[file]!.inputs).join(', ');
      console.log(`  + on demand: ${sources}: ${bytes.length} B min, ${gzip([bytes])} B min+gzip`);
    }
    if (name.startsWith('whole kit')) console.log(`  ${gz <= target ? 'within' : 'OVER'} the 25 KB gzip target`);
  } catch (error) {
    console.log(`${name}: does not build: ${(error as Error).message.split('\n')[0]}`);
  }
}
