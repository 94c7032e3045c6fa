/** Helpers for tests running inside the extension host, through the real vscode API only. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'stakes-dev.stakes';

/** What the status bar item shows, as reported by the extension's test API. */
export interface StatusSnapshot {
  text: string;
  tooltip: string;
  label: string | undefined;
  visible: boolean;
}

/** The subset of activate()'s return value the tests use. */
export interface StakesTestApi {
  status(): StatusSnapshot;
  /** Re-classify the active editor now (skipping the typing debounce) and return the new state. */
  refresh(): StatusSnapshot;
}

export function extension(): vscode.Extension<StakesTestApi> {
  const ext = vscode.extensions.getExtension<StakesTestApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

/** Activate Stakes (if the host has not yet) and return its API. */
export async function stakes(): Promise<StakesTestApi> {
  const ext = extension();
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api && typeof api.status === 'function', 'activate() must return the test API with status()');
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run needs a workspace folder (a copy of examples/shop-api)');
  return folder.uri.fsPath;
}

export async function openFile(relative: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), relative)));
  return vscode.window.showTextDocument(document, { preview: false, ...options });
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Poll `probe` until it returns a truthy value (which is returned) or `timeoutMs` passes; then fail
 * with `describe()` so the message shows what was seen instead of just "timeout".
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  describe: () => string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Wait until the status bar reports `label` (and return the snapshot). */
export async function waitForLabel(api: StakesTestApi, label: string, timeoutMs = 10_000): Promise<StatusSnapshot> {
  return waitFor(
    () => {
      const s = api.status();
      return s.label === label ? s : undefined;
    },
    () => `expected label "${label}", status is ${JSON.stringify(api.status())}`,
    timeoutMs,
  );
}

/** Write a file in the workspace copy and remember to restore it. */
export class WorkspaceFiles {
  private readonly saved = new Map<string, string | undefined>();

  async write(relative: string, content: string): Promise<void> {
    const file = path.join(workspaceRoot(), relative);
    if (!this.saved.has(file)) this.saved.set(file, await fs.readFile(file, 'utf8').catch(() => undefined));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }

  async restore(): Promise<void> {
    for (const [file, content] of this.saved) {
      if (content === undefined) await fs.rm(file, { force: true });
      else await fs.writeFile(file, content);
    }
    this.saved.clear();
  }
}

/** Set a Stakes setting at workspace level for the duration of a test; returns the undo. */
export async function withSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('stakes');
  const before = config.inspect(key)?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return async () => {
    await vscode.workspace.getConfiguration('stakes').update(key, before, vscode.ConfigurationTarget.Workspace);
  };
}

/** Open webview tabs whose view type contains `viewType` (VS Code prefixes it, e.g. "mainThreadWebview-"). */
export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes(viewType));
}

/** Wait until a webview tab of `viewType` is open; returns it. */
export async function waitForWebview(viewType: string, timeoutMs = 60_000): Promise<vscode.Tab> {
  return waitFor(
    () => webviewTabs(viewType)[0],
    () => `no "${viewType}" webview tab; open tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ') || 'none'}`,
    timeoutMs,
  );
}

/**
 * Point audits at a loopback fake provider server through the openai-compatible provider, with no
 * retries and no modal cost confirmation (it would wait for a click). Returns the undos.
 */
export async function useFakeProvider(baseUrl: string): Promise<Array<() => Promise<void>>> {
  return [
    await withSetting('audit.provider', 'openai-compatible'),
    await withSetting('audit.openaiCompatible.baseUrl', `${baseUrl}/v1`),
    await withSetting('audit.maxRetries', 0),
    await withSetting('audit.localOnly', false),
    await withSetting('audit.confirmAboveUsd', 100),
  ];
}
