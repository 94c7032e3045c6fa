/**
 * "Choose SQL connection…", "Set database password…" and "Clear database password…".
 * URLs go to settings without a password; passwords go to SecretStorage (the OS keychain).
 * Light: no drivers here; testing a new connection goes through the lazily loaded host.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { connectionKind, EXAMPLE_URL, passwordKey, redactUrl, splitPassword, validateServerUrl, type ConnectionKind } from './connectionUrl';
import { folderFor, readSqlSettings } from './settings';

interface KindItem extends vscode.QuickPickItem {
  kind2: ConnectionKind;
}

async function saveConnection(value: string, uri: vscode.Uri | undefined): Promise<boolean> {
  const folder = folderFor(uri);
  const cfg = vscode.workspace.getConfiguration('stakes.sql', folder?.uri);
  let target = vscode.ConfigurationTarget.Global;
  if (vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted) {
    const pick = await vscode.window.showQuickPick([
      { label: 'This workspace', description: 'workspace settings (.vscode/settings.json)', target: vscode.ConfigurationTarget.Workspace },
      { label: 'All workspaces', description: 'user settings on this machine', target: vscode.ConfigurationTarget.Global },
    ], { title: 'Stakes: save the SQL connection for…', ignoreFocusOut: true });
    if (!pick) return false;
    target = pick.target;
  }
  await cfg.update('connection', value, target);
  if (target === vscode.ConfigurationTarget.Global) {
    // A workspace value would silently win over the user value just written.
    const inspected = cfg.inspect<string>('connection');
    if (inspected?.workspaceValue !== undefined && inspected.workspaceValue !== value && vscode.workspace.isTrusted) {
      const clear = 'Remove workspace value';
      const choice = await vscode.window.showWarningMessage(
        `This workspace sets stakes.sql.connection to "${redactUrl(inspected.workspaceValue)}", which overrides your user setting.`, clear);
      if (choice === clear) await cfg.update('connection', undefined, vscode.ConfigurationTarget.Workspace);
    }
  }
  return true;
}

async function askPassword(url: string, secrets: vscode.SecretStorage, preset?: string): Promise<boolean> {
  const key = passwordKey(url);
  if (!key) return true;
  if (preset !== undefined) {
    await secrets.store(key, preset);
    return true;
  }
  const u = new URL(url);
  const had = (await secrets.get(key)) !== undefined;
  const password = await vscode.window.showInputBox({
    title: `Password for ${decodeURIComponent(u.username) || '(default user)'}@${u.host}${u.pathname}`,
    prompt: had ? 'Leave empty to keep the stored password. Stored in the OS keychain, never in settings.'
      : 'Leave empty if the server needs none (trust or peer authentication). Stored in the OS keychain, never in settings.',
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return false;
  if (password !== '') await secrets.store(key, password);
  return true;
}

export type TestConnection = (uri: vscode.Uri | undefined) => Promise<void>;

export async function chooseConnection(secrets: vscode.SecretStorage, uri: vscode.Uri | undefined, test: TestConnection): Promise<void> {
  let current: ConnectionKind = 'embedded';
  let currentUrl = '';
  try {
    const s = readSqlSettings(uri);
    current = s.kind;
    currentUrl = s.connection;
  } catch {
    // An invalid value: offer every choice, none marked current.
  }
  const mark = (k: ConnectionKind) => (k === current ? ' (current)' : '');
  const items: KindItem[] = [
    { kind2: 'embedded', label: `$(database) Embedded PostgreSQL${mark('embedded')}`, description: 'default, no server needed',
      detail: 'PGlite in a child process, loaded with this workspace\'s migrations. Plans are estimates on assumed table sizes.' },
    { kind2: 'postgres', label: `$(server) PostgreSQL server…${mark('postgres')}`, description: 'postgres://user@host:5432/db',
      detail: 'Real plans; EXPLAIN ANALYZE and index advice with HypoPG when the server has it.' },
    { kind2: 'mysql', label: `$(server) MySQL / MariaDB server…${mark('mysql')}`, description: 'mysql://user@host:3306/db' },
    { kind2: 'sqlite', label: `$(file) SQLite database file…${mark('sqlite')}`, description: 'sqlite:path/to/file.db' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Stakes: where should EXPLAIN run?', ignoreFocusOut: true, matchOnDetail: true });
  if (!picked) return;
  const folder = folderFor(uri);
  let value: string;
  if (picked.kind2 === 'embedded') {
    value = '';
  } else if (picked.kind2 === 'sqlite') {
    const files = await vscode.window.showOpenDialog({
      title: 'SQLite database file', canSelectMany: false, canSelectFiles: true, canSelectFolders: false,
      defaultUri: folder?.uri, filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3', 'db3'], 'All files': ['*'] },
    });
    if (!files?.length) return;
    const file = files[0].fsPath;
    const rel = folder ? path.relative(folder.uri.fsPath, file) : '';
    value = `sqlite:${rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file}`;
  } else {
    const kind = picked.kind2;
    const entered = await vscode.window.showInputBox({
      title: kind === 'postgres' ? 'PostgreSQL connection URL' : 'MySQL / MariaDB connection URL',
      prompt: 'Without the password: you are asked for it next, and it is kept in the OS keychain.',
      value: current === kind && currentUrl ? currentUrl : EXAMPLE_URL[kind],
      ignoreFocusOut: true,
      validateInput: (v) => validateServerUrl(v, kind),
    });
    if (entered === undefined) return;
    const split = splitPassword(entered);
    value = split.url;
    if (!(await askPassword(value, secrets, split.password))) return;
  }
  if (!(await saveConnection(value, uri))) return;
  const label = value ? redactUrl(value) : 'the embedded PostgreSQL';
  if (connectionKind(value) === 'embedded') {
    void vscode.window.showInformationMessage('Stakes: EXPLAIN now runs on the embedded PostgreSQL, loaded with this workspace\'s migrations.');
    return;
  }
  const testIt = 'Test connection';
  const choice = await vscode.window.showInformationMessage(`Stakes: EXPLAIN now runs on ${label}.`, testIt);
  if (choice === testIt) await test(uri);
}

export async function setPassword(secrets: vscode.SecretStorage, uri: vscode.Uri | undefined, choose: () => Thenable<unknown>): Promise<void> {
  const s = readSqlSettings(uri);
  if (s.kind !== 'postgres' && s.kind !== 'mysql') {
    const pick = 'Choose SQL connection…';
    const c = await vscode.window.showInformationMessage('Stakes: the current SQL connection needs no password. Choose a PostgreSQL or MySQL/MariaDB server first.', pick);
    if (c === pick) await choose();
    return;
  }
  const key = passwordKey(s.connection)!;
  const u = new URL(s.connection);
  const password = await vscode.window.showInputBox({
    title: `Password for ${decodeURIComponent(u.username) || '(default user)'}@${u.host}${u.pathname}`,
    prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings.',
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return;
  await secrets.store(key, password);
  void vscode.window.showInformationMessage(`Stakes: password stored for ${redactUrl(s.connection)}.`);
}

export async function clearPassword(secrets: vscode.SecretStorage, uri: vscode.Uri | undefined): Promise<void> {
  const s = readSqlSettings(uri);
  const key = s.kind === 'postgres' || s.kind === 'mysql' ? passwordKey(s.connection) : undefined;
  if (!key || (await secrets.get(key)) === undefined) {
    void vscode.window.showInformationMessage(`Stakes: no password is stored for ${s.connection ? redactUrl(s.connection) : 'the embedded PostgreSQL'}.`);
    return;
  }
  const yes = 'Clear password';
  const c = await vscode.window.showWarningMessage(`Remove the stored password for ${redactUrl(s.connection)} from the OS keychain?`, { modal: true }, yes);
  if (c !== yes) return;
  await secrets.delete(key);
  void vscode.window.showInformationMessage(`Stakes: password for ${redactUrl(s.connection)} cleared.`);
}
