/**
 * The EXPLAIN pipeline against real engines: PostgreSQL and MariaDB on this machine, SQLite through
 * sql.js, and embedded PGlite in its child process. Each gets a table of 120,000 rows.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { createExplainer, type Explainer } from '../../../src/core/sql/api';
import { SqlExplainError } from '../../../src/core/sql/errors';
import type { EngineSpec, ExplainRequest, ExplainResult } from '../../../src/core/sql/types';
import { MARIADB_URL, needMariadb, needPostgres, POSTGRES_URL, runScopedName } from '../../support/services';

const ROWS = 120_000;
const FILTER_SQL = 'SELECT * FROM orders WHERE customer_id = 4242';
const MOST_SQL = 'SELECT * FROM orders WHERE amount >= 1';
const MALFORMED_SQL = 'SELECT * FROM orders WHER customer_id = 1';
const cacheDir = path.join(os.tmpdir(), 'stakes-test-cache');

interface Target {
  spec: () => EngineSpec;
  extra?: Partial<ExplainRequest>;
  count: () => Promise<number>;
  paramMode: ExplainResult['parameterMode'];
  indexStatement: RegExp;
}

async function expectError(p: Promise<unknown>, kind: string): Promise<SqlExplainError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SqlExplainError, `expected SqlExplainError, got ${(e as Error).stack}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

/** The same expectations for every engine. */
function sharedScenarios(t: () => Target, explainer: () => Explainer): void {
  const run = (sql: string, more: Partial<ExplainRequest> = {}): Promise<ExplainResult> =>
    explainer().explainStatement({ sql, engine: t().spec(), ...t().extra, ...more });

  it('flags a filter on an unindexed column and suggests an index verified to halve the cost', async () => {
    const r = await run(FILTER_SQL);
    const f = r.findings.find((x) => x.id === 'indexable-seq-scan');
    assert.ok(f, `no indexable-seq-scan finding: ${JSON.stringify(r.findings.map((x) => x.id))}`);
    assert.ok(f.nodeId, 'the finding points at a plan node');
    assert.equal(r.suggestions.length, 1, JSON.stringify(r.candidates));
    const s = r.suggestions[0];
    assert.deepEqual(s.columns, ['customer_id']);
    assert.ok(s.costAfter <= s.costBefore / 2, `cost ${s.costBefore} → ${s.costAfter}`);
    assert.ok(s.reduction >= 0.5);
    assert.match(s.statement, t().indexStatement);
    assert.ok(JSON.stringify(s.planAfter).includes('customer_id'), 'the plan after uses the index');
  });

  it('suggests nothing for a query that reads most of the table', async () => {
    const r = await run(MOST_SQL);
    assert.deepEqual(r.suggestions, []);
    assert.ok(r.candidates.some((c) => c.columns.includes('amount') && c.outcome !== 'suggested'), `the amount index was tried and rejected: ${JSON.stringify(r.candidates)}`);
  });

  it('plans parameterised statements', async () => {
    const r = await run('SELECT * FROM orders WHERE customer_id = $1 AND status = ?');
    assert.equal(r.parameterMode, t().paramMode);
    assert.ok(r.findings.some((f) => f.id === 'indexable-seq-scan'));
    assert.ok(r.suggestions.length >= 1, JSON.stringify(r.candidates));
  });

  it('names the position of a syntax error', async () => {
    const e = await expectError(run(MALFORMED_SQL), 'syntax');
    assert.equal(e.position?.offset, MALFORMED_SQL.indexOf('customer_id'));
    assert.match(e.message, /line 1, column 27/);
  });

  it('refuses ANALYZE of a DELETE without confirmation, and rolls it back with confirmation', async () => {
    await expectError(run('DELETE FROM orders WHERE customer_id < 5000', { analyze: true }), 'unsafe');
    const r = await run('DELETE FROM orders WHERE customer_id < 5000', { analyze: true, confirmDataChange: true });
    assert.equal(r.analyzed, true);
    assert.equal(await t().count(), ROWS, 'every row is still there');
  });

  it('runs ANALYZE on a SELECT and reports actual rows', async () => {
    const r = await run('SELECT id FROM orders WHERE status = \'cancelled\'', { analyze: true });
    assert.equal(r.analyzed, true);
    let actual: number | undefined;
    const walk = (n: ExplainResult['plan']): void => { if (n.actualRows !== undefined && actual === undefined) actual = n.actualRows; n.children.forEach(walk); };
    walk(r.plan);
    assert.ok(actual !== undefined && actual > 0, 'actual rows reported');
  });
}

describe('sql engines: PostgreSQL (pg)', function () {
  this.timeout(120_000);
  const db = runScopedName('stakes_sql');
  let admin: import('pg').Client;
  let client: import('pg').Client;
  let explainer: Explainer;
  const url = POSTGRES_URL.replace(/\/[^/]*$/, `/${db}`);

  before(async function () {
    await needPostgres(this);
    const pg = await import('pg');
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, amount numeric NOT NULL, note text);
      INSERT INTO orders SELECT g, g % 20000, CASE WHEN g % 100 = 0 THEN 'cancelled' ELSE 'paid' END, 1 + g % 1000, md5(g::text) FROM generate_series(1, ${ROWS}) g;
      ANALYZE orders;`);
    explainer = createExplainer({ cacheDir });
  });

  after(async () => {
    await explainer?.dispose();
    await client?.end();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  });

  sharedScenarios(() => ({
    spec: () => ({ kind: 'postgres', url }),
    count: async () => Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n),
    paramMode: 'prepared-generic',
    indexStatement: /^CREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "orders" \("customer_id"\);$/,
  }), () => explainer);

  it('uses HypoPG when the server has it', async function () {
    const avail = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
    if (!avail.rowCount) {
      if (process.env.CI === 'true') throw new Error('CI requires HypoPG: apt-get install postgresql-15-hypopg');
      console.log('      skipped: HypoPG is not installed (apt-get install postgresql-15-hypopg)');
      this.skip();
    }
    const r = await explainer.explainStatement({ sql: FILTER_SQL, engine: { kind: 'postgres', url } });
    assert.equal(r.suggestions[0]?.method, 'hypopg');
    // Nothing persists: no extension left behind, no index created.
    const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'");
    assert.equal(ext.rowCount, 0);
    const idx = await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'orders'");
    assert.deepEqual(idx.rows.map((x) => x.indexname), ['orders_pkey']);
  });

  it('skips candidates an existing index already covers', async () => {
    await client.query('CREATE INDEX orders_status_customer ON orders (status, customer_id)');
    try {
      const r = await explainer.explainStatement({ sql: "SELECT * FROM orders WHERE status = 'x' AND customer_id = 7 AND amount > 990", engine: { kind: 'postgres', url } });
      const c = r.candidates.find((x) => x.columns.join() === 'status');
      assert.equal(c?.outcome, 'covered-by-existing');
    } finally {
      await client.query('DROP INDEX orders_status_customer');
    }
  });

  it('gives a clear error when the database is unreachable', async () => {
    const e = await expectError(explainer.explainStatement({ sql: 'SELECT 1', engine: { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/nowhere' } }), 'connection');
    assert.match(e.message, /PostgreSQL at 127\.0\.0\.1:1/);
    assert.match(e.message, /running/);
  });

  it('stops a statement at statement_timeout with a clear error', async () => {
    const e = await expectError(explainer.explainStatement({ sql: 'SELECT pg_sleep(5)', engine: { kind: 'postgres', url }, analyze: true, statementTimeoutMs: 300 }), 'timeout');
    assert.match(e.message, /statement_timeout/);
  });

  it('explains in a read-only transaction: a plain EXPLAIN of a DELETE changes nothing', async () => {
    const r = await explainer.explainStatement({ sql: 'DELETE FROM orders', engine: { kind: 'postgres', url } });
    assert.equal(r.plan.nodeType, 'ModifyTable');
    assert.equal(Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n), ROWS);
  });
});

describe('sql engines: MariaDB (mysql2)', function () {
  this.timeout(120_000);
  const db = runScopedName('stakes_sql');
  let conn: import('mysql2/promise').Connection;
  let explainer: Explainer;
  const url = MARIADB_URL.replace(/\/[^/]*$/, `/${db}`);

  before(async function () {
    await needMariadb(this);
    const mysql = await import('mysql2/promise');
    const u = new URL(MARIADB_URL);
    conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username) || 'root', password: decodeURIComponent(u.password) });
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`USE ${db}`);
    await conn.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status varchar(20) NOT NULL, amount decimal(10,2) NOT NULL, note varchar(64)) ENGINE=InnoDB');
    await conn.query(`INSERT INTO orders SELECT seq, seq % 20000, IF(seq % 100 = 0, 'cancelled', 'paid'), 1 + seq % 1000, md5(seq) FROM seq_1_to_${ROWS}`);
    await conn.query('ANALYZE TABLE orders');
    explainer = createExplainer({ cacheDir });
  });

  after(async () => {
    await explainer?.dispose();
    if (conn) {
      await conn.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
      await conn.end();
    }
  });

  sharedScenarios(() => ({
    spec: () => ({ kind: 'mysql', url }),
    count: async () => Number(((await conn.query('SELECT count(*) AS n FROM orders'))[0] as Array<{ n: number }>)[0].n),
    paramMode: 'sample-values',
    indexStatement: /^ALTER TABLE `orders` ADD INDEX `orders_customer_id_idx` \(`customer_id`\), ALGORITHM=INPLACE, LOCK=NONE;$/,
  }), () => explainer);

  it('never alters the real table while trying indexes', async () => {
    await explainer.explainStatement({ sql: FILTER_SQL, engine: { kind: 'mysql', url } });
    const [rows] = await conn.query('SHOW INDEX FROM orders');
    assert.deepEqual((rows as Array<{ Key_name: string }>).map((r) => r.Key_name), ['PRIMARY']);
  });

  it('gives a clear error when the server is unreachable', async () => {
    const e = await expectError(explainer.explainStatement({ sql: 'SELECT 1', engine: { kind: 'mysql', url: 'mysql://root@127.0.0.1:1/test' } }), 'connection');
    assert.match(e.message, /127\.0\.0\.1:1/);
  });
});

describe('sql engines: SQLite (sql.js)', function () {
  this.timeout(120_000);
  let file: string;
  let hashBefore: string;
  let explainer: Explainer;
  const hash = (): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  before(async () => {
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, amount REAL NOT NULL, note TEXT);
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS})
      INSERT INTO orders SELECT n, n % 20000, CASE WHEN n % 100 = 0 THEN 'cancelled' ELSE 'paid' END, 1 + n % 1000, hex(randomblob(8)) FROM g;`);
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-sqlite-')), 'shop.db');
    fs.writeFileSync(file, db.export());
    db.close();
    hashBefore = hash();
    explainer = createExplainer({ cacheDir });
  });

  after(async () => {
    await explainer?.dispose();
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  sharedScenarios(() => ({
    spec: () => ({ kind: 'sqlite', file }),
    count: async () => {
      // The file is never written, and the in-memory copy was rolled back.
      assert.equal(hash(), hashBefore);
      const r = await explainer.explainStatement({ sql: 'SELECT id FROM orders', engine: { kind: 'sqlite', file }, analyze: true, suggestIndexes: false });
      return r.plan.actualRows ?? -1;
    },
    paramMode: 'generic-plan',
    indexStatement: /^CREATE INDEX "orders_customer_id_idx" ON "orders" \("customer_id"\);$/,
  }), () => explainer);

  it('gives a clear error for a missing database file', async () => {
    const e = await expectError(explainer.explainStatement({ sql: 'SELECT 1', engine: { kind: 'sqlite', file: '/nonexistent/x.db' } }), 'connection');
    assert.match(e.message, /not found: \/nonexistent\/x\.db/);
  });
});

describe('sql engines: embedded PostgreSQL (PGlite child process)', function () {
  this.timeout(180_000);
  let root: string;
  let explainer: Explainer;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-ws-'));
    fs.mkdirSync(path.join(root, 'migrations'));
    fs.writeFileSync(path.join(root, 'migrations', '001_init.sql'), [
      '\\set ON_ERROR_STOP on',
      'CREATE EXTENSION IF NOT EXISTS postgis;',
      'CREATE EXTENSION IF NOT EXISTS pg_trgm;',
      'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL CHECK (status <> \'\'), amount numeric NOT NULL, note text);',
      'CREATE INDEX orders_note_trgm ON orders USING gin (note gin_trgm_ops);',
      "CREATE TABLE tickets (id bigserial PRIMARY KEY, state text NOT NULL CHECK (state IN ('open', 'closed')), flagged boolean NOT NULL DEFAULT false, owner_id int);",
      'COPY orders (customer_id, status, amount) FROM stdin;',
      '1\tpaid\t10',
      '\\.',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'migrations', '002_seed.sql'),
      `INSERT INTO orders (customer_id, status, amount) SELECT g % 20000, CASE WHEN g % 100 = 0 THEN 'cancelled' ELSE 'paid' END, 1 + g % 1000 FROM generate_series(1, ${ROWS}) g;`);
    explainer = createExplainer({ cacheDir, idleTimeoutMs: 0 });
  });

  after(async () => {
    await explainer?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  sharedScenarios(() => ({
    spec: () => ({ kind: 'embedded' }),
    extra: { workspaceRoot: root, rows: { orders: ROWS } },
    count: async () => {
      const r = await explainer.explainStatement({ sql: 'SELECT id FROM orders', engine: { kind: 'embedded' }, workspaceRoot: root, analyze: true, suggestIndexes: false });
      return r.plan.actualRows ?? -1;
    },
    paramMode: 'generic-plan',
    indexStatement: /^CREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "orders" \("customer_id"\);$/,
  }), () => explainer);

  it('loads the migrations, reports what it skipped, and labels results as estimates', async () => {
    const r = await explainer.explainStatement({ sql: FILTER_SQL, engine: { kind: 'embedded' }, workspaceRoot: root, rows: { orders: 2_000_000 } });
    assert.equal(r.estimate, true);
    assert.equal(r.assumedRows?.orders, 2_000_000);
    assert.match(r.warnings.join('\n'), /Estimate: .*orders = 2,000,000 rows/);
    const kinds = r.skippedMigrationStatements.map((s) => s.kind).sort();
    assert.deepEqual(kinds, ['copy-data', 'extension-unavailable', 'psql-meta-command']);
    assert.equal(r.schema?.files.length, 2);
    assert.equal(r.schema?.statementsRun, 5);
    assert.equal(r.skippedMigrationStatements.find((s) => s.kind === 'extension-unavailable')?.line, 1);
  });

  it('explains every query of a project and reports N+1 loops, skipping tests and migrations', async () => {
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, 'test'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'repo.ts'), [
      'export async function byCustomer(id: number) {',
      '  return pool.query(`SELECT * FROM orders WHERE customer_id = ${id}`);',
      '}',
      'export async function many(ids: number[]) {',
      '  for (const id of ids) await pool.query("SELECT * FROM orders WHERE id = $1", [id]);',
      '  await pool.query(`UPDATE orders SET ${fields} WHERE id = $1`, [1]);',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(root, 'test', 'repo.test.ts'), 'await pool.query("SELECT * FROM orders WHERE status = $1", ["x"]);');
    const rep = await explainer.explainWorkspace(root, { rows: { orders: ROWS } });
    assert.deepEqual(rep.results.map((x) => x.statement.range.start.line), [1, 4, 5]);
    const [scan, loop, dynamic] = rep.results;
    assert.ok(scan.result?.findings.some((f) => f.id === 'indexable-seq-scan'));
    assert.equal(scan.result?.suggestions[0]?.columns[0], 'customer_id');
    assert.ok(loop.result?.findings.some((f) => f.id === 'n-plus-one' && f.range?.start.line === 4));
    assert.equal(dynamic.error?.kind, 'syntax');
    assert.match(dynamic.error?.message ?? '', /inserts \$\{fields\}, which builds SQL text at runtime/);
    assert.equal(rep.codeFindings.length, 1);
  });

  it('knows low-cardinality columns from the schema: no index on a two-valued CHECK column, one on a selective column', async () => {
    const r = await explainer.explainStatement({ sql: "SELECT * FROM tickets WHERE state = 'open' AND flagged", engine: { kind: 'embedded' }, workspaceRoot: root });
    assert.deepEqual(r.suggestions, [], JSON.stringify(r.candidates));
    assert.ok(r.candidates.some((c) => c.columns.join() === 'state' && c.outcome !== 'suggested'));
    const owner = await explainer.explainStatement({ sql: 'SELECT * FROM tickets WHERE owner_id = $1', engine: { kind: 'embedded' }, workspaceRoot: root });
    assert.deepEqual(owner.suggestions.map((s) => s.columns.join()), ['owner_id']);
  });

  it('assumes the default row count for tables without one, and the plan scales with it', async () => {
    const small = await explainer.explainStatement({ sql: MOST_SQL, engine: { kind: 'embedded' }, workspaceRoot: root, rows: { orders: 1000 }, suggestIndexes: false });
    const big = await explainer.explainStatement({ sql: MOST_SQL, engine: { kind: 'embedded' }, workspaceRoot: root, rows: { orders: 1_000_000 }, suggestIndexes: false });
    assert.ok((big.plan.estimatedRows ?? 0) > (small.plan.estimatedRows ?? 0) * 100, `${small.plan.estimatedRows} vs ${big.plan.estimatedRows}`);
  });
});

describe('sql engines: embedded engine process lifecycle', function () {
  this.timeout(120_000);
  const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const waitFor = async (cond: () => boolean, ms: number): Promise<boolean> => {
    const end = Date.now() + ms;
    while (Date.now() < end) { if (cond()) return true; await new Promise((r) => setTimeout(r, 100)); }
    return cond();
  };

  it('runs PGlite in a child process that stops when idle and on dispose, and restarts on demand', async () => {
    const explainer = createExplainer({ cacheDir, idleTimeoutMs: 800 });
    try {
      const sql = 'SELECT 1 AS x';
      await explainer.explainStatement({ sql, engine: { kind: 'embedded' }, suggestIndexes: false });
      const pid = explainer.embeddedPid();
      assert.ok(pid && pid !== process.pid && alive(pid), 'a separate process');
      assert.ok(await waitFor(() => !alive(pid), 10_000), 'stopped after the idle timeout');
      assert.equal(explainer.embeddedPid(), undefined);
      await explainer.explainStatement({ sql, engine: { kind: 'embedded' }, suggestIndexes: false });
      const again = explainer.embeddedPid();
      assert.ok(again && again !== pid && alive(again), 'restarted on the next request');
      await explainer.dispose();
      assert.ok(await waitFor(() => !alive(again), 5000), 'stopped on dispose');
    } finally {
      await explainer.dispose();
    }
  });
});
