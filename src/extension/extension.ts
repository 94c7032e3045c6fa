/**
 * Activation: light objects only. The status bar appears at once; features register their
 * commands here and load their heavy bundles on first use (see lazy.ts).
 */
import * as vscode from 'vscode';
import { register as registerAudit } from './audit/register';
import { Classifier } from './classification';
import { ConfigStore } from './configStore';
import type { Services } from './services';
import { register as registerReview } from './review/register';
import { ReviewDebtSignal } from './reviewDebt';
import { register as registerRules } from './rules/register';
import { register as registerSql } from './sql/register';
import { configuredSql } from './sql/settings';
import { register as registerAgent } from './agent/register';
import { registerStatusCommands } from './status/commands';
import { StatusController, type StatusSnapshot } from './status/statusBar';

/** What activate() returns: used by the extension-host tests (and by nothing else). */
export interface StakesTestApi {
  status(): StatusSnapshot;
  /** Re-classify the active editor now (skipping the typing debounce) and return the new state. */
  refresh(): StatusSnapshot;
  onDidUpdateStatus: vscode.Event<StatusSnapshot>;
}

export function activate(context: vscode.ExtensionContext): StakesTestApi {
  const output = vscode.window.createOutputChannel('Stakes', { log: true });
  const store = new ConfigStore(output);
  const classifier = new Classifier(store, context.workspaceState);
  const reviewDebt = new ReviewDebtSignal();
  const status = new StatusController(classifier, store, output, reviewDebt);
  context.subscriptions.push(output, store, classifier, reviewDebt, status, ...registerStatusCommands(status, classifier, store, output));

  const services: Services = {
    output,
    classifyDocument: (doc, range) => classifier.classify(doc, range),
    config: () => store.forUri(vscode.window.activeTextEditor?.document.uri),
    onDidChangeConfig: store.onDidChange,
    sqlConfiguration: (uri) => configuredSql(uri, context.secrets),
    explainSql: () => Promise.reject(new Error('the SQL feature did not start (see the Stakes log)')),
    reviewDebt,
  };
  registerFeatures(context, services);

  return {
    status: () => status.snapshot(),
    refresh: () => {
      status.refreshNow();
      return status.snapshot();
    },
    onDidUpdateStatus: status.onDidUpdate,
  };
}

/** Each feature's register() is light: commands, menus, context keys. A failing feature must not take the others down. */
function registerFeatures(context: vscode.ExtensionContext, services: Services): void {
  const features: Array<[string, (c: vscode.ExtensionContext, s: Services) => void]> = [
    ['audit', registerAudit],
    ['sql', registerSql],
    ['rules', registerRules],
    ['agent tools', registerAgent],
    ['review', registerReview],
  ];
  for (const [name, register] of features) {
    try {
      register(context, services);
    } catch (e) {
      services.output.error(`The ${name} feature failed to start: ${(e as Error).stack ?? e}`);
    }
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions are released by VS Code; feature hosts stop their child processes there.
}
