import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMAND_NAMES } from '../../../src/cli/main';
import { heavyInputs, ROOT } from '../../support/activation';
import { buildCliBundles, type CliBundle } from '../../support/cli-bundles';

/** What a bundle holds, by kind: the HEAVY_INPUTS names it contains. */
const kinds = (b: CliBundle): string[] => heavyInputs(b).map((h) => h.replace(/ \([^()]*\)$/, ''));

describe('architecture: the CLI loads only what a command uses', function () {
  this.timeout(120_000);
  let bundles: Map<string, CliBundle>;
  before(async () => {
    bundles = new Map((await buildCliBundles()).map((b) => [b.outfile, b]));
  });
  const bundle = (name: string): CliBundle => {
    const b = bundles.get(name);
    assert.ok(b, `no ${name} among ${[...bundles.keys()].join(', ')}`);
    return b;
  };

  it('dist/cli.js is only the command table: every command in it is a bundle of its own', () => {
    const main = bundle('dist/cli.js');
    assert.deepEqual(Object.keys(main.inputs).filter((f) => f.startsWith('src/')).sort(), ['src/cli/io.ts', 'src/cli/main.ts', 'src/core/cacheDir.ts']);
    assert.ok(main.bytes < 16 * 1024, `dist/cli.js is ${main.bytes} bytes`);
    assert.deepEqual(main.requires.sort(), COMMAND_NAMES.map((c) => `cli-${c}`).sort());
    for (const c of COMMAND_NAMES) assert.ok(bundles.has(`dist/cli-${c}.js`), `stakes ${c} has no bundle`);
  });

  it('stakes classify holds the classifier and the routing table, nothing heavy else', () => {
    const b = bundle('dist/cli-classify.js');
    assert.ok(Object.keys(b.inputs).includes('src/core/classify/classifier.ts'));
    assert.deepEqual(kinds(b).filter((k) => !k.startsWith('the classifier')), []);
    assert.deepEqual(b.requires, []);
  });

  it('stakes audit --offline never parses the audit pipeline, the providers or their SDKs: they are the model half\'s bundle', () => {
    const audit = bundle('dist/cli-audit.js');
    const found = kinds(audit);
    for (const k of ['OpenAI SDK', 'Anthropic SDK', 'Google Gen AI SDK', 'provider adapters (core/providers)', 'the audit pipeline (core/audit)', 'SQL engines (core/sql/engines)', 'PGlite']) {
      assert.ok(!found.includes(k), `${k} is in dist/cli-audit.js`);
    }
    assert.ok(found.includes('offline rule analyzers (core/rules)'));
    assert.deepEqual(audit.requires, ['cli-audit-model']);
    const model = kinds(bundle('dist/cli-audit-model.js'));
    for (const k of ['OpenAI SDK', 'Anthropic SDK', 'Google Gen AI SDK', 'the audit pipeline (core/audit)']) assert.ok(model.includes(k), `${k} is missing from dist/cli-audit-model.js`);
  });

  it('stakes explain holds the SQL engines but not the rules, the SDKs or the TypeScript compiler', () => {
    const found = kinds(bundle('dist/cli-explain.js'));
    assert.ok(found.includes('SQL engines (core/sql/engines)'));
    for (const k of ['OpenAI SDK', 'TypeScript compiler', 'offline rule analyzers (core/rules)', 'PGlite']) assert.ok(!found.includes(k), `${k} is in dist/cli-explain.js`);
  });

  it('the built dist/cli.js requires exactly the chunk of the command that runs', function () {
    const cli = path.join(ROOT, 'dist/cli.js');
    if (!fs.existsSync(path.join(ROOT, 'dist/cli-classify.js'))) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cli-chunks-'));
    try {
      const file = path.join(dir, 'a.ts');
      fs.writeFileSync(file, 'export const x = 1;\n');
      // Report every module of dist/ that was loaded, at exit.
      const hook = path.join(dir, 'hook.js');
      fs.writeFileSync(hook, `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(path.join(ROOT, 'dist') + path.sep)})).map((f) => require('path').basename(f)).sort()) + '\\n'));`);
      const loaded = (args: string[]): string[] => {
        const r = spawnSync(process.execPath, ['-r', hook, cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, STAKES_CACHE_DIR: path.join(dir, 'cache') } });
        const line = /LOADED (.*)/.exec(r.stderr)?.[1];
        assert.ok(line, r.stderr);
        return JSON.parse(line) as string[];
      };
      assert.deepEqual(loaded(['classify', file]), ['cli-classify.js', 'cli.js']);
      assert.deepEqual(loaded(['audit', '--offline', file]), ['cli-audit.js', 'cli.js']);
      assert.deepEqual(loaded(['audit', '--dry-run', file]), ['cli-audit-model.js', 'cli-audit.js', 'cli.js']);
      assert.deepEqual(loaded(['--help']), ['cli.js']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
