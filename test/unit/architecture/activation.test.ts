import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTIVATION_BUDGET_BYTES, buildActivationBundle, heavyInputs, HEAVY_INPUTS, ROOT, type ActivationBundle } from '../../support/activation';

describe('architecture: activation is light', function () {
  this.timeout(60_000);
  let bundle: ActivationBundle;
  before(async () => { bundle = await buildActivationBundle(); });

  it('the check sees what the bundle holds (bounded text scan, routing table, zod/mini)', () => {
    const inputs = Object.keys(bundle.inputs);
    assert.ok(inputs.includes('src/extension/extension.ts'), inputs.slice(0, 5).join(', '));
    assert.ok(inputs.some((f) => f.startsWith('src/core/routing/')));
    assert.ok(inputs.some((f) => f.startsWith('node_modules/zod/')));
    assert.deepEqual(heavyInputs({ bytes: 0, inputs: { 'node_modules/openai/index.js': 1, 'src/core/sql/engines/postgres.ts': 1 } }),
      ['OpenAI SDK (node_modules/openai/index.js)', 'SQL engines (core/sql/engines) (src/core/sql/engines/postgres.ts)']);
  });

  it(`holds no SDK, driver, PGlite, parser or model data (${HEAVY_INPUTS.length} kinds checked)`, () => {
    assert.deepEqual(heavyInputs(bundle), [], 'these load on first use in a feature bundle (src/extension/lazy.ts), never at activation');
  });

  it(`is at most ${ACTIVATION_BUDGET_BYTES / 1024} KB minified`, () => {
    const top = Object.entries(bundle.inputs).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KB`);
    assert.ok(bundle.bytes <= ACTIVATION_BUDGET_BYTES, `dist/extension.js would be ${(bundle.bytes / 1024).toFixed(1)} KB minified; largest inputs: ${top.join(', ')}`);
  });

  it('dist/extension.js as npm test built it holds none of them either', function () {
    const built = path.join(ROOT, 'dist/extension.js');
    if (!fs.existsSync(built)) this.skip();
    const text = fs.readFileSync(built, 'utf8');
    // The unminified build names each bundled module in a "// node_modules/…" or "// src/…" comment.
    const modules = [...text.matchAll(/^\/\/ ((?:node_modules|src)\/\S+)$/gm)].map((m) => m[1]);
    if (modules.length === 0) this.skip(); // a minified build: the in-memory build above covers it
    assert.deepEqual(heavyInputs({ bytes: text.length, inputs: Object.fromEntries(modules.map((m) => [m, 1])) }), []);
  });
});
