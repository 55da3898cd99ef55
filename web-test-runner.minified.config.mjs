// The browser tests run against the elements minified as `npm run build` ships them (scripts/bundle-options.ts):
// Lit templates minified before esbuild's TypeScript transform, then terser over each module, so a template the
// minifier would break, or code terser would change the meaning of, fails a test.
// Run: `npm run test:browser:minified`.
import { minify } from 'terser';
import { minifyTemplateLiterals, terserOptions } from './scripts/bundle-options.ts';
import config from './web-test-runner.config.mjs';

const isKitSource = (path) => /^\/(components|sdk)\/.*\.ts$/.test(path);

function minifiedTemplates() {
  return {
    name: 'minified-templates',
    async transform(context) {
      if (!/^\/components\/.*\.ts$/.test(context.path)) return undefined;
      return { body: await minifyTemplateLiterals(context.body, context.path) };
    },
  };
}

function terser() {
  return {
    name: 'terser',
    async transform(context) {
      if (!isKitSource(context.path)) return undefined;
      return { body: (await minify(context.body, terserOptions)).code };
    },
  };
}

export default { ...config, plugins: [minifiedTemplates(), ...config.plugins, terser()] };
