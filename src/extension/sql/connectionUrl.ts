/**
 * Database URLs as Stakes keeps them: which engine a URL names, checking what the user typed,
 * splitting a typed password off (it goes to SecretStorage, never to settings), the SecretStorage
 * key, and a redacted form for messages. Pure: no vscode, unit-tested in plain Node.
 */

export type ConnectionKind = 'embedded' | 'postgres' | 'mysql' | 'sqlite';

export function connectionKind(url: string): ConnectionKind {
  const u = url.trim().toLowerCase();
  if (u === '' || u === 'embedded') return 'embedded';
  if (u.startsWith('postgres://') || u.startsWith('postgresql://')) return 'postgres';
  if (u.startsWith('mysql://') || u.startsWith('mariadb://')) return 'mysql';
  if (u.startsWith('sqlite:')) return 'sqlite';
  throw new Error(`stakes.sql.connection "${url}" is not a database URL. Use postgres://user@host:5432/db, ` +
    'mysql://user@host:3306/db, sqlite:path/to/file.db, or leave it empty for the embedded PostgreSQL. ' +
    'Run "Stakes: Choose SQL connection…" to pick one.');
}

/**
 * The key a connection's password is stored under in SecretStorage: scheme, user, host, port and
 * database, so one password serves the same login from any workspace.
 */
export function passwordKey(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!u.protocol.startsWith('postgres') && u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') return undefined;
    const scheme = u.protocol.startsWith('postgres') ? 'postgres' : 'mysql';
    return `stakes.sql.password:${scheme}://${decodeURIComponent(u.username)}@${u.hostname}:${u.port}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/** A URL safe to show: any password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export const EXAMPLE_URL: Record<'postgres' | 'mysql', string> = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: 'mysql://root@127.0.0.1:3306/test',
};

/** Checks a server URL typed by the user; returns the problem, or undefined when it is usable. */
export function validateServerUrl(value: string, kind: 'postgres' | 'mysql'): string | undefined {
  const v = value.trim();
  if (!v) return `Enter a URL such as ${EXAMPLE_URL[kind]}`;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `Not a URL. Use the form ${EXAMPLE_URL[kind]}`;
  }
  const scheme = u.protocol.replace(/:$/, '');
  const ok = kind === 'postgres' ? ['postgres', 'postgresql'].includes(scheme) : ['mysql', 'mariadb'].includes(scheme);
  if (!ok) return kind === 'postgres' ? 'A PostgreSQL URL starts with postgres:// or postgresql://' : 'A MySQL/MariaDB URL starts with mysql:// or mariadb://';
  if (!u.hostname) return `The URL has no host. Use the form ${EXAMPLE_URL[kind]}`;
  if (u.port && !/^\d+$/.test(u.port)) return 'The port must be a number';
  if (!u.pathname || u.pathname === '/') return `Add the database name after the host, e.g. ${EXAMPLE_URL[kind]}`;
  return undefined;
}

/** Splits a password typed into the URL off, so it never reaches settings. */
export function splitPassword(url: string): { url: string; password?: string } {
  const u = new URL(url.trim());
  if (!u.password) return { url: u.toString() };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

/** The scopes of stakes.sql.connection as VS Code's `inspect()` reports them. */
export interface ConnectionScopes {
  globalValue?: string;
  workspaceValue?: string;
  workspaceFolderValue?: string;
}

/**
 * The connection to use. In an untrusted workspace only the user's own value counts: VS Code
 * already drops restricted settings in Restricted Mode, and this is the second line of defence
 * (older hosts, or a setting not yet declared restricted), so a cloned repository can never point
 * EXPLAIN, and a stored password, at a server of its choosing.
 */
export function effectiveConnection(value: string, scopes: ConnectionScopes | undefined, trusted: boolean): { connection: string; ignoredUntrustedConnection?: string } {
  if (trusted) return { connection: value.trim() };
  const connection = (scopes?.globalValue ?? '').trim();
  const fromWorkspace = (scopes?.workspaceFolderValue ?? scopes?.workspaceValue)?.trim();
  return fromWorkspace && fromWorkspace !== connection ? { connection, ignoredUntrustedConnection: fromWorkspace } : { connection };
}
