/**
 * The AI audit inside the real extension host: "Review selection", "Audit current file" and
 * "Audit uncommitted changes" against the loopback fake provider server (the real openai SDK, via
 * the openai-compatible provider pointed at 127.0.0.1), then diagnostics, quick fixes, false
 * positives, the cache, redaction, exclusions, local-only mode and provider errors.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditReport } from '../../src/core/audit/findings';
import type { ReportScope } from '../../src/protocol/auditReport';
import { FakeProviders, reviewText } from '../support/fake-providers';
import { closeAllEditors, openFile, stakes, useFakeProvider, waitFor, withSetting, workspaceRoot, WorkspaceFiles } from './helpers';

interface AuditTestState {
  report: AuditReport | null;
  scope: ReportScope | null;
  cached: boolean | null;
  error: { kind: string; message: string; buttons: string[] } | null;
  suppressed: string[];
  running: boolean;
  panelVisible: boolean;
}

async function state(): Promise<AuditTestState> {
  const s = await vscode.commands.executeCommand<AuditTestState>('stakes.audit.testState');
  assert.ok(s, 'stakes.audit.testState returned nothing (is STAKES_UNDER_TEST set?)');
  return s;
}

function stakesDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Stakes');
}

/** The diagnostic of the model's SQL-injection finding (the rule's own finding may sit beside it). */
function aiDiagnostic(uri: vscode.Uri): vscode.Diagnostic {
  const d = stakesDiagnostics(uri).find((x) => x.message.startsWith('SQL built from query parameters'));
  assert.ok(d, `no diagnostic for the model's finding among ${JSON.stringify(stakesDiagnostics(uri).map((x) => x.message.split('\n')[0]))}`);
  return d;
}

function aiFinding(report: AuditReport | null) {
  const f = report?.findings.find((x) => x.title === 'SQL built from query parameters');
  assert.ok(f, `the model's finding is not in the report: ${JSON.stringify(report?.findings.map((x) => x.title))}`);
  return f;
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const ADMIN = 'src/admin/routes.ts';
/** The planted SQL injection (PLANTED.md S1), quoted as a model would. */
const INJECTION = "WHERE o.created_at BETWEEN '${from}' AND '${to}'`;";
const FIX = "WHERE o.created_at BETWEEN $1 AND $2`;";

/** The fake model's answer for the admin export selection. */
const ADMIN_REVIEW = {
  kind: 'ok' as const, usage: { input: 1800, output: 240 },
  text: reviewText([
    // Wrong line number on purpose: grounding must move it to where the quote really is.
    { title: 'SQL built from query parameters', severity: 'critical', category: 'injection', cwe: 'CWE-89', file: ADMIN,
      startLine: 2, endLine: 2, evidence: INJECTION, fix: FIX, explanation: 'from/to are interpolated into SQL.' },
    { title: 'Invented', severity: 'high', category: 'authz', file: ADMIN, startLine: 50, endLine: 50,
      evidence: 'if (user.isAdmin) return next();', explanation: 'Not in this code.' },
  ]),
};

function select(editor: vscode.TextEditor, startNeedle: string, endNeedle: string): void {
  const text = editor.document.getText();
  const a = text.indexOf(startNeedle);
  const b = text.indexOf(endNeedle, a);
  assert.ok(a >= 0 && b >= 0, `selection anchors not found in ${editor.document.uri.fsPath}`);
  editor.selection = new vscode.Selection(editor.document.positionAt(a), editor.document.positionAt(b + endNeedle.length));
}

function lineOf(document: vscode.TextDocument, needle: string): number {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not in ${document.uri.fsPath}`);
  return document.positionAt(offset).line;
}

describe('AI audit (fake provider server, openai-compatible)', function () {
  this.timeout(60_000);
  const fake = new FakeProviders();
  const files = new WorkspaceFiles();
  const undo: Array<() => Promise<void>> = [];

  before(async () => {
    await stakes();
    await fake.start();
    undo.push(...await useFakeProvider(fake.url));
  });

  after(async () => {
    for (const u of undo.reverse()) await u();
    await files.restore();
    await fake.stop();
    await vscode.commands.executeCommand('stakes.audit.clearFindings');
    await closeAllEditors();
  });

  beforeEach(() => fake.reset());

  it('reviews a selection: re-anchors the finding to the real line, lists an invented quote as unverified, opens the report', async () => {
    const editor = await openFile(ADMIN);
    select(editor, '// Date-bounded export', 'pool.query<OrderRow>(sql);');
    fake.push(ADMIN_REVIEW);
    await vscode.commands.executeCommand('stakes.audit.selection');

    const requests = fake.modelRequests();
    assert.equal(requests.length, 1, 'exactly one call to the provider');
    assert.match(requests[0].path, /\/v1\/chat\/completions$/);
    const body = JSON.parse(requests[0].body) as { model: string; messages: Array<{ content: string }> };
    assert.ok(body.messages.some((m) => m.content.includes('pool.query<OrderRow>(sql)')), 'the selected code was sent');

    const s = await state();
    assert.equal(s.error, null, `audit failed: ${s.error?.message}`);
    assert.ok(s.report);
    const shown = JSON.stringify(s.report.findings.map((f) => [f.source, f.ruleId, f.title, f.startLine]));
    // The model's finding, re-anchored; the offline SQL-injection rule may back it ("both") or stand beside it ("rule").
    const ai = s.report.findings.filter((f) => f.source !== 'rule');
    assert.equal(ai.length, 1, shown);
    assert.equal(ai[0].title, 'SQL built from query parameters');
    assert.ok(s.report.findings.every((f) => f.source !== 'ai' || f.ruleId === null), shown);
    assert.equal(s.report.unverified.length, 1);
    assert.equal(s.report.model.provider, 'openai-compatible');
    assert.equal(s.report.model.id, body.model);
    assert.equal(s.report.usage.inputTokens, 1800);
    assert.equal(s.cached, false);
    assert.ok(s.panelVisible, 'the report panel is open');
    assert.match(s.scope?.title ?? '', /^selection in src\/admin\/routes\.ts \(lines \d+–\d+\)$/);

    const diags = stakesDiagnostics(editor.document.uri);
    assert.equal(diags.length, s.report.findings.length, 'every verified finding is a diagnostic; the unverified one is not');
    assert.ok(!diags.some((d) => d.message.startsWith('Invented')));
    const d = aiDiagnostic(editor.document.uri);
    assert.equal(d.range.start.line, lineOf(editor.document, INJECTION));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(codeOf(d), 'injection/CWE-89');
  });

  it('answers an unchanged re-run from the cache without calling the provider', async () => {
    await openFile(ADMIN);
    const before = await state();
    assert.ok(before.report, 'needs the previous test');
    await vscode.commands.executeCommand('stakes.audit.selection');
    assert.equal(fake.modelRequests().length, 0);
    const s = await state();
    assert.equal(s.cached, true);
    assert.equal(s.report?.findings.length, before.report.findings.length);
    aiFinding(s.report);
  });

  it('offers quick fixes on the diagnostic and applies the fix as an edit at the re-located evidence', async () => {
    const editor = await openFile(ADMIN);
    const diag = aiDiagnostic(editor.document.uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diag.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.some((t) => t.startsWith('Stakes: apply suggested fix')), titles.join(' | '));
    assert.ok(titles.includes('Stakes: open in audit report'), titles.join(' | '));
    assert.ok(titles.includes('Stakes: mark as false positive'), titles.join(' | '));
    const apply = actions.find((a) => a.title.startsWith('Stakes: apply suggested fix'))!;
    assert.ok(apply.edit, 'the apply action carries a WorkspaceEdit');

    // Move the code down two lines first: the fix must follow the evidence, not the audited line number.
    const original = editor.document.getText();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// moved\n// moved\n'));
    const id = aiFinding((await state()).report).id!;
    await vscode.commands.executeCommand('stakes.audit.applyFix', id);
    const text = editor.document.getText();
    assert.ok(text.includes(FIX), 'the fix is in the document');
    assert.ok(!text.includes(INJECTION), 'the quoted code was replaced');
    assert.ok(!stakesDiagnostics(editor.document.uri).some((d) => d.message.startsWith('SQL built from query parameters')), 'the fixed finding left the Problems panel');
    // Back to the audited text (same content hash, so later re-runs hit the cache).
    const doc = editor.document;
    const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    const restore = new vscode.WorkspaceEdit();
    restore.replace(doc.uri, all, original);
    await vscode.workspace.applyEdit(restore);
    await doc.save();
    assert.equal(doc.getText(), original);
  });

  it('remembers a false positive: hidden from the Problems panel now and in later audits', async () => {
    const editor = await openFile(ADMIN);
    select(editor, '// Date-bounded export', 'pool.query<OrderRow>(sql);');
    fake.push(ADMIN_REVIEW); // used only if the cache misses: this test is about suppression
    await vscode.commands.executeCommand('stakes.audit.selection'); // republishes the diagnostic
    const hasAi = () => stakesDiagnostics(editor.document.uri).some((d) => d.message.startsWith('SQL built from query parameters'));
    await waitFor(hasAi, () => 'diagnostic back after re-run');
    const id = aiFinding((await state()).report).id!;
    await vscode.commands.executeCommand('stakes.audit.suppressFinding', id);
    assert.equal(hasAi(), false);
    fake.push(ADMIN_REVIEW);
    await vscode.commands.executeCommand('stakes.audit.selection');
    const s = await state();
    assert.ok(s.suppressed.includes(id));
    assert.equal(hasAi(), false, 'still hidden after the re-run');
    await vscode.commands.executeCommand('stakes.audit.suppressFinding', id, false);
    assert.equal(hasAi(), true, 'back after "not a false positive"');
  });

  it('exports SARIF 2.1.0 and Markdown; a false positive stays in SARIF as a suppressed result and leaves the Markdown', async () => {
    const report = (await state()).report;
    const ai = aiFinding(report);
    await vscode.commands.executeCommand('stakes.audit.suppressFinding', ai.id);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-export-'));
    try {
      const sarifFile = vscode.Uri.file(path.join(dir, 'audit.sarif'));
      await vscode.commands.executeCommand('stakes.audit.export', 'sarif', sarifFile);
      const sarif = JSON.parse(fs.readFileSync(sarifFile.fsPath, 'utf8')) as {
        version: string; runs: Array<{ results: Array<{ message: { text: string }; suppressions?: unknown[] }> }>;
      };
      assert.equal(sarif.version, '2.1.0');
      assert.equal(sarif.runs[0].results.length, report!.findings.length);
      const suppressed = sarif.runs[0].results.filter((r) => r.suppressions?.length);
      assert.equal(suppressed.length, 1, 'exactly the false positive carries a suppression');
      const mdFile = vscode.Uri.file(path.join(dir, 'audit.md'));
      await vscode.commands.executeCommand('stakes.audit.export', 'markdown', mdFile);
      const md = fs.readFileSync(mdFile.fsPath, 'utf8');
      assert.ok(!md.includes(ai.title), 'the false positive is left out of the Markdown');
      assert.match(md, /marked as false positive/);
    } finally {
      await vscode.commands.executeCommand('stakes.audit.suppressFinding', ai.id, false);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows what will be sent (redacted payload, model, estimate) and sends nothing', async () => {
    await openFile(ADMIN);
    await vscode.commands.executeCommand('stakes.audit.preview', 'file');
    const preview = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'stakes-audit-preview'),
      () => `no preview editor among ${vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ')}`);
    const text = preview.document.getText();
    assert.match(text, /nothing has been sent/);
    assert.match(text, /Model: +\S+/);
    assert.match(text, /Estimate: +~[\d,]+ input tokens/);
    assert.ok(text.includes('----- SYSTEM -----') && text.includes('----- USER -----'), 'the exact system and user text are shown');
    assert.ok(text.includes('pool.query<OrderRow>(sql)'), 'the audited code is in the payload');
    assert.equal(fake.modelRequests().length, 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('stops before sending when the estimate is over the per-run budget, naming the setting', async () => {
    const undoPricing = await withSetting('audit.pricing', { 'qwen3-coder': { input: 1000, output: 1000 } });
    const undoCap = await withSetting('audit.maxCostPerRunUsd', 0.01);
    try {
      await openFile('src/orders/repository.ts');
      await vscode.commands.executeCommand('stakes.audit.file');
      const s = await state();
      assert.equal(s.error?.kind, 'budget', JSON.stringify(s.error));
      assert.match(s.error?.message ?? '', /per-run budget/);
      assert.match(s.error?.message ?? '', /stakes\.audit\.maxCostPerRunUsd/);
      assert.ok(s.error?.buttons.includes('Open settings'));
      assert.equal(fake.modelRequests().length, 0);
    } finally {
      await undoCap();
      await undoPricing();
    }
  });

  it('never sends a planted secret, and restores it in the findings', async () => {
    const secret = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdEFGHijkl0123456789';
    await files.write('src/payments/keys.ts',
      `export const stripe = { apiKey: "${secret}" };\nexport function charge(amount: number) {\n  return amount;\n}\n`);
    const editor = await openFile('src/payments/keys.ts');
    fake.push({
      kind: 'ok',
      text: reviewText([{ title: 'Hard-coded Stripe key', severity: 'critical', category: 'secrets', cwe: 'CWE-798', file: 'src/payments/keys.ts',
        startLine: 1, endLine: 1, evidence: 'apiKey: "__STAKES_SECRET_1__"', explanation: 'A live key in code.', fix: 'apiKey: process.env.STRIPE_SECRET_KEY' }]),
    });
    await vscode.commands.executeCommand('stakes.audit.file');
    const requests = fake.modelRequests();
    assert.equal(requests.length, 1);
    assert.ok(!requests[0].body.includes(secret), 'the secret reached the provider');
    assert.ok(requests[0].body.includes('__STAKES_SECRET_'), 'a placeholder was sent instead');
    const s = await state();
    assert.equal(s.error, null, s.error?.message);
    assert.equal(s.scope?.redactions, 1);
    // The offline secrets rule may back the same finding ("both") or add its own.
    const ai = s.report?.findings.find((f) => f.source !== 'rule');
    assert.equal(ai?.evidence, `apiKey: "${secret}"`, 'the placeholder is restored in the result');
    assert.ok(stakesDiagnostics(editor.document.uri).length >= 1);
  });

  it('never sends a file matching the exclusion globs', async () => {
    await files.write('.env.production', 'DATABASE_URL=postgres://app:hunter2@db/prod\n');
    await openFile('.env.production');
    await vscode.commands.executeCommand('stakes.audit.file');
    assert.equal(fake.modelRequests().length, 0);
    const s = await state();
    assert.equal(s.error?.kind, 'config');
    assert.match(s.error?.message ?? '', /exclusion glob/);
  });

  it('refuses a cloud provider in local-only mode, before any request, saying what to do', async () => {
    const restoreProvider = await withSetting('audit.provider', 'openai');
    const restoreLocal = await withSetting('audit.localOnly', true);
    try {
      await openFile(ADMIN);
      await vscode.commands.executeCommand('stakes.audit.file');
      const s = await state();
      assert.equal(s.error?.kind, 'local-only');
      assert.match(s.error?.message ?? '', /stakes\.audit\.localOnly/);
      assert.ok(s.error?.buttons.includes('Open settings'));
      assert.equal(fake.modelRequests().length, 0);
    } finally {
      await restoreLocal();
      await restoreProvider();
    }
  });

  it('asks for a key (with a "Set API key" button) when a cloud provider has none', async () => {
    const restoreProvider = await withSetting('audit.provider', 'anthropic');
    try {
      await openFile(ADMIN);
      await vscode.commands.executeCommand('stakes.audit.file');
      const s = await state();
      assert.equal(s.error?.kind, 'auth');
      assert.ok(s.error?.buttons.includes('Set API key'), JSON.stringify(s.error));
    } finally {
      await restoreProvider();
    }
  });

  it('vscode-lm without any chat model (no Copilot here) says how to get one, whether or not a model id is set', async () => {
    const restoreProvider = await withSetting('audit.provider', 'vscode-lm');
    try {
      await openFile(ADMIN);
      await vscode.commands.executeCommand('stakes.audit.file');
      let s = await state();
      assert.equal(s.error?.kind, 'config', JSON.stringify(s.error));
      assert.match(s.error?.message ?? '', /GitHub Copilot/);
      const restoreModel = await withSetting('audit.model', 'gpt-4o');
      try {
        await vscode.commands.executeCommand('stakes.audit.file');
        s = await state();
        assert.equal(s.error?.kind, 'config', JSON.stringify(s.error));
        assert.match(s.error?.message ?? '', /No VS Code language model is available/);
      } finally {
        await restoreModel();
      }
      assert.equal(fake.modelRequests().length, 0);
    } finally {
      await restoreProvider();
    }
  });

  it('reports a provider failure with its actionable message and a Retry button', async () => {
    const editor = await openFile('src/orders/routes.ts');
    // A different scope than before, so the cache cannot answer.
    select(editor, 'ordersRouter.get(', ');');
    fake.push({ kind: 'error', status: 500, message: 'upstream exploded', headers: { 'x-should-retry': 'false' } });
    await vscode.commands.executeCommand('stakes.audit.selection');
    const s = await state();
    assert.equal(s.error?.kind, 'server', JSON.stringify(s.error));
    assert.ok(s.error?.buttons.includes('Retry'));
  });

  it('cancels a running audit: the request is aborted, the previous report stays, nothing is reported as a failure', async () => {
    const before = await state();
    const editor = await openFile('src/auth/password.ts');
    fake.push({ kind: 'slow', delayMs: 30_000 });
    const run = vscode.commands.executeCommand('stakes.audit.file');
    await waitFor(async () => (await state()).running && fake.modelRequests().length === 1, () => 'the audit never reached the provider');
    await vscode.commands.executeCommand('stakes.audit.testState', 'cancel');
    await run;
    const s = await state();
    assert.equal(s.running, false);
    assert.equal(s.error?.kind, 'aborted', JSON.stringify(s.error));
    assert.equal(s.scope?.title, before.scope?.title, 'the previous report is still shown');
    assert.equal(stakesDiagnostics(editor.document.uri).length, 0);
  });

  it('audits uncommitted changes: only changed hunks are judged, findings on unchanged lines are dropped', async function () {
    const root = workspaceRoot();
    if (!fs.existsSync(path.join(root, '.git'))) {
      const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
      try {
        execFileSync('git', ['init', '-q'], { cwd: root, env });
        execFileSync('git', ['add', '-A'], { cwd: root, env });
        execFileSync('git', ['commit', '-q', '-m', 'base'], { cwd: root, env });
      } catch (e) {
        if (process.env.CI === 'true') throw e;
        console.log(`  skipped: git is not usable here (${(e as Error).message.split('\n')[0]})`);
        this.skip();
      }
    }
    const file = 'src/products/routes.ts';
    const original = fs.readFileSync(path.join(root, file), 'utf8');
    const added = '// changed for the audit test\nconst debugToken = process.env.DEBUG_TOKEN;';
    await files.write(file, `${original}\n${added}\n`);
    const firstLine = original.split('\n').find((l) => l.trim().length > 10)!.trim();
    fake.push({
      kind: 'ok',
      text: reviewText([
        { title: 'On the changed line', severity: 'medium', category: 'secrets', file, startLine: 1, endLine: 1,
          evidence: 'const debugToken = process.env.DEBUG_TOKEN;', explanation: 'Changed code.' },
        { title: 'On an unchanged line', severity: 'high', category: 'other', file, startLine: 1, endLine: 1,
          evidence: firstLine, explanation: 'Unchanged code: must be dropped.' },
      ]),
    });
    await openFile(file);
    await vscode.commands.executeCommand('stakes.audit.changes');
    const s = await state();
    assert.equal(s.error, null, s.error?.message);
    assert.equal(fake.modelRequests().length, 1);
    assert.deepEqual(s.report?.findings.map((f) => f.title), ['On the changed line']);
    assert.match(s.scope?.title ?? '', /^uncommitted changes in /);
    assert.ok(s.scope?.files.some((f) => f.file === file), JSON.stringify(s.scope?.files));
    assert.ok(s.scope?.notes?.some((n) => /outside the judged lines/.test(n)), JSON.stringify(s.scope?.notes));
  });

  it('audits a branch against its base: commits since the merge base (and uncommitted work) are judged', async function () {
    const root = workspaceRoot();
    if (!fs.existsSync(path.join(root, '.git'))) this.skip(); // the previous test created the repository, or said why not
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();
    const base = git('rev-parse', '--abbrev-ref', 'HEAD');
    git('add', '-A');
    git('commit', '-q', '-m', 'work in progress');
    git('checkout', '-q', '-b', 'feature/audit-test');
    const file = 'src/orders/repository.ts';
    const original = fs.readFileSync(path.join(root, file), 'utf8');
    await files.write(file, `${original}\nexport const branchOnly = (id: string) => \`SELECT * FROM orders WHERE id = '\${id}'\`;\n`);
    git('commit', '-q', '-am', 'branch change');
    fake.push({
      kind: 'ok',
      text: reviewText([{ title: 'Branch change builds SQL from input', severity: 'high', category: 'injection', cwe: 'CWE-89', file, startLine: 1, endLine: 1,
        evidence: "`SELECT * FROM orders WHERE id = '${id}'`", explanation: 'Interpolated id.' }]),
    });
    await openFile(file);
    await vscode.commands.executeCommand('stakes.audit.branch', base);
    const s = await state();
    assert.equal(s.error, null, s.error?.message);
    assert.match(s.scope?.title ?? '', new RegExp(`against ${base.replace(/[/.]/g, '\\$&')} \\(merge base [0-9a-f]{7}\\)`));
    assert.ok(s.scope?.files.some((f) => f.file === file), JSON.stringify(s.scope?.files));
    assert.ok(s.report?.findings.some((f) => f.title === 'Branch change builds SQL from input'), JSON.stringify(s.report?.findings.map((f) => f.title)));
    const sent = fake.modelRequests()[0]?.body ?? '';
    assert.ok(sent.includes('branchOnly'), 'the branch change was sent');
  });
});
