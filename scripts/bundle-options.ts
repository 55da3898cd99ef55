/**
 * How the kit is bundled for shipping, shared by `scripts/build.ts` (which writes `dist/`) and
 * `bench/bundle-size.ts` (which measures the same output), so the figures are those of what is published.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultStrategy, minifyHTMLLiterals } from '@literals/html-css-minifier';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { type MinifyOptions, minify } from 'terser';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Each element on its own, so a page that shows one loads only what that one needs. */
export const elements = [
  'job-tracker',
  'job-status-badge',
  'job-progress-dialog',
  'job-toasts',
  'job-dashboard-widget',
  'job-report',
] as const;

/** Output name (under `dist/`, without `.js`) → source. */
export const entryPoints: Record<string, string> = {
  'sdk/index': `${root}sdk/index.ts`,
  'components/index': `${root}components/index.ts`,
  ...Object.fromEntries(elements.map((tag) => [`components/${tag}`, `${root}components/${tag}/${tag}.ts`])),
};

/**
 * The package's strategy, except that a `css` template holding only declarations (theme tokens interpolated into
 * several rules) is minified as the body of a rule: lightningcss rejects a bare declaration list.
 */
const minifyCSS = defaultStrategy.minifyCSS!;
const strategy: typeof defaultStrategy = {
  ...defaultStrategy,
  minifyCSS(css, options) {
    if (/^\s*--[\w-]+\s*:/.test(css)) return minifyCSS(`a{${css}}`, options).slice(2, -1);
    return minifyCSS(css, options);
  },
};

/** The source with its `html`/`svg` templates' markup and its `css` templates' rules minified. */
export async function minifyTemplateLiterals(source: string, fileName: string): Promise<string> {
  const result = await minifyHTMLLiterals(source, { fileName, generateSourceMap: false, strategy });
  return result?.code ?? source;
}

/**
 * Minifies Lit's templates in the elements' sources: esbuild keeps template literals as written, indentation
 * and line breaks included.
 */
export function minifyTemplates(): Plugin {
  return {
    name: 'minify-templates',
    setup(build) {
      build.onLoad({ filter: /[\\/]components[\\/].*\.ts$/ }, async ({ path }) => ({
        contents: await minifyTemplateLiterals(await readFile(path, 'utf8'), path),
        loader: 'ts',
      }));
    },
  };
}

/**
 * The options every shipped bundle is built with: minified ES modules, dependencies included, code shared by
 * several entries (Lit, the SDK and its one live connection per base URL) in common chunks, and what is loaded on
 * demand (a language's messages) in chunks of its own.
 */
export const bundleOptions = {
  bundle: true,
  splitting: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  tsconfig: `${root}tsconfig.json`,
  plugins: [minifyTemplates()],
} satisfies BuildOptions;

/** terser's pass over each shipped module (ES modules: top-level names may be mangled, exports are kept). */
export const terserOptions = { module: true, ecma: 2020, compress: { passes: 2 } } satisfies MinifyOptions;

export interface ShippedBundle {
  /** Every module, minified, by absolute path. */
  files: Map<string, Uint8Array>;
  /** esbuild's account of the build (its sizes are before terser). */
  metafile: Metafile;
}

/**
 * Bundles with {@link bundleOptions} plus `options`, then compresses each module again with terser, which does
 * better than esbuild's minifier on our code (tracker + badge + SDK + Lit: 26,135 → 25,391 B gzip). Writes nothing.
 */
export async function bundleForShipping(options: BuildOptions): Promise<ShippedBundle> {
  const result = await build({ ...bundleOptions, ...options, write: false, metafile: true });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    if (!file.path.endsWith('.js')) {
      files.set(file.path, file.contents);
      continue;
    }
    const { code } = await minify(file.text, terserOptions);
    files.set(file.path, new TextEncoder().encode(code));
  }
  return { files, metafile: result.metafile };
}
