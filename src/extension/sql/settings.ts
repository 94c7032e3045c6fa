/**
 * The `stakes.sql.*` settings as one object, read with workspace trust in mind: in an untrusted
 * workspace a connection URL from the workspace's own settings is ignored (it could point the
 * extension, and a stored password, at a server of the workspace author's choosing).
 * Light: no drivers, no core engines; register.ts and the CodeLens use it at activation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfiguredSql } from '../services';
import { connectionKind, effectiveConnection, passwordKey, type ConnectionKind } from './connectionUrl';

export interface SqlSettings {
  /** The connection URL as configured (never contains a password), or '' for the embedded engine. */
  connection: string;
  kind: ConnectionKind;
  /** Set when a workspace-level connection was ignored because the workspace is untrusted. */
  ignoredUntrustedConnection?: string;
  /** Absolute path, or undefined. */
  schemaFile?: string;
  /** Absolute path, or undefined (discover). */
  migrationsPath?: string;
  assumedRows: Record<string, number>;
  defaultAssumedRows: number;
  statementTimeoutMs: number;
  codeLens: boolean;
  /** Folder relative paths are resolved against. */
  folder?: vscode.WorkspaceFolder;
}

/** The workspace folder a document belongs to, or the first folder. */
export function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

function resolvePath(folder: vscode.WorkspaceFolder | undefined, p: string): string | undefined {
  const t = p.trim();
  if (!t) return undefined;
  if (path.isAbsolute(t)) return t;
  if (!folder) return undefined;
  return path.join(folder.uri.fsPath, t);
}

export function readSqlSettings(uri?: vscode.Uri): SqlSettings {
  const folder = folderFor(uri);
  const cfg = vscode.workspace.getConfiguration('stakes.sql', folder?.uri);
  const { connection, ignoredUntrustedConnection } = effectiveConnection(
    cfg.get<string>('connection', '') ?? '', cfg.inspect<string>('connection'), vscode.workspace.isTrusted);
  const rawRows = cfg.get<Record<string, unknown>>('assumedRows', {}) ?? {};
  const assumedRows: Record<string, number> = {};
  for (const [table, n] of Object.entries(rawRows)) {
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) assumedRows[table] = Math.round(n);
  }
  let sqlitePath = connection;
  if (connectionKind(connection) === 'sqlite') {
    const p = connection.slice('sqlite:'.length);
    sqlitePath = `sqlite:${resolvePath(folder, p) ?? p}`;
  }
  return {
    connection: sqlitePath,
    kind: connectionKind(connection),
    ignoredUntrustedConnection,
    schemaFile: resolvePath(folder, cfg.get<string>('schemaFile', '') ?? ''),
    migrationsPath: resolvePath(folder, cfg.get<string>('migrationsPath', '') ?? ''),
    assumedRows,
    defaultAssumedRows: Math.max(0, Math.round(cfg.get<number>('defaultAssumedRows', 100000) ?? 100000)),
    statementTimeoutMs: Math.min(600000, Math.max(100, Math.round(cfg.get<number>('statementTimeoutMs', 10000) ?? 10000))),
    codeLens: cfg.get<boolean>('codeLens', true) ?? true,
    folder,
  };
}

/** The URL with the stored password filled in, for the driver only; never logged or shown. */
export async function withPassword(url: string, secrets: vscode.SecretStorage): Promise<string> {
  const key = passwordKey(url);
  if (!key) return url;
  const password = await secrets.get(key);
  if (!password) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The settings and the stored password as plain data, for features other than EXPLAIN (Services.sqlConfiguration). */
export async function configuredSql(uri: vscode.Uri | undefined, secrets: vscode.SecretStorage): Promise<ConfiguredSql> {
  let s: SqlSettings;
  try {
    s = readSqlSettings(uri);
  } catch (e) {
    return { connection: '', kind: 'embedded', assumedRows: {}, defaultAssumedRows: 100000, statementTimeoutMs: 10000, problem: (e as Error).message };
  }
  const key = s.kind === 'postgres' || s.kind === 'mysql' ? passwordKey(s.connection) : undefined;
  const password = key ? await secrets.get(key) : undefined;
  const schemaPaths = s.schemaFile ? [s.schemaFile] : s.migrationsPath ? [s.migrationsPath] : undefined;
  return {
    connection: s.connection, kind: s.kind, ...(password ? { password } : {}), ...(schemaPaths ? { schemaPaths } : {}),
    assumedRows: s.assumedRows, defaultAssumedRows: s.defaultAssumedRows, statementTimeoutMs: s.statementTimeoutMs,
  };
}
