// Browser tests of the elements (test/components) in Debian's Chromium. See STACK.md gotchas 1–3.
// Run through tsx (`npm run test:browser`) so the contract plugin can import test/support/contract.ts.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromiumArgs, chromiumPath } from './test/support/chromium.ts';

/** Lets browser tests check each mocked response against openapi.yaml, with the same checker as node tests. */
function contractPlugin() {
  return {
    name: 'contract',
    async executeCommand({ command, payload }) {
      if (command !== 'check-response' && command !== 'check-schema') return undefined;
      const { checkResponse, validateSchema } = await import('./test/support/contract.ts');
      try {
        if (command === 'check-schema') validateSchema(payload.name, payload.value);
        else {
          const empty = payload.status === 204 || payload.status === 304;
          const response = new Response(empty ? null : payload.body, {
            status: payload.status,
            headers: payload.headers,
          });
          await checkResponse(payload.method, payload.url, response);
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, message: String(error?.message ?? error) };
      }
    },
  };
}

export default {
  files: ['test/components/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  // The 100,000-job scroll takes about 40 s on its own.
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20000 } },
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs } })],
  middleware: [
    (ctx, next) => {
      // The worker must be served from the root so that its scope covers every request of the page.
      if (ctx.path === '/mockServiceWorker.js') ctx.url = '/public/mockServiceWorker.js';
      return next();
    },
  ],
  plugins: [
    esbuildPlugin({ ts: true, target: 'auto', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    contractPlugin(),
  ],
};
