import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../support/cli';

const repo = path.resolve(__dirname, '../../../..');
const shop = path.join(repo, 'examples/shop-api');

describe('stakes classify', () => {
  it('prints one JSON object per file with label, scores, recommendation and reasons', async () => {
    const r = await runCli(['classify', 'src/auth/jwt.ts', 'src/products/dto.ts', 'openapi.yaml', '--json'], { cwd: shop });
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.file, x.label]), [
      ['openapi.yaml', 'context-heavy'],
      ['src/auth/jwt.ts', 'sensitive'],
      ['src/products/dto.ts', 'boilerplate'],
    ]);
    const jwt = rows[1];
    assert.deepEqual(Object.keys(jwt.scores).sort(), ['boilerplate', 'complex', 'context-heavy', 'sensitive']);
    assert.deepEqual(jwt.recommendation, { name: 'GPT-5.4', provider: 'openai', model: 'gpt-5.4' });
    // Evidence carries its file and line: the token signing the guide treats as decisive.
    const sign = jwt.reasons.find((x: { signal: string }) => x.signal === 'content.jwt');
    assert.equal(sign.file, 'src/auth/jwt.ts');
    assert.equal(typeof sign.line, 'number');
    assert.match(sign.detail, /^calls jwt\.sign \(line \d+\)$/);
    assert.ok(jwt.confidence > 0 && jwt.confidence <= 1);
  });

  it('walks a directory respecting .gitignore', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cli-'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'build'));
    fs.writeFileSync(path.join(dir, '.gitignore'), 'build/\n*.log\n');
    fs.writeFileSync(path.join(dir, 'src/a.ts'), "import bcrypt from 'bcrypt';\n");
    fs.writeFileSync(path.join(dir, 'build/out.js'), 'x');
    fs.writeFileSync(path.join(dir, 'debug.log'), 'x');
    const r = await runCli(['classify', '.', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const files = r.stdout.trim().split('\n').map((l) => JSON.parse(l).file);
    assert.deepEqual(files, ['.gitignore', 'src/a.ts']);
    fs.rmSync(dir, { recursive: true });
  });

  it('uses --open and --edited as context and activity', async () => {
    const edited = ['src/auth/jwt.ts', 'src/orders/routes.ts', 'src/products/dto.ts', 'src/payments/money.ts', 'src/db/pool.ts', 'src/admin/routes.ts']
      .flatMap((f) => ['--edited', f]);
    // The entry point reads as routine on its own: the edits across six modules make the work complex.
    const r = await runCli(['classify', 'src/server.ts', '--json', ...edited], { cwd: shop });
    assert.equal(r.code, 0, r.stderr);
    const row = JSON.parse(r.stdout);
    assert.equal(row.label, 'complex');
    assert.ok(row.reasons.some((x: { detail: string }) => /6 files edited across 6 modules/.test(x.detail)), r.stdout);
    const withSpec = JSON.parse((await runCli(['classify', 'src/server.ts', '--json', '--open', 'openapi.yaml'], { cwd: shop })).stdout);
    assert.ok(withSpec.reasons.some((x: { detail: string }) => /OpenAPI 3\.1\.\d spec open beside the code/.test(x.detail)), JSON.stringify(withSpec.reasons));
  });

  it('exits 2 with a clear message on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['classify'], /no PATH given/],
      [['classify', 'does/not/exist.ts'], /no such file or directory: does\/not\/exist\.ts/],
      [['classify', 'src/app.ts', '--bogus'], /Unknown option '--bogus'/],
      [['classify', 'src/app.ts', '--open', 'nope.yaml'], /--open .*nope\.yaml: no such file/],
      [['nosuchcommand'], /unknown command "nosuchcommand"/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, { cwd: shop });
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('reports an invalid .stakes.json by file and key', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cli-'));
    fs.writeFileSync(path.join(dir, '.stakes.json'), JSON.stringify({ paths: { 'src/**': 'urgent' } }));
    fs.writeFileSync(path.join(dir, 'a.ts'), 'export {};\n');
    const r = await runCli(['classify', 'a.ts'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.stakes\.json is not valid/);
    assert.match(r.stderr, /paths\["src\/\*\*"\]: expected one of "sensitive"/);
    fs.rmSync(dir, { recursive: true });
  });

  it('runs as the bundled dist/cli.js with a shebang and exit codes', function () {
    const cli = path.join(repo, 'dist/cli.js');
    if (!fs.existsSync(cli)) this.skip();
    assert.match(fs.readFileSync(cli, 'utf8').slice(0, 30), /^#!\/usr\/bin\/env node/);
    const ok = spawnSync(process.execPath, [cli, 'classify', 'src/auth/password.ts'], { cwd: shop, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /src\/auth\/password\.ts: sensitive .* → GPT-5\.4 \(openai\)/);
    const bad = spawnSync(process.execPath, [cli, 'classify'], { cwd: shop, encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
