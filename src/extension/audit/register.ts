/**
 * The audit feature's light half: commands, the report panel serializer and context keys. Nothing
 * here loads the audit bundle (core pipeline, provider SDK code) until a command needs it.
 */
import * as vscode from 'vscode';
import { loadFeature } from '../lazy';
import type { Services } from '../services';
import type { AuditHost } from './host';
import { clearApiKeyCommand, setApiKeyCommand } from './apiKeys';

/** Same id as REPORT_VIEW_TYPE in reportPanel.ts (kept literal so this file does not import the panel). */
const REPORT_VIEW_TYPE = 'stakes.auditReport';

export function register(context: vscode.ExtensionContext, services: Services): void {
  const host = (): AuditHost => loadFeature<typeof import('./host')>('audit').getAuditHost(context, services);
  const command = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (e) {
        // Host methods report their own errors; this catches a failure to load the bundle itself.
        services.output.error(`${id} failed: ${(e as Error)?.stack ?? String(e)}`);
        void vscode.window.showErrorMessage(`Stakes: ${id} failed: ${(e as Error)?.message ?? String(e)}. See the Stakes log.`);
      }
    }));
  };

  command('stakes.audit.file', () => host().auditFile());
  command('stakes.audit.selection', () => host().auditSelection());
  // The editor context menu's entry (its title carries "Stakes:", since menus drop the category).
  command('stakes.audit.selectionFromMenu', () => host().auditSelection());
  command('stakes.audit.changes', (from) => host().auditChanges(from));
  command('stakes.audit.branch', (base) => host().auditBranch(base));
  command('stakes.audit.withModel', (scope) => host().auditWithModel(scope));
  command('stakes.audit.preview', (scope) => host().preview(scope));
  command('stakes.audit.openReport', () => host().openReport());
  command('stakes.audit.export', (format, target) => host().exportReport(format, target));
  command('stakes.audit.clearFindings', () => host().clearFindings());
  command('stakes.audit.applyFix', (id) => host().applyFix(id));
  command('stakes.audit.fixApplied', (id) => host().fixApplied(id));
  command('stakes.audit.revealFinding', (id) => host().revealFinding(id));
  command('stakes.audit.suppressFinding', (id, suppressed) => host().suppressFinding(id, suppressed !== false));
  command('stakes.audit.setApiKey', (provider) => setApiKeyCommand(context.secrets, provider));
  command('stakes.audit.clearApiKey', (provider) => clearApiKeyCommand(context.secrets, provider));

  if (process.env.STAKES_UNDER_TEST === '1') {
    // Not contributed, so never in the palette: lets the extension-host tests read the report's state.
    // ('cancel' does what the progress notification's Cancel button does.)
    context.subscriptions.push(vscode.commands.registerCommand('stakes.audit.testState', (action?: unknown) => {
      if (action === 'cancel') host().cancelRunning();
      return host().testState();
    }));
  }

  // A report left open survives a reload: VS Code hands the panel back, the host fills it.
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => host().restorePanel(panel),
  }));

  // Findings from the last audit come back to the Problems panel after a reload, off the activation path.
  const hasReport = context.workspaceState.get('stakes.audit.lastRun') !== undefined;
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
