/**
 * Real database servers for tests. A test that needs one calls `await needPostgres(this)` (or
 * needMariadb) in a `before` hook: when the server is missing it FAILS under CI=true and is skipped,
 * with the reason printed, everywhere else.
 */
import * as net from 'node:net';

export const POSTGRES_URL = process.env.STAKES_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MARIADB_URL = process.env.STAKES_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A name unique to this test run, for databases and schemas the tests create and drop. */
export function runScopedName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
}

function portOpen(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Fails (CI) or skips (elsewhere) the current suite with a printed reason. */
export function missingService(ctx: Mocha.Context, what: string, fix: string): void {
  const msg = `${what} is not available: ${fix}`;
  if (process.env.CI === 'true') throw new Error(`CI requires ${msg}`);
  console.log(`      skipped: ${msg}`);
  ctx.skip();
}

export async function needPostgres(ctx: Mocha.Context, url = POSTGRES_URL): Promise<void> {
  const u = new URL(url);
  if (!(await portOpen(u.hostname, Number(u.port || 5432)))) missingService(ctx, `PostgreSQL at ${u.hostname}:${u.port || 5432}`, 'start it (.ci/services.sh) or set STAKES_TEST_PG_URL');
}

export async function needMariadb(ctx: Mocha.Context, url = MARIADB_URL): Promise<void> {
  const u = new URL(url);
  if (!(await portOpen(u.hostname, Number(u.port || 3306)))) missingService(ctx, `MariaDB/MySQL at ${u.hostname}:${u.port || 3306}`, 'start it (.ci/services.sh) or set STAKES_TEST_MYSQL_URL');
}

/** A database of its own on the test PostgreSQL, connected; `drop()` disconnects and removes it. */
export async function scratchPostgres(name: string): Promise<{ url: string; client: import('pg').Client; drop(): Promise<void> }> {
  const pg = await import('pg');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = POSTGRES_URL.replace(/\/[^/]*$/, `/${name}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url, client,
    async drop() {
      await client.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}
