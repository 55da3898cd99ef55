import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ProblemError } from '../../../server/http/problem.js';

test('every problem code the contract lists has a title a person can read', () => {
  const contract = parse(readFileSync(new URL('../../../openapi.yaml', import.meta.url), 'utf8'));
  const description: string = contract.components.schemas.ProblemCode.description;
  const codes = [...description.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!);
  assert.ok(codes.length >= 17, `codes read from the contract: ${codes.join(', ')}`);
  for (const code of codes) {
    const { title } = new ProblemError(400, code, 'detail').toProblem();
    assert.notEqual(title, code, `${code} has no title`);
    assert.match(title, /^[A-Z][a-z]/, code);
  }
});
