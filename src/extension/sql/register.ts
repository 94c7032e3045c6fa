/**
 * SQL EXPLAIN in VS Code, the light half: its command table, the CodeLens and menus. Finding the SQL
 * (targets.ts over core/sql/extract, pure and cheap) runs here; engines, the plan view and
 * diagnostics live in dist/sql.js (host.ts), loaded on the first explain.
 */
import * as vscode from 'vscode';
import { registerCommands, testCommands } from '../commands';
import { isFeatureLoaded, loadFeature } from '../lazy';
import type { Services } from '../services';
import { CODELENS_LANGUAGES, ExplainCodeLensProvider } from './codeLens';
import { chooseConnection, clearPassword, setPassword } from './connection';
import { resolveTarget } from './targets';

type Host = typeof import('./host');
type SqlFeature = ReturnType<Host['createSqlFeature']>;

export function register(context: vscode.ExtensionContext, services: Services): void {
  const lenses = new ExplainCodeLensProvider();
  let feature: SqlFeature | undefined;
  const getFeature = (): SqlFeature => {
    feature ??= loadFeature<Host>('sql').createSqlFeature(context, services, (uri, offset, summary) => lenses.explained(uri, offset, summary));
    return feature;
  };
  context.subscriptions.push({ dispose: () => { void feature?.dispose(); } });

  const explain = async (arg: unknown, analyze: boolean): Promise<void> => {
    const target = await resolveTarget(arg);
    // The host shows expected failures itself; anything else reaches the shared command handler.
    if (target) await getFeature().explain(target, { analyze });
  };
  const activeUri = () => vscode.window.activeTextEditor?.document.uri;
  const choose = () => chooseConnection(context.secrets, activeUri(), (uri) => getFeature().testConnection(uri));
  const stopEmbedded = async (): Promise<void> => {
    if (!isFeatureLoaded('sql') || !feature) {
      void vscode.window.showInformationMessage('Stakes: the embedded PostgreSQL is not running.');
      return;
    }
    await feature.stopEngines();
    void vscode.window.showInformationMessage('Stakes: embedded PostgreSQL stopped; it starts again on the next explain.');
  };

  context.subscriptions.push(...registerCommands([
    { id: 'stakes.sql.explain', run: (arg) => explain(arg, false) },
    { id: 'stakes.sql.explainAnalyze', run: (arg) => explain(arg, true) },
    { id: 'stakes.sql.chooseConnection', run: choose },
    { id: 'stakes.sql.setPassword', run: () => setPassword(context.secrets, activeUri(), choose) },
    { id: 'stakes.sql.clearPassword', run: () => clearPassword(context.secrets, activeUri()) },
    { id: 'stakes.sql.stopEmbedded', run: stopEmbedded },
    // What the plan panel shows, for test/integration.
    ...testCommands([{ id: 'stakes.sql.testSnapshot', run: () => feature?.testSnapshot() }]),
  ], services.output));

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(CODELENS_LANGUAGES.map((language) => ({ language })), lenses),
    lenses,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('stakes.sql.codeLens')) lenses.refresh();
      if (e.affectsConfiguration('stakes.sql')) feature?.settingsChanged();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => feature?.settingsChanged()),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) lenses.edited(e.document.uri); }),
  );
}
