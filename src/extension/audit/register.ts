/**
 * The audit feature's light half: its command table, the report panel serializer and context keys.
 * Nothing here loads the audit bundle (core pipeline, provider SDK code) until a command needs it.
 */
import * as vscode from 'vscode';
import { registerCommands, testCommands } from '../commands';
import { loadFeature } from '../lazy';
import type { Services } from '../services';
import type { AuditHost } from './host';
import { clearApiKeyCommand, setApiKeyCommand } from './apiKeys';

/** Same id as REPORT_VIEW_TYPE in reportPanel.ts (kept literal so this file does not import the panel). */
const REPORT_VIEW_TYPE = 'stakes.auditReport';
/** Same key as in reportStore.ts: a stored run means there is a report to restore. */
const LAST_RUN_KEY = 'stakes.audit.lastRun';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const host = (): AuditHost => loadFeature<typeof import('./host')>('audit').getAuditHost(context, services);

  context.subscriptions.push(...registerCommands([
    { id: 'stakes.audit.file', run: () => host().auditFile() },
    { id: 'stakes.audit.selection', run: () => host().auditSelection() },
    // The editor context menu's entry (its title carries "Stakes:", since menus drop the category).
    { id: 'stakes.audit.selectionFromMenu', run: () => host().auditSelection() },
    { id: 'stakes.audit.changes', run: (from) => host().auditChanges(from) },
    { id: 'stakes.audit.branch', run: (base) => host().auditBranch(base) },
    { id: 'stakes.audit.withModel', run: (scope) => host().auditWithModel(scope) },
    { id: 'stakes.audit.preview', run: (scope) => host().preview(scope) },
    { id: 'stakes.audit.openReport', run: () => host().openReport() },
    { id: 'stakes.audit.export', run: (format, target) => host().exportReport(format, target) },
    { id: 'stakes.audit.clearFindings', run: () => host().clearFindings() },
    { id: 'stakes.audit.applyFix', run: (id) => host().applyFix(id) },
    { id: 'stakes.audit.fixApplied', run: (id) => host().fixApplied(id) },
    { id: 'stakes.audit.revealFinding', run: (id) => host().revealFinding(id) },
    { id: 'stakes.audit.suppressFinding', run: (id, suppressed) => host().suppressFinding(id, suppressed !== false) },
    { id: 'stakes.audit.setApiKey', run: (provider) => setApiKeyCommand(context.secrets, provider) },
    { id: 'stakes.audit.clearApiKey', run: (provider) => clearApiKeyCommand(context.secrets, provider) },
    ...testCommands([
      // What the report holds; 'cancel' does what the progress notification's Cancel button does.
      { id: 'stakes.audit.testState', run: (action) => {
        if (action === 'cancel') host().cancelRunning();
        return host().testState();
      } },
    ]),
  ], services.output));

  // A report left open survives a reload: VS Code hands the panel back, the host fills it.
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => host().restorePanel(panel),
  }));

  // Findings from the last audit come back to the Problems panel after a reload, off the activation path.
  const hasReport = context.workspaceState.get(LAST_RUN_KEY) !== undefined;
  void vscode.commands.executeCommand('setContext', 'stakes.audit.hasReport', hasReport);
  if (hasReport) {
    const timer = setTimeout(() => {
      try {
        host();
      } catch (e) {
        services.output.warn(`Could not restore the last audit: ${(e as Error).message}`);
      }
    }, 1500);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
}
