/**
 * Offline rules inside the real extension host: a sensitive file gets 'Stakes rules' diagnostics on
 * open, a save re-checks it, `stakes.rules.run: never` keeps quiet until the command asks, and the
 * quick fixes (mechanical fix, stakes-ignore) are offered.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openFile, stakes, waitFor, withSetting, WorkspaceFiles } from './helpers';

const PROBE = 'src/auth/rules-probe.ts';
const VULNERABLE = [
  "import jwt from 'jsonwebtoken';",
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function login(req: any, res: any) {',
  "  const rows = await pool.query(`SELECT * FROM users WHERE email = '${req.body.email}'`);",
  "  res.json({ token: jwt.sign({ sub: rows.rows[0].id }, process.env.JWT_SECRET || 'dev-secret-123') });",
  '}',
  '',
].join('\n');

function ruleDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Stakes rules');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

describe('offline rules in the editor', function () {
  this.timeout(60_000);
  const files = new WorkspaceFiles();

  before(async () => {
    await stakes();
  });

  afterEach(async () => {
    await closeAllEditors();
    await files.restore();
  });

  it('reports rule findings for a sensitive file on open, with quick fixes', async () => {
    await files.write(PROBE, VULNERABLE);
    const editor = await openFile(PROBE);
    const diags = await waitFor(() => {
      const d = ruleDiagnostics(editor.document.uri);
      return d.some((x) => codeOf(x) === 'sql-injection') ? d : undefined;
    }, () => `diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(editor.document.uri).map((d) => [d.source, d.code, d.message.slice(0, 60)]))}`, 30_000);
    const sql = diags.find((d) => codeOf(d) === 'sql-injection')!;
    assert.equal(sql.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(sql.range.start.line, 4);
    assert.ok(diags.some((d) => codeOf(d) === 'hardcoded-secret'));

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, sql.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.some((t) => t.startsWith('Fix: ')), `actions: ${titles.join(' | ')}`);
    assert.ok(titles.includes('Suppress sql-injection on this line (stakes-ignore)'), `actions: ${titles.join(' | ')}`);

    // Applying the suppression and saving re-checks the file: the finding goes away.
    const suppress = actions.find((a) => a.title.startsWith('Suppress sql-injection'))!;
    assert.ok(await vscode.workspace.applyEdit(suppress.edit!));
    await editor.document.save();
    await waitFor(() => !ruleDiagnostics(editor.document.uri).some((d) => codeOf(d) === 'sql-injection'),
      () => `still: ${ruleDiagnostics(editor.document.uri).map(codeOf).join(', ')}`, 30_000);
  });

  it('with stakes.rules.run = never, checks only on demand', async () => {
    const undo = await withSetting('rules.run', 'never');
    try {
      await files.write(PROBE, VULNERABLE);
      const editor = await openFile(PROBE);
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(ruleDiagnostics(editor.document.uri).map(codeOf), []);
      await vscode.commands.executeCommand('stakes.rules.checkFile');
      await waitFor(() => ruleDiagnostics(editor.document.uri).some((d) => codeOf(d) === 'sql-injection'),
        () => `diagnostics: ${ruleDiagnostics(editor.document.uri).map(codeOf).join(', ')}`, 30_000);
    } finally {
      await undo();
    }
  });
});
