/**
 * Secrets never leave: a corpus of planted values in every file kind the audit sends, the removed
 * lines of a diff (CLI --changes and the core the editor calls), rule hints, file names, symlinks to
 * excluded files, and the non-secrets that must stay readable. What the fake provider servers
 * received, through the real SDKs, is what is asserted on.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeProviders, reviewText } from '../../support/fake-providers';
import { runCli } from '../../support/cli';
import { secretCorpus, plantedSecrets } from '../../support/secret-corpus';
import { payloadText, prepareAudit, runAudit } from '../../../src/core/audit/pipeline';
import { parseUnifiedDiff } from '../../../src/core/audit/diff';
import { MAX_SENT_LINE_CHARS, Redactor } from '../../../src/core/audit/redaction';
import type { AuditRequest, AuditTarget } from '../../../src/core/audit/types';
import type { Finding } from '../../../src/core/audit/findings';

const PROVIDERS = [['openai', '/v1'], ['anthropic', ''], ['google', ''], ['openai-compatible', '/v1']] as const;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-redact-'));
}

function leaked(sent: string, values: string[]): string[] {
  // JSON bodies escape quotes, slashes and newlines: look for both forms.
  return values.filter((v) => sent.includes(v) || sent.includes(JSON.stringify(v).slice(1, -1)));
}

describe('redaction: nothing secret leaves, non-secrets stay readable', function () {
  this.timeout(60_000);
  const fake = new FakeProviders();
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  const request = (targets: AuditTarget[], provider = 'openai', suffix = '/v1', extra: Partial<AuditRequest> = {}): AuditRequest => ({
    targets, provider, model: 'm', settings: { apiKey: 'k', baseUrl: `${fake.url}${suffix}`, maxRetries: 0 }, ...extra,
  });

  it(`masks every one of ${plantedSecrets().length} planted secrets across ${secretCorpus().length} file kinds and keeps every planted non-secret`, async () => {
    const misses: string[] = [];
    for (const f of secretCorpus()) {
      const prepared = await prepareAudit(request([{ path: f.path, content: f.content, scope: { kind: 'file' } }]));
      const text = payloadText(prepared);
      for (const s of f.secrets) if (text.includes(s.value)) misses.push(`${f.path}: ${s.kind} reached the payload (${s.value.slice(0, 40)})`);
      for (const k of f.keep) if (!text.includes(k)) misses.push(`${f.path}: non-secret masked (${k.slice(0, 60)})`);
    }
    assert.deepEqual(misses, []);
  });

  it('restores every placeholder to the exact original text, line numbers unchanged', async () => {
    for (const f of secretCorpus()) {
      const r = new Redactor();
      const out = await r.redact(f.path, f.content);
      assert.equal(out.split('\n').length, f.content.split('\n').length, f.path);
      assert.equal(r.restore(out), f.content, f.path);
    }
  });

  it('sends none of them through any provider SDK (bodies as the fake servers received them)', async () => {
    const targets = secretCorpus().map((f) => ({ path: f.path, content: f.content, scope: { kind: 'file' as const } }));
    // Short values ("example", "hunter2") also occur as plain words in other files: the per-file test covers them.
    const secrets = plantedSecrets().map((s) => s.value).filter((v) => v.length >= 10);
    const keep = secretCorpus().flatMap((f) => f.keep);
    for (const [provider, suffix] of PROVIDERS) {
      fake.reset();
      await runAudit(request(targets, provider, suffix), { rawResponseDir: tmp() });
      const sent = fake.modelRequests().map((r) => r.body).join('\n');
      assert.ok(sent.length > 10_000, `${provider}: the code was sent`);
      assert.deepEqual(leaked(sent, secrets), [], `${provider} received secrets`);
      assert.deepEqual(keep.filter((k) => leaked(sent, [k]).length === 0), [], `${provider}: non-secrets were masked`);
    }
  });

  it('redacts removed and context lines of a diff: the editor\'s changes audit goes through the same core', async () => {
    const stripe = 'sk_live_51PqRsTuVwXyZaBcDeFgHiJkLmNoPq';
    const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
    const diff = [
      'diff --git a/src/pay.ts b/src/pay.ts', '--- a/src/pay.ts', '+++ b/src/pay.ts', '@@ -1,4 +1,4 @@',
      ' import Stripe from "stripe";',
      `-const stripe = new Stripe("${stripe}");`,
      `-const aws = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "${awsSecret}" };`,
      '+const stripe = new Stripe(process.env.STRIPE_KEY);',
      '+const aws = { accessKeyId: process.env.AWS_KEY_ID, secretAccessKey: process.env.AWS_SECRET };',
      ' export default stripe;',
    ].join('\n') + '\n';
    const content = 'import Stripe from "stripe";\nconst stripe = new Stripe(process.env.STRIPE_KEY);\nconst aws = { accessKeyId: process.env.AWS_KEY_ID, secretAccessKey: process.env.AWS_SECRET };\nexport default stripe;\n';
    const target: AuditTarget = { path: 'src/pay.ts', content, scope: { kind: 'changes', base: 'HEAD', hunks: parseUnifiedDiff(diff)[0].hunks } };
    for (const [provider, suffix] of PROVIDERS) {
      fake.reset();
      const run = await runAudit(request([target], provider, suffix), { rawResponseDir: tmp() });
      const sent = fake.modelRequests().map((r) => r.body).join('\n');
      assert.deepEqual(leaked(sent, [stripe, awsSecret, 'AKIAIOSFODNN7EXAMPLE']), [], provider);
      assert.match(sent, /-\s+\| const stripe = new Stripe\(\\?"__STAKES_SECRET_\d+__\\?"\)/, `${provider}: the removed line is still shown, redacted`);
      assert.ok(run.prepared.redactions.some((n) => n.line === 2 && n.file === 'src/pay.ts'), 'the note points at the removed line');
    }
  });

  it('CLI --changes sends removed lines redacted, in --dry-run and to the provider', async () => {
    const dir = tmp();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
    fs.mkdirSync(path.join(dir, 'src'));
    const stripe = 'sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6dEf';
    const awsSecret = 'h7Jk2LmN9pQrS4tUvW6xYz8aBcD0eFgH1iJkLmNo';
    fs.writeFileSync(path.join(dir, 'src/pay.ts'), `export const stripeKey = '${stripe}';\nexport const awsSecretAccessKey = '${awsSecret}';\nexport const region = 'eu-west-1';\n`);
    git('init', '-q'); git('add', '.'); git('commit', '-qm', 'keys');
    fs.writeFileSync(path.join(dir, 'src/pay.ts'), `export const stripeKey = process.env.STRIPE_KEY;\nexport const awsSecretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;\nexport const region = 'eu-west-1';\n`);
    const env = { OPENAI_API_KEY: 'k', STAKES_CACHE_DIR: path.join(dir, '.cache') };
    const dry = await runCli(['audit', 'src', '--changes', '--dry-run', '--provider', 'openai', '--model', 'm'], { cwd: dir, env });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^-\s+\| export const stripeKey = '__STAKES_SECRET_\d+__';$/m, dry.stdout);
    assert.deepEqual(leaked(dry.stdout, [stripe, awsSecret]), []);
    fake.push({ kind: 'ok', text: reviewText([]) });
    const real = await runCli(['audit', 'src', '--changes', '--provider', 'openai', '--model', 'm', '--base-url', `${fake.url}/v1`, '--no-cache'], { cwd: dir, env });
    assert.equal(real.code, 0, real.stderr);
    const sent = fake.modelRequests().map((r) => r.body).join('\n');
    assert.ok(sent.includes('process.env.STRIPE_KEY'));
    assert.deepEqual(leaked(sent, [stripe, awsSecret]), []);
  });

  it('redacts rule hints and file names, and restores the file name in findings', async () => {
    const token = 'ghp_' + 'Zx9'.repeat(12);
    const hint: Finding = {
      title: `Hard-coded token ${token} in a header`, severity: 'high', category: 'secrets', cwe: null, file: `keys/${token}.ts`, startLine: 1, endLine: 1,
      evidence: 'x', explanation: 'e', fix: null, confidence: 0.9, source: 'rule', ruleId: 'hard-coded-secret',
    };
    const target: AuditTarget = { path: `keys/${token}.ts`, content: 'export const a = 1;\n', scope: { kind: 'file' } };
    fake.push({ kind: 'ok', text: reviewText([{ file: 'keys/__STAKES_SECRET_1__.ts', evidence: 'export const a = 1;', category: 'other' }]) });
    const run = await runAudit(request([target], 'openai', '/v1', { hints: [hint] }), { rawResponseDir: tmp() });
    const sent = fake.modelRequests().map((r) => r.body).join('\n');
    assert.deepEqual(leaked(sent, [token]), []);
    assert.match(sent, /FILE: keys\/__STAKES_SECRET_1__\.ts/);
    assert.ok(run.report.findings.some((f) => f.file === `keys/${token}.ts`), 'the file name is restored, so the finding is grounded');
  });

  it('follows symlinks to excluded files: settings.txt -> .env is never sent', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.env'), 'DB_PASSWORD=hunter2\n');
    fs.symlinkSync('.env', path.join(dir, 'settings.txt'));
    fs.writeFileSync(path.join(dir, 'app.ts'), 'export const a = 1;\n');
    const prepared = await prepareAudit(request([
      { path: 'settings.txt', file: path.join(dir, 'settings.txt'), content: fs.readFileSync(path.join(dir, 'settings.txt'), 'utf8'), scope: { kind: 'file' } },
      { path: 'app.ts', file: path.join(dir, 'app.ts'), content: 'export const a = 1;\n', scope: { kind: 'file' } },
    ]));
    assert.match(prepared.excluded[0].reason, /symlink to \.env, which matches the exclusion glob "\.env"/);
    assert.ok(!payloadText(prepared).includes('hunter2'));
    const env = { OPENAI_API_KEY: 'k', STAKES_CACHE_DIR: path.join(dir, '.cache') };
    const cli = await runCli(['audit', 'settings.txt', 'app.ts', '--dry-run', '--provider', 'openai', '--model', 'm'], { cwd: dir, env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.ok(!cli.stdout.includes('hunter2') && !cli.stdout.includes('DB_PASSWORD'));
    assert.match(cli.stderr, /not sent: settings\.txt: is a symlink to \.env/);
  });

  it('keeps the non-secrets the old redactor masked: token URL, reset path, ARN, header name, publishable key, UUID key id', async () => {
    const code = [
      "const tokenUrl = 'https://auth.example.com/oauth/token';",
      "const passwordResetPath = '/users/password/reset';",
      "const dbSecretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Xy12Ab';",
      "const csrfTokenHeader = 'X-CSRF-Token';",
      "const stripePublishableKey = 'pk_live_51HxQ2mK8vT3nR7pW9yZ4bC6dEfGh';",
      "const signingKeyId = 'c0a8012e-7f3b-4d2a-9c1e-5b6d7e8f9a0b';",
    ].join('\n');
    const out = await new Redactor().redact('src/auth.ts', code);
    assert.equal(out, code);
  });

  it('withholds an overlong line quickly and says so; a 300 KB line of "a-" does not stall redaction', async () => {
    const long = 'a-'.repeat(150_000);
    const code = `const x = 1;\nconst blob = "${long}";\nconst apiKey = "sk-proj-${'Ab3'.repeat(20)}";\n`;
    const r = new Redactor();
    const out = await r.redact('src/asset.ts', code);
    assert.ok(!out.includes(long));
    const chars = code.split('\n')[1].length;
    assert.equal(out.split('\n')[1], `[line of ${chars.toLocaleString('en-US')} characters withheld by Stakes: too long to check for secrets]`);
    assert.ok(!out.includes('Ab3Ab3'), 'the other lines are still redacted');
    assert.deepEqual(r.withheld, [{ file: 'src/asset.ts', line: 2, chars }]);
    // Below the cut-off, adversarial lines are scanned in linear time (the mocha timeout is the bound).
    for (const unit of ['a-', 'a:', '://a:', 'A', 'a=', '"a', 'xoxb-', 'Bearer ', 'sk-', '-----BEGIN PRIVATE KEY-----', 'password=', '${a:-', 'eyJ']) {
      const line = unit.repeat(Math.floor((MAX_SENT_LINE_CHARS - 10) / unit.length));
      await new Redactor().redact('x.ts', `${line}\n${line}\n`);
    }
  });
});
