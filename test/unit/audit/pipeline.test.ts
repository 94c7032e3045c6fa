/** runAudit end to end against the fake server: repair, grounding, redaction, cache, budgets, local-only, scopes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectProviderError, FakeProviders, reviewText } from '../../support/fake-providers';
import { countAuditTokens, prepareAudit, runAudit } from '../../../src/core/audit/pipeline';
import { parseUnifiedDiff } from '../../../src/core/audit/diff';
import type { AuditRequest } from '../../../src/core/audit/types';
import type { Finding } from '../../../src/core/audit/findings';

const CODE = [
  "import { db } from './db';",                                  // 1
  "const STRIPE_KEY = 'sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6d';",     // 2
  'const DATABASE_URL = "postgres://shop:Pa55w0rd-Prod@db.internal:5432/shop";', // 3
  '',                                                              // 4
  'export async function getOrder(req, res) {',                    // 5
  '  const id = req.params.id;',                                   // 6
  '  const rows = await db.query(`SELECT * FROM orders WHERE id = ${id}`);', // 7
  '  res.json(rows[0]);',                                          // 8
  '}',                                                             // 9
  '',                                                              // 10
  'export async function listOrders(req, res) {',                  // 11
  '  res.json(await db.query("SELECT * FROM orders"));',           // 12
  '}',                                                             // 13
].join('\n') + '\n';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-audit-test-'));
}


describe('audit pipeline (runAudit against the fake server)', function () {
  this.timeout(20_000);
  const fake = new FakeProviders();
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  const request = (extra: Partial<AuditRequest> = {}): AuditRequest => ({
    targets: [{ path: 'src/orders.ts', content: CODE, scope: { kind: 'file' } }],
    provider: 'openai', model: 'gpt-5.4', settings: { apiKey: 'k', baseUrl: `${fake.url}/v1`, maxRetries: 0 }, ...extra,
  });

  it('never sends planted secrets, tells the model about placeholders, and restores them in results', async () => {
    fake.push({ kind: 'ok', text: reviewText([{
      title: 'Hard-coded Stripe key', category: 'secrets', severity: 'critical', file: 'src/orders.ts', startLine: 2, endLine: 2,
      evidence: "const STRIPE_KEY = '__STAKES_SECRET_1__';", fix: 'const STRIPE_KEY = process.env.STRIPE_KEY;',
    }]) });
    const run = await runAudit(request());
    const sent = fake.modelRequests().map((r) => r.body).join('\n');
    for (const secret of ['sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6d', 'Pa55w0rd-Prod']) assert.ok(!sent.includes(secret), `${secret} was sent`);
    assert.match(sent, /__STAKES_SECRET_1__/);
    assert.match(sent, /deliberately removed/);
    assert.equal(run.prepared.redactions.length, 2);
    const f = run.report.findings[0];
    assert.equal(f.evidence, "const STRIPE_KEY = 'sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6d';");
    assert.equal(f.startLine, 2);
    assert.equal(f.startColumn, 0);
  });

  it('re-anchors wrong line numbers and lists quotes that are not in the code as unverified', async () => {
    fake.push({ kind: 'ok', text: reviewText([
      { title: 'SQL injection', file: 'src/orders.ts', startLine: 40, endLine: 41, evidence: 'db.query(`SELECT * FROM orders   WHERE id = ${id}`)' },
      { title: 'Invented', file: 'src/orders.ts', startLine: 6, endLine: 6, evidence: 'eval(req.body.code)' },
    ]) });
    const run = await runAudit(request());
    assert.equal(run.report.findings.length, 1);
    const f = run.report.findings[0];
    assert.equal(f.startLine, 7);
    assert.equal(f.endLine, 7);
    assert.equal(f.startColumn, CODE.split('\n')[6].indexOf('db.query'));
    assert.equal(run.report.unverified.length, 1);
    assert.equal(run.report.unverified[0].title, 'Invented');
    assert.ok(f.id && f.id !== run.report.unverified[0].id);
  });

  it('repairs schema-violating output once, sending the validation errors back', async () => {
    fake.push(
      { kind: 'ok', text: JSON.stringify({ findings: [{ title: 'x', severity: 'urgent' }], summary: 's' }) },
      { kind: 'ok', text: reviewText([{ title: 'SQL injection', evidence: 'SELECT * FROM orders WHERE id = ${id}', startLine: 7, endLine: 7 }]) },
    );
    const run = await runAudit(request({ maxOutputTokens: 2000 }), { rawResponseDir: tmpDir() });
    assert.equal(run.repaired, true);
    assert.equal(run.report.findings.length, 1);
    const second = JSON.parse(fake.modelRequests()[1].body) as { input: string };
    assert.match(second.input, /did not match the required JSON schema/);
    assert.match(second.input, /findings\[0\]\.severity/);
    assert.ok(run.rawResponsePath && fs.readFileSync(run.rawResponsePath, 'utf8').includes('"urgent"'));
    assert.equal(run.report.usage.inputTokens, 2400, 'both calls are counted');
  });

  it('gives a clear error keeping both raw responses when the repair fails too', async () => {
    fake.push({ kind: 'ok', text: 'Sure! Here is my review: it looks fine.' }, { kind: 'ok', text: '{"findings": "none"}' });
    const dir = tmpDir();
    const e = await expectProviderError(runAudit(request(), { rawResponseDir: dir }), 'invalid-output');
    assert.equal(fake.modelRequests().length, 2, 'exactly one repair attempt');
    assert.ok(e.rawResponsePath?.startsWith(dir));
    const raw = fs.readFileSync(e.rawResponsePath!, 'utf8');
    assert.match(raw, /Here is my review/);
    assert.match(raw, /"findings": "none"/);
    assert.match(e.message, new RegExp(e.rawResponsePath!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  it('does not repair an answer cut off at the output cap: it says what to change', async () => {
    for (const [provider, baseUrl] of [['openai', `${fake.url}/v1`], ['anthropic', fake.url], ['google', fake.url], ['openai-compatible', `${fake.url}/v1`]] as const) {
      fake.reset();
      fake.push({ kind: 'ok', text: '{"findings": [{"title": "SQL inj', truncated: true });
      const e = await expectProviderError(runAudit(request({ provider, settings: { apiKey: 'k', baseUrl, maxRetries: 0 }, maxOutputTokens: 3000 }), { rawResponseDir: tmpDir() }), 'invalid-output');
      assert.match(e.message, /ran out of output tokens \(the cap is 3000\)/, provider);
      assert.equal(fake.modelRequests().length, 1, `${provider}: no repair call`);
      assert.match(fs.readFileSync(e.rawResponsePath!, 'utf8'), /SQL inj/);
    }
  });

  it('serves unchanged code from the cache without a call, and re-audits when the code changes', async () => {
    const cacheDir = tmpDir();
    fake.push({ kind: 'ok', text: reviewText([{ title: 'Key', category: 'secrets', evidence: "const STRIPE_KEY = '__STAKES_SECRET_1__';", startLine: 2, endLine: 2 }]) });
    const first = await runAudit(request(), { cacheDir });
    assert.equal(first.cached, false);
    const cachedText = fs.readdirSync(cacheDir).map((f) => fs.readFileSync(path.join(cacheDir, f), 'utf8')).join('');
    assert.ok(!cachedText.includes('sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6d'), 'the cache stores placeholders, not secrets');
    const second = await runAudit(request(), { cacheDir });
    assert.equal(second.cached, true);
    assert.equal(fake.modelRequests().length, 1);
    assert.equal(second.report.findings[0].evidence, first.report.findings[0].evidence);
    const changed = request();
    changed.targets[0].content = CODE.replace('listOrders', 'listAllOrders');
    await runAudit(changed, { cacheDir });
    assert.equal(fake.modelRequests().length, 2);
    await runAudit(request({ model: 'gpt-5.4-mini' }), { cacheDir });
    assert.equal(fake.modelRequests().length, 3, 'another model is another cache entry');
  });

  it('stops at the per-run budget before sending', async () => {
    const e = await expectProviderError(runAudit(request(), { budget: { perRunUsd: 0.001 } }), 'budget');
    assert.match(e.message, /per-run budget of \$0\.0010/);
    assert.equal(fake.requests.length, 0);
  });

  it('refuses to send more input than the size limit', async () => {
    const e = await expectProviderError(runAudit(request({ maxInputTokens: 1000 })), 'budget');
    assert.match(e.message, /would send about [\d,]+ input tokens \(1 file\), over the limit of 1,000/);
    assert.equal(fake.requests.length, 0);
  });

  it('stops at the per-day budget from the ledger, counting actual spend', async () => {
    const ledgerPath = path.join(tmpDir(), 'spend.json');
    const now = (): Date => new Date(2026, 10, 21, 12);
    fake.push({ kind: 'ok', text: reviewText([]), usage: { input: 100_000, output: 10_000 } });
    await runAudit(request(), { ledgerPath, budget: { perDayUsd: 1 }, now });
    const ledger = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
    assert.ok(Math.abs(ledger.days['2026-11-21'].spentUsd - (100_000 * 2.5 + 10_000 * 15) / 1e6) < 1e-9);
    const e = await expectProviderError(runAudit(request({ model: 'gpt-5.4-mini' }), { ledgerPath, budget: { perDayUsd: 0.41 }, now }), 'budget');
    assert.match(e.message, /daily budget/);
    assert.equal(fake.modelRequests().length, 1);
    await runAudit(request({ model: 'gpt-5.4-mini' }), { ledgerPath, budget: { perDayUsd: 0.41 }, now: () => new Date(2026, 10, 22, 9) });
    assert.equal(fake.modelRequests().length, 2, 'a new day has a fresh budget');
  });

  it('refuses cloud providers in local-only mode and allows a loopback server', async () => {
    for (const provider of ['openai', 'anthropic', 'google']) {
      const e = await expectProviderError(runAudit(request({ provider, localOnly: true })), 'local-only');
      assert.match(e.message, /Local-only mode is on/);
    }
    const remote = await expectProviderError(runAudit(request({ provider: 'openai-compatible', localOnly: true, settings: { baseUrl: 'https://llm.example.com/v1' } })), 'local-only');
    assert.match(remote.message, /not on this machine/);
    assert.equal(fake.requests.length, 0);
    const run = await runAudit(request({ provider: 'openai-compatible', model: 'qwen3-coder', localOnly: true, settings: { baseUrl: `${fake.url}/v1` } }));
    assert.equal(run.report.usage.costUsd, 0);
    assert.match(fake.modelRequests()[0].path, /\/v1\/chat\/completions$/);
  });

  it('judges only changed lines: findings on unchanged lines are dropped, context is sent', async () => {
    const diff = parseUnifiedDiff([
      'diff --git a/src/orders.ts b/src/orders.ts', '--- a/src/orders.ts', '+++ b/src/orders.ts',
      '@@ -7 +7 @@', '-  const rows = await db.query("SELECT * FROM orders WHERE id = $1", [id]);',
      '+  const rows = await db.query(`SELECT * FROM orders WHERE id = ${id}`);', '',
    ].join('\n'));
    fake.push({ kind: 'ok', text: reviewText([
      { title: 'SQL injection', evidence: 'db.query(`SELECT * FROM orders WHERE id = ${id}`)', startLine: 7, endLine: 7 },
      { title: 'Unpaginated list', category: 'performance', evidence: 'db.query("SELECT * FROM orders")', startLine: 12, endLine: 12 },
    ]) });
    const run = await runAudit(request({ targets: [{ path: 'src/orders.ts', content: CODE, scope: { kind: 'changes', base: 'HEAD', hunks: diff[0].hunks } }], contextLines: 2 }));
    assert.deepEqual(run.report.findings.map((f) => f.title), ['SQL injection']);
    assert.equal(run.droppedOutsideScope, 1);
    const sent = JSON.parse(fake.modelRequests()[0].body) as { input: string };
    assert.match(sent.input, /> 7 \| {3}const rows/);
    assert.match(sent.input, / {2}5 \| export/, 'context before the change');
    assert.match(sent.input, /-\s+\| .*WHERE id = \$1/, 'the removed line is shown');
    assert.ok(!sent.input.includes(' 12 |'), 'far-away lines are not sent');
  });

  it('merges rule findings on the same code and category into source "both"', async () => {
    const rule: Finding = {
      title: 'SQL built from request data', severity: 'critical', category: 'injection', cwe: 'CWE-89', file: 'src/orders.ts',
      startLine: 7, endLine: 7, evidence: 'db.query(`SELECT * FROM orders WHERE id = ${id}`)', explanation: 'rule', fix: null,
      confidence: 0.9, source: 'rule', ruleId: 'sql-injection',
    };
    fake.push({ kind: 'ok', text: reviewText([{ title: 'SQL injection in getOrder', severity: 'high', evidence: 'SELECT * FROM orders WHERE id = ${id}', startLine: 7, endLine: 7 }]) });
    const run = await runAudit(request({ hints: [rule] }));
    assert.match(JSON.parse(fake.modelRequests()[0].body).input, /\[sql-injection\] src\/orders\.ts line 7/);
    assert.equal(run.report.findings.length, 1);
    assert.equal(run.report.findings[0].source, 'both');
    assert.equal(run.report.findings[0].ruleId, 'sql-injection');
    assert.equal(run.report.findings[0].severity, 'critical');
  });

  it('says what was checked when nothing is found', async () => {
    fake.push({ kind: 'ok', text: reviewText([], 'Looks fine.') });
    const run = await runAudit(request({ targets: [{ path: 'src/orders.ts', content: CODE, scope: { kind: 'selection', startLine: 5, endLine: 9 } }] }));
    assert.equal(run.report.findings.length, 0);
    assert.match(run.report.summary, /^No findings\. Checked src\/orders\.ts \(selected lines 5–9\) for authz, authn, injection/);
    assert.match(run.report.summary, /OpenAI gpt-5\.4/);
  });

  it('never sends excluded files and says why', async () => {
    const prepared = await prepareAudit(request({ targets: [
      { path: '.env.production', content: 'DB_PASSWORD=x\n', scope: { kind: 'file' } },
      { path: 'certs/server.pem', content: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n', scope: { kind: 'file' } },
      { path: 'src/orders.ts', content: CODE, scope: { kind: 'file' } },
    ] }));
    assert.deepEqual(prepared.excluded.map((e) => e.path), ['.env.production', 'certs/server.pem']);
    assert.match(prepared.excluded[0].reason, /exclusion glob "\.env\.\*"/);
    assert.ok(!prepared.payload.user.includes('DB_PASSWORD'));
    await assert.rejects(prepareAudit(request({ targets: [{ path: '.env', content: 'A=b', scope: { kind: 'file' } }] })), /Nothing to audit: \.env: matches/);
  });

  it('estimates tokens and cost before sending', async () => {
    const prepared = await prepareAudit(request());
    assert.ok(prepared.estimate.inputTokens > 500 && prepared.estimate.inputTokens < 5000, String(prepared.estimate.inputTokens));
    assert.ok(prepared.estimate.costUsd! > 0 && prepared.estimate.maxCostUsd! > prepared.estimate.costUsd!);
    const unknown = await prepareAudit(request({ model: 'brand-new-model' }));
    assert.equal(unknown.estimate.costUsd, null);
    assert.match(unknown.estimate.note!, /stakes\.audit\.pricing/);
  });

  it('asks the provider for the exact input token count, and refuses that in local-only mode', async () => {
    for (const [provider, baseUrl, countPath] of [
      ['openai', `${fake.url}/v1`, /\/v1\/responses\/input_tokens$/],
      ['anthropic', fake.url, /\/v1\/messages\/count_tokens$/],
      ['google', fake.url, /\/v1\/models\/gpt-5\.4:countTokens$/],
    ] as const) {
      fake.reset();
      const counted = await countAuditTokens(request({ provider, settings: { apiKey: 'k', baseUrl } }));
      assert.equal(counted.exact, true);
      const last = fake.requests[fake.requests.length - 1];
      assert.match(last.path, countPath);
      assert.equal(counted.inputTokens, Math.ceil(Buffer.byteLength(last.body) / 4), 'the count is the one the server gave');
      assert.ok(!last.body.includes('sk_live_51HxQ2mK8vT3nR7pW9yZ4bC6d'), 'counting sends the redacted payload only');
      assert.equal(fake.modelRequests().length, 0, 'counting generates nothing');
    }
    const local = await countAuditTokens(request({ provider: 'openai-compatible', model: 'q', settings: { baseUrl: `${fake.url}/v1` } }));
    assert.equal(local.exact, false);
    await expectProviderError(countAuditTokens(request({ localOnly: true })), 'local-only');
  });

  it('rejects a bad selection with a clear message', async () => {
    await assert.rejects(prepareAudit(request({ targets: [{ path: 'a.ts', content: 'x\n', scope: { kind: 'selection', startLine: 9, endLine: 3 } }] })), /not a valid line range/);
    await assert.rejects(prepareAudit(request({ targets: [{ path: 'a.ts', content: 'x\n', scope: { kind: 'selection', startLine: 50, endLine: 60 } }] })), /has only 1 lines/);
  });
});
