/** The audit's quick picks for what to audit: the scope, the branch base, and the export format. */
import * as vscode from 'vscode';
import type { ExportFormat } from './export';
import { baseCandidates, currentFolder } from './gitDiff';
import { readAuditSettings } from './settings';
import { branchRequest, changesRequest, planFromEditor, type ScopeRequest } from './targets';

/** What to audit; `given` ('file' | 'selection' | 'changes') skips the picker (keybindings, tests). */
export async function pickScope(title: string, given?: unknown): Promise<ScopeRequest | undefined> {
  if (given === 'file' || given === 'selection') return planFromEditor(given);
  if (given === 'changes') return changesRequest();
  const editor = vscode.window.activeTextEditor;
  type Item = vscode.QuickPickItem & { make: () => ScopeRequest | Promise<ScopeRequest | undefined> };
  const items: Item[] = [];
  if (editor && !editor.selection.isEmpty) items.push({ label: '$(selection) Selection', description: vscode.workspace.asRelativePath(editor.document.uri), make: () => planFromEditor('selection') });
  if (editor) items.push({ label: '$(file-code) Current file', description: vscode.workspace.asRelativePath(editor.document.uri), make: () => planFromEditor('file') });
  items.push({ label: '$(git-commit) Uncommitted changes', make: () => changesRequest() });
  items.push({ label: '$(git-compare) Branch against base…', make: async () => { const b = await pickBase(); return b ? branchRequest(b) : undefined; } });
  const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  return picked ? await picked.make() : undefined;
}

/** The base of a branch audit: stakes.audit.branchBase first, the upstream and main/master, or any ref typed. */
export async function pickBase(): Promise<string | undefined> {
  const settings = readAuditSettings();
  const candidates = await baseCandidates(currentFolder(), settings.branchBase);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = 'Audit this branch against which base?';
  qp.placeholder = 'A branch, tag or commit (type any ref); only changes since the merge base are judged';
  qp.ignoreFocusOut = true;
  const base = candidates.map((c, i) => ({ label: c, description: i === 0 && settings.branchBase === c ? 'stakes.audit.branchBase' : undefined }));
  qp.items = base;
  qp.onDidChangeValue((v) => {
    const t = v.trim();
    qp.items = t && !candidates.includes(t) ? [{ label: t, description: 'use this ref' }, ...base] : base;
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]?.label ?? (qp.value.trim() || undefined));
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

export async function pickExportFormat(): Promise<ExportFormat | undefined> {
  const pick = await vscode.window.showQuickPick([
    { label: 'SARIF 2.1.0', description: 'for code scanning (GitHub, Azure DevOps, SARIF viewers)', format: 'sarif' as const },
    { label: 'Markdown', description: 'for a pull request or a ticket', format: 'markdown' as const },
  ], { title: 'Export the audit report as' });
  return pick?.format;
}
