import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvField, csvLine } from '../../../server/http/csv.js';

describe('CSV fields', () => {
  test('are quoted only where RFC 4180 needs it', () => {
    assert.equal(
      csvLine(['plain', 'a,b', 'say "hi"', 'two\r\nlines', null, 42]),
      'plain,"a,b","say ""hi""","two\r\nlines",,42\r\n',
    );
  });

  test('text a spreadsheet would run as a formula is written as text', () => {
    assert.equal(
      csvField('=HYPERLINK("http://evil.example","Click")'),
      '"\'=HYPERLINK(""http://evil.example"",""Click"")"',
    );
    assert.equal(csvField('@SUM(A1:A9)'), "'@SUM(A1:A9)");
    assert.equal(csvField('+1+2'), "'+1+2");
    assert.equal(csvField('-2+3'), "'-2+3");
    assert.equal(csvField("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert.equal(csvField('\tTabbed'), "'\tTabbed");
  });

  test('numbers, negative ones included, and ordinary text stay as they are', () => {
    assert.equal(csvField(-5), '-5');
    assert.equal(csvField('-12.50'), '-12.50');
    assert.equal(csvField('+3'), '+3');
    assert.equal(csvField('Chair - oak'), 'Chair - oak');
    assert.equal(csvField('user@example.com'), 'user@example.com');
  });
});
