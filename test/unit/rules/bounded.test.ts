/**
 * Hostile input never stalls the offline rules: inlined assets and long runs of the characters the
 * patterns look for (a 300 KB line of "a-", a 200 KB base64url blob, blanks left by masked SQL
 * literals) in every language. Before the patterns were bounded, "a-" took 27 s in TypeScript and a
 * masked SQL literal 14 s; the mocha timeout below is the bound, with room for a slow machine.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { analyzeFile } from '../../../src/core/rules';

const UNITS: Record<string, string> = {
  'a-': 'a-', 'a:': 'a:', 'http://a:': 'http://a:', 'sk-': 'sk-', '\\"': '\\"', 'a ': 'a ', 'a=': 'a=', 'a.': 'a.', 'a/': 'a/',
};

function literal(unit: string | null, size: number): string {
  return unit === null ? randomBytes(Math.ceil(size * 0.75)).toString('base64url').slice(0, size) : unit.repeat(Math.floor(size / unit.length));
}

describe('offline rules on hostile input (bounded work)', function () {
  this.timeout(10_000);
  for (const [name, unit] of [...Object.entries(UNITS), ['base64url', null] as const]) {
    it(`a 300 KB literal of ${name} in TypeScript, Python, Go and SQL`, async () => {
      const v = literal(unit, 300_000);
      for (const [path, text] of [
        ['src/asset.ts', `export const logo = "${v}";\n`],
        ['app/asset.py', `LOGO = "${v}"\n`],
        ['cmd/asset.go', `package main\n\nvar logo = "${v}"\n`],
        ['db/migrations/001_seed.sql', `INSERT INTO assets (data) VALUES ('${v.replace(/'/g, "''")}');\n`],
      ] as const) {
        const r = await analyzeFile(path, text);
        assert.ok(Array.isArray(r.findings), path);
      }
    });
  }
});
