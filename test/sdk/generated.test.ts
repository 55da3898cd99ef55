import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('sdk/generated/openapi.d.ts is what `npm run generate` makes from openapi.yaml', () => {
  const root = new URL('../../', import.meta.url);
  const scratch = mkdtempSync(join(tmpdir(), 'jtk-generate-'));
  try {
    const fresh = join(scratch, 'openapi.d.ts');
    const cli = new URL('node_modules/openapi-typescript/bin/cli.js', root).pathname;
    execFileSync(process.execPath, [cli, 'openapi.yaml', '-o', fresh], { cwd: root, stdio: 'pipe' });
    const committed = readFileSync(new URL('sdk/generated/openapi.d.ts', root), 'utf8');
    assert.ok(
      readFileSync(fresh, 'utf8') === committed,
      'sdk/generated/openapi.d.ts is stale: run `npm run generate` and commit the result',
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
