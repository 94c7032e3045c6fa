/** Status bar commands: see why (quick pick), copy the model name, pin a label, open the routing table. */
import * as vscode from 'vscode';
import { LABELS, type Label } from '../../core/labels';
import { recommend } from '../../core/routing/config';
import { STAKES_FILE } from '../../core/routing/load';
import { stakesFileTemplate } from '../../core/routing/schema';
import type { Classifier } from '../classification';
import { registerCommands, testCommands } from '../commands';
import type { ConfigStore } from '../configStore';
import { LABEL_ICONS, runnerUpText, type StatusController } from './statusBar';

type Action = vscode.QuickPickItem & { run?: () => unknown };

export function registerStatusCommands(status: StatusController, classifier: Classifier, store: ConfigStore, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const activeDoc = () => vscode.window.activeTextEditor?.document;

  const copyModelName = async () => {
    const cur = status.currentResult;
    if (!cur?.rec) {
      void vscode.window.showInformationMessage('Stakes: open a file first; there is no recommendation to copy.');
      return;
    }
    await vscode.env.clipboard.writeText(cur.rec.model);
    void vscode.window.setStatusBarMessage(`Stakes: copied "${cur.rec.model}"`, 3000);
  };

  const pinLabel = async () => {
    const doc = activeDoc();
    if (!doc || doc.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Stakes: open a file to pin its label.');
      return;
    }
    const current = classifier.pinned(doc);
    const items: Array<vscode.QuickPickItem & { label: string; value?: Label }> = LABELS.map((l) => ({
      label: `$(${LABEL_ICONS[l]}) ${l}`, value: l, description: l === current ? 'pinned now' : recommend(store.forUri(doc.uri), l)?.name,
    }));
    if (current) items.push({ label: '$(close) Unpin: go back to the computed label' });
    const pick = await vscode.window.showQuickPick(items, { title: `Pin a label for ${vscode.workspace.asRelativePath(doc.uri)}`, placeHolder: 'The pin lasts for this workspace; it never changes any model by itself.' });
    if (!pick) return;
    await classifier.pin(doc, pick.value);
    status.refreshNow();
  };

  const openRoutingTable = async () => {
    const folder = vscode.window.activeTextEditor ? vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri) : vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'stakes.routing');
      return;
    }
    const uri = vscode.Uri.joinPath(folder.uri, STAKES_FILE);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      const create = 'Create .stakes.json';
      const choice = await vscode.window.showInformationMessage(
        `This workspace has no ${STAKES_FILE}. Create one with the current routing table, to commit with the repo?`, { modal: true }, create, 'Open Settings Instead');
      if (choice === 'Open Settings Instead') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'stakes.routing');
        return;
      }
      if (choice !== create) return;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(stakesFileTemplate(store.forUri(uri))));
    }
    await vscode.window.showTextDocument(uri);
  };

  const showWhy = async () => {
    const cur = status.currentResult;
    if (!cur) {
      void vscode.window.showInformationMessage('Stakes: open a file to see how its work is labelled.');
      return;
    }
    const { doc, result, rec } = cur;
    const items: Action[] = [];
    items.push({ label: 'Why', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: `$(${LABEL_ICONS[result.label]}) ${result.label} → ${rec?.name ?? 'no model (all excluded)'}`,
      description: `confidence ${Math.round(result.confidence * 100)}%${result.evidence ? ` · ${result.evidence.detail}` : ''}`,
      detail: rec?.why,
    });
    // Actions first: the list is virtualised, and they must not fall below a long list of evidence.
    items.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
    if (rec) items.push({ label: `$(copy) Copy model name`, description: rec.model, run: copyModelName });
    items.push({ label: '$(pin) Pin a label for this file…', run: pinLabel });
    items.push({ label: '$(settings) Open the routing table', description: STAKES_FILE, run: openRoutingTable });
    const commands = await vscode.commands.getCommands(true);
    const debt = status.debt;
    if (debt && debt.count > 0 && commands.includes('stakes.review.show')) {
      items.push({ label: `$(checklist) Show ${debt.count} unreviewed change${debt.count === 1 ? '' : 's'}`, description: debt.headline, run: () => vscode.commands.executeCommand('stakes.review.show') });
    }
    if (commands.includes('stakes.audit.file')) items.push({ label: '$(search) Audit this file', run: () => vscode.commands.executeCommand('stakes.audit.file') });
    if (commands.includes('stakes.sql.explain') && (doc.languageId === 'sql' || /\.sql$/i.test(doc.uri.path))) {
      items.push({ label: '$(database) Explain the SQL under the cursor', run: () => vscode.commands.executeCommand('stakes.sql.explain') });
    }
    items.push({ label: 'Evidence', kind: vscode.QuickPickItemKind.Separator });
    for (const reason of result.reasons.slice(0, 20)) {
      items.push({
        label: `$(${LABEL_ICONS[reason.label]}) ${reason.detail}`,
        description: reason.line ? `${reason.file ?? ''}:${reason.line}` : reason.file !== result.file ? reason.file : undefined,
        detail: `${reason.signal} · ${reason.label} · weight ${reason.weight.toFixed(2)}`,
        run: reason.line && reason.file === result.file ? () => revealLine(doc, reason.line!) : undefined,
      });
    }
    if (result.runnerUp) {
      items.push({ label: runnerUpText(result).replace(/\*\*/g, '') });
    }
    for (const s of result.skipped) items.push({ label: `$(info) Not scanned: ${s}` });
    const pick = await vscode.window.showQuickPick(items, {
      title: `Stakes: ${vscode.workspace.asRelativePath(doc.uri)}`,
      placeHolder: 'Pick a reason to jump to its line, or an action',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    await pick?.run?.();
  };

  return registerCommands([
    { id: 'stakes.showWhy', run: showWhy },
    { id: 'stakes.copyModelName', run: copyModelName },
    { id: 'stakes.pinLabel', run: pinLabel },
    { id: 'stakes.openRoutingTable', run: openRoutingTable },
    ...testCommands([{ id: 'stakes.testClearActivity', run: () => { classifier.activity.clear(); status.refreshNow(); } }]),
  ], output);
}

async function revealLine(doc: vscode.TextDocument, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(doc);
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
