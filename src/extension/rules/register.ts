/**
 * Offline rules in the editor, the light half: on open and on save (debounced) of files labelled
 * sensitive (stakes.rules.run), the deterministic rules run locally and report to the Problems panel
 * (diagnostics.ts); its command table. The rules bundle loads on the first file that needs it.
 */
import * as vscode from 'vscode';
import { registerCommands } from '../commands';
import type { Services } from '../services';
import { RuleDiagnostics, SUPPORTED } from './diagnostics';

/** Delay before checking the files already open at start (restored editors), off the activation path. */
const INITIAL_DELAY_MS = 400;

export function register(context: vscode.ExtensionContext, services: Services): void {
  const rules = new RuleDiagnostics(services);

  const checkFile = async (): Promise<void> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage('Stakes: open a TypeScript, JavaScript, Python, Go or SQL file to check it with the offline rules.');
      return;
    }
    if (!SUPPORTED.test(doc.fileName)) {
      void vscode.window.showInformationMessage('Stakes: the offline rules cover TypeScript, JavaScript, Python, Go and SQL files.');
      return;
    }
    const n = await rules.run(doc, true);
    if (n !== undefined) {
      void vscode.window.showInformationMessage(n ? `Stakes: ${n} offline rule finding(s) in the Problems panel.` : 'Stakes: no offline rule findings in this file.');
    } else {
      void vscode.window.showErrorMessage('Stakes: the offline rules could not run on this file. See the Stakes log.');
    }
  };

  context.subscriptions.push(
    rules,
    ...registerCommands([
      { id: 'stakes.rules.checkFile', run: checkFile },
    ], services.output),
    vscode.workspace.onDidOpenTextDocument((doc) => rules.schedule(doc)),
    vscode.workspace.onDidSaveTextDocument((doc) => rules.schedule(doc)),
    vscode.workspace.onDidCloseTextDocument((doc) => rules.closed(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('stakes.rules')) rules.scheduleAll();
    }),
    services.onDidChangeConfig(() => rules.scheduleAll()),
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], rules, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );

  const initial = setTimeout(() => rules.scheduleAll(), INITIAL_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(initial) });
}
