/** `stakes audit`: exit codes, messages, dry run, formats and --changes, against the fake server. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { FakeProviders, reviewText } from '../../support/fake-providers';

const APP = [
  "import { db } from './db';",
  "const API_TOKEN = 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';",
  'export async function getUser(req) {',
  '  return db.query("SELECT * FROM users WHERE id = " + req.params.id);',
  '}',
  '',
].join('\n');

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['audit', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd, env });
  return { code, stdout, stderr };
}

describe('stakes audit (CLI)', function () {
  this.timeout(20_000);
  const fake = new FakeProviders();
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cli-audit-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src/users.ts'), APP);
    env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', GEMINI_API_KEY: 'k', STAKES_CACHE_DIR: path.join(dir, '.cache') };
  });
  const openai = (): string[] => ['--provider', 'openai', '--model', 'gpt-5.4', '--base-url', `${fake.url}/v1`];
  const injection = (): string => reviewText([{ title: 'SQL injection', severity: 'critical', file: 'src/users.ts', startLine: 9, endLine: 9, evidence: '"SELECT * FROM users WHERE id = " + req.params.id' }]);

  it('exits 2 with a reason on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no PATH given/],
      [['src/nope.ts', ...openai()], /no such file|does not exist|not found/i],
      [['src/users.ts', '--selection', '9-3', ...openai()], /--selection 9-3: expected START:END/],
      [['src/users.ts', '--selection', '5:2', ...openai()], /END at least START/],
      [['src/users.ts', '--selection', '40:50', ...openai()], /has only 5 lines/],
      [['src/users.ts', '--format', 'xml', ...openai()], /--format xml: use one of text, json, sarif, markdown/],
      [['src/users.ts', '--fail-on', 'severe', ...openai()], /--fail-on severe: use one of critical, high, medium, low, info/],
      [['src/users.ts', '--provider', 'mistral'], /--provider mistral: use one of/],
      [['src/users.ts', '--selection', '1:2', '--changes'], /cannot be combined/],
      [['src/users.ts', '--timeout', 'soon', ...openai()], /--timeout soon/],
      [['src/users.ts', '--max-output-tokens', '10', ...openai()], /--max-output-tokens 10: expected a whole number of at least 256/],
      [['src/users.ts', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, dir, env);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
    }
    assert.equal(fake.requests.length, 0);
  });

  it('--dry-run prints the redacted payload and the estimate, and sends nothing', async () => {
    const r = await cli(['src/users.ts', '--dry-run', ...openai()], dir, env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /----- USER -----/);
    assert.match(r.stdout, /__STAKES_SECRET_1__/);
    assert.ok(!r.stdout.includes('ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'));
    assert.match(r.stderr, /about [\d,]+ input tokens, estimated \$/);
    assert.match(r.stderr, /nothing sent/);
    assert.equal(fake.requests.length, 0);
  });

  it('picks the model from the code\'s label, and a provider that has a key', async () => {
    const routed = await cli(['src/users.ts', '--dry-run'], dir, env);
    assert.equal(routed.code, 0, routed.stderr);
    assert.match(routed.stderr, /model gpt-5\.4 because the code is labelled sensitive/);
    const anthropicOnly = await cli(['src/users.ts', '--dry-run'], dir, { ANTHROPIC_API_KEY: 'k', STAKES_CACHE_DIR: env.STAKES_CACHE_DIR });
    assert.match(anthropicOnly.stderr, /model claude-opus-4-6 because the code is labelled sensitive \(the routing table recommends openai, which has no key set; using anthropic\)/);
  });

  it('exits 1 when a finding reaches --fail-on, 0 without it; json output is the report contract', async () => {
    fake.push({ kind: 'ok', text: injection() });
    const hit = await cli(['src/users.ts', '--format', 'json', '--fail-on', 'high', '--no-cache', ...openai()], dir, env);
    assert.equal(hit.code, 1, hit.stderr);
    const report = JSON.parse(hit.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['findings', 'model', 'summary', 'unverified', 'usage']);
    const sql = report.findings.find((f: { title: string }) => f.title === 'SQL injection');
    assert.equal(sql.startLine, 4, 're-anchored from the claimed line 9');
    // Rule findings (when the rules engine is built in) may add to the count.
    assert.match(hit.stderr, /\d+ finding\(s\) at or above high/);
    fake.push({ kind: 'ok', text: injection() });
    const below = await cli(['src/users.ts', '--format', 'sarif', '--no-cache', ...openai()], dir, env);
    assert.equal(below.code, 0, below.stderr);
    assert.equal(JSON.parse(below.stdout).version, '2.1.0');
    const sent = fake.modelRequests().map((q) => q.body).join('');
    assert.ok(!sent.includes('ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'), 'the planted token never reaches the server');
  });

  it('--offline runs the deterministic rules only: no key, no request', async () => {
    const r = await cli(['src/users.ts', '--offline', '--format', 'json', '--fail-on', 'low'], dir, { STAKES_CACHE_DIR: env.STAKES_CACHE_DIR });
    const report = JSON.parse(r.stdout);
    assert.equal(report.model.provider, 'stakes');
    assert.ok(report.findings.length > 0 && report.findings.every((f: { source: string }) => f.source === 'rule'));
    assert.equal(r.code, 1, 'rule findings count for --fail-on too');
    assert.equal(fake.requests.length, 0);
  });

  it('exits 2 with the provider reason on failure, and without a key', async () => {
    fake.push({ kind: 'error', status: 401, message: 'Incorrect API key provided' });
    const r = await cli(['src/users.ts', '--no-cache', ...openai()], dir, env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /OpenAI rejected the API key \(HTTP 401: Incorrect API key provided\)/);
    assert.match(r.stderr, /OPENAI_API_KEY/);
    const noKey = await cli(['src/users.ts', ...openai()], dir, { STAKES_CACHE_DIR: env.STAKES_CACHE_DIR });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no API key for openai: set OPENAI_API_KEY/);
  });

  it('serves a second identical audit from the cache', async () => {
    fake.push({ kind: 'ok', text: injection() });
    assert.equal((await cli(['src/users.ts', ...openai()], dir, env)).code, 0);
    const again = await cli(['src/users.ts', ...openai()], dir, env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Served from the cache/);
    assert.equal(fake.modelRequests().length, 1);
    // The cache and the spend ledger live under STAKES_CACHE_DIR (core/cacheDir.ts), nowhere else.
    assert.ok(fs.readdirSync(path.join(env.STAKES_CACHE_DIR!, 'audit-cache')).length > 0, 'audit results cached under STAKES_CACHE_DIR');
    assert.ok(fs.existsSync(path.join(env.STAKES_CACHE_DIR!, 'audit-spend.json')), 'spend ledger under STAKES_CACHE_DIR');
  });

  it('--changes audits only changed lines of a git working tree', async function () {
    try { execFileSync('git', ['--version'], { stdio: 'ignore' }); } catch { this.skip(); }
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', 'src/users.ts');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
    fs.writeFileSync(path.join(dir, 'src/users.ts'), APP.replace('export async function getUser(req) {', 'export async function getUser(req) {\n  console.log(req.headers.authorization);'));
    fake.push({ kind: 'ok', text: reviewText([
      { title: 'Logs the bearer token', category: 'secrets', evidence: 'console.log(req.headers.authorization);', startLine: 4, endLine: 4 },
      { title: 'SQL injection', evidence: '"SELECT * FROM users WHERE id = " + req.params.id', startLine: 5, endLine: 5 },
    ]) });
    const r = await cli(['src', '--changes', '--format', 'json', ...openai()], dir, env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.findings.map((f: { title: string }) => f.title), ['Logs the bearer token']);
    assert.match(r.stderr, /1 finding\(s\) on lines outside the audited scope were dropped/);
    fake.push({ kind: 'ok', text: reviewText([]) });
    const oneFile = await cli(['src/users.ts', '--changes', 'HEAD', '--format', 'json', ...openai()], dir, env);
    assert.equal(oneFile.code, 0, oneFile.stderr);
    assert.match(JSON.parse(oneFile.stdout).summary, /changed line 4 against HEAD/);
    const notRepo = await cli([os.tmpdir(), '--changes', ...openai()], os.tmpdir(), env);
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /not inside a git repository/);
    git('stash', '-q');
    const none = await cli(['src', '--changes', ...openai()], dir, env);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /no changes against HEAD/);
    fs.writeFileSync(path.join(dir, 'src/.env'), 'DB_PASSWORD=hunter2\n');
    const envOnly = await cli(['src', '--changes', ...openai()], dir, env);
    assert.equal(envOnly.code, 0, envOnly.stderr);
    assert.match(envOnly.stderr, /only changes are in files that are never sent \(src\/\.env\)/);
    assert.ok(!fake.requests.some((q) => q.body.includes('hunter2')));
  });
});
