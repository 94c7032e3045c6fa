/** PostgreSQL servers through `pg` (loaded on first use). */
import { connectionError, SqlExplainError } from '../errors';
import { PgEngine, type PgSession } from './pg-engine';

export interface PostgresTarget {
  url: string;
  password?: string;
  connectTimeoutMs?: number;
}

export function describePostgresUrl(url: string): { host?: string; port?: number; database?: string; user?: string } {
  try {
    const u = new URL(url);
    return { host: u.hostname || 'localhost', port: Number(u.port || 5432), database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined, user: decodeURIComponent(u.username) || undefined };
  } catch {
    throw new SqlExplainError('config', `"${redact(url)}" is not a valid PostgreSQL URL. Use postgres://USER@HOST:PORT/DATABASE.`);
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export async function openPostgres(target: PostgresTarget): Promise<PgEngine> {
  const pg = require('pg') as typeof import('pg');
  const where = describePostgresUrl(target.url);
  const client = new pg.Client({
    connectionString: target.url,
    ...(target.password !== undefined ? { password: target.password } : {}),
    connectionTimeoutMillis: target.connectTimeoutMs ?? 5000,
    application_name: 'stakes-explain',
  });
  // A dropped connection must not crash the host: errors surface on the next query instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw connectionError({ engine: 'PostgreSQL', ...where }, e);
  }
  let queue: Promise<unknown> = Promise.resolve();
  const session: PgSession = {
    // One statement at a time on one connection: transactions must not interleave.
    query: (sql) => {
      const run = queue.then(async () => {
        const res = await client.query(sql);
        const last = Array.isArray(res) ? res[res.length - 1] : res;
        return (last?.rows ?? []) as Array<Record<string, unknown>>;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    close: async () => { await client.end().catch(() => undefined); },
  };
  const engine = new PgEngine({ kind: 'postgres', label: `PostgreSQL ${where.host}:${where.port}/${where.database ?? ''}`, session, estimate: false });
  await engine.version();
  await engine.detectIndexMethod();
  return engine;
}
