/**
 * The effective routing configuration per workspace folder: built-in defaults ← the
 * `stakes.routing` setting ← the folder's `.stakes.json`. Reloaded when either changes; problems
 * are reported once per distinct message, with a button to open the offending file.
 */
import * as vscode from 'vscode';
import type { ConfigError, StakesConfig } from '../core/routing/config';
import { defaultConfig } from '../core/routing/config';
import { loadConfig, STAKES_FILE } from '../core/routing/load';

export class ConfigStore implements vscode.Disposable {
  private readonly cache = new Map<string, { config: StakesConfig; errors: ConfigError[] }>();
  private readonly reported = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<StakesConfig>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${STAKES_FILE}`);
    const reload = () => this.reload();
    this.disposables.push(
      watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload),
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.path.endsWith(`/${STAKES_FILE}`) && reload()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('stakes.routing') && reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(reload),
      this.emitter,
    );
  }

  /** The configuration that applies to a document (its workspace folder's), or the defaults + settings. */
  forUri(uri: vscode.Uri | undefined): StakesConfig {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    const key = folder?.uri.toString() ?? '';
    let entry = this.cache.get(key);
    if (!entry) {
      const settings = vscode.workspace.getConfiguration('stakes', folder?.uri).get<unknown>('routing');
      const root = folder && folder.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
      try {
        entry = loadConfig(root, settings, 'settings (stakes.routing)');
      } catch (e) {
        this.output.error(`Could not load the routing configuration: ${(e as Error).message}`);
        entry = { config: defaultConfig(), errors: [] };
      }
      this.cache.set(key, entry);
      for (const err of entry.errors) this.report(err);
    }
    return entry.config;
  }

  errorsFor(uri: vscode.Uri | undefined): ConfigError[] {
    this.forUri(uri);
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    return this.cache.get(folder?.uri.toString() ?? '')?.errors ?? [];
  }

  reload(): void {
    this.cache.clear();
    this.reported.clear();
    this.emitter.fire(this.forUri(vscode.window.activeTextEditor?.document.uri));
  }

  private report(err: ConfigError): void {
    if (this.reported.has(err.message)) return;
    this.reported.add(err.message);
    this.output.warn(err.message);
    const isFile = err.file.endsWith(STAKES_FILE);
    const action = isFile ? 'Open .stakes.json' : 'Open Settings';
    void vscode.window.showWarningMessage(
      `Stakes: ${err.file} is not valid: ${err.problems.slice(0, 3).join('; ')}${err.problems.length > 3 ? ` (+${err.problems.length - 3} more)` : ''}. The rest of the configuration still applies.`, action)
      .then((choice) => {
        if (choice !== action) return;
        if (isFile) void vscode.window.showTextDocument(vscode.Uri.file(err.file));
        else void vscode.commands.executeCommand('workbench.action.openSettings', 'stakes.routing');
      });
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
