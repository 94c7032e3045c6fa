/**
 * Statements whose effects escape a rollback are refused before anything runs, DDL and transaction
 * control get a plain "cannot be explained", MariaDB's own JSON plans are read as it writes them, DML
 * is explained on MariaDB without running, a file mixing statement kinds explains what it can, and
 * the embedded engine's migrations run under the statement timeout. Real PostgreSQL, MariaDB, PGlite.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExplainer, type Explainer } from '../../../src/core/sql/api';
import { SqlExplainError } from '../../../src/core/sql/errors';
import { parseExplainJson } from '../../../src/core/sql/plan';
import { escapingSideEffect, unexplainableKind } from '../../../src/core/sql/safety';
import type { EngineSpec } from '../../../src/core/sql/types';
import { runCli } from '../../support/cli';
import { MARIADB_URL, needMariadb, needPostgres, POSTGRES_URL, runScopedName } from '../../support/services';

const cacheDir = path.join(os.tmpdir(), 'stakes-test-cache');

async function expectError(p: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SqlExplainError, String((e as Error)?.stack ?? e));
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return;
  }
  assert.fail(`expected a ${kind} error`);
}

const ESCAPING = [
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
  'SELECT pg_cancel_backend(12345)',
  'SELECT pg_reload_conf()',
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT lo_import('/etc/hostname')",
  "SELECT lo_export(16400, '/tmp/x')",
  "SELECT * FROM dblink('dbname=postgres', 'DELETE FROM t') AS t(x int)",
  "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'",
  "SELECT * FROM users INTO OUTFILE '/tmp/users.csv'",
  "SELECT 'x' INTO DUMPFILE '/tmp/x.bin'",
  "SELECT LOAD_FILE('/etc/passwd')",
  'SELECT GET_LOCK(\'deploy\', 10)',
  'SELECT pg_advisory_lock(42)',
];

describe('SQL refusals and engine quirks', function () {
  this.timeout(120_000);
  let explainer: Explainer;
  before(() => { explainer = createExplainer({ cacheDir, idleTimeoutMs: 0 }); });
  after(() => explainer.dispose());

  it('names the effect that escapes a rollback, and ignores the same words in strings and comments', () => {
    for (const sql of ESCAPING) assert.ok(escapingSideEffect(sql), sql);
    assert.equal(escapingSideEffect("SELECT 'pg_terminate_backend(1)' AS note -- INTO OUTFILE"), null);
    assert.equal(escapingSideEffect('SELECT * FROM orders WHERE id = 1'), null);
  });

  describe('on PostgreSQL', () => {
    before(async function () { await needPostgres(this); });
    const pg = (): EngineSpec => ({ kind: 'postgres', url: POSTGRES_URL });

    it('refuses ANALYZE of statements whose effects escape the rollback, even confirmed, before running them', async () => {
      for (const sql of ESCAPING) {
        await expectError(explainer.explainStatement({ sql, engine: pg(), analyze: true, confirmDataChange: true }), 'unsafe', /refused even with --confirm-data-change/);
      }
      // Plain EXPLAIN runs nothing: the plan is shown.
      const plain = await explainer.explainStatement({ sql: 'SELECT pg_cancel_backend(pid) FROM pg_stat_activity', engine: pg(), suggestIndexes: false });
      assert.ok(plain.plan);
    });

    it('says "DDL and transaction control cannot be explained" instead of a syntax error', async () => {
      for (const sql of ['DROP TABLE orders', 'TRUNCATE orders', 'CREATE TABLE zz (a int)', 'BEGIN', 'COMMIT', 'SET search_path = x', 'VACUUM orders', 'GRANT SELECT ON t TO u']) {
        await expectError(explainer.explainStatement({ sql, engine: pg() }), 'unsupported', /DDL and transaction control cannot be explained/);
        assert.ok(unexplainableKind(sql));
      }
    });
  });

  describe('on MariaDB', () => {
    const table = runScopedName('zz_safety');
    let maria: () => EngineSpec;
    before(async function () {
      await needMariadb(this);
      maria = () => ({ kind: 'mysql', url: MARIADB_URL });
      const mysql = await import('mysql2/promise');
      const u = new URL(MARIADB_URL);
      const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username) || 'root', database: u.pathname.slice(1) });
      await conn.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, email VARCHAR(120), note VARCHAR(120), KEY (email)) ENGINE=InnoDB`);
      await conn.query(`INSERT INTO ${table} VALUES (1, 'a@x.io', 'n'), (2, 'o''brien@x.io', 'q"uote')`);
      await conn.end();
    });
    after(async () => {
      if (!maria) return;
      const mysql = await import('mysql2/promise');
      const u = new URL(MARIADB_URL);
      const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username) || 'root', database: u.pathname.slice(1) });
      await conn.query(`DROP TABLE IF EXISTS ${table}`);
      await conn.end();
    });

    it("reads MariaDB's JSON plans as it writes them (escaped and raw quotes inside conditions)", async () => {
      const r = await explainer.explainStatement({
        sql: `SELECT * FROM ${table} WHERE email = 'o''brien@x.io' OR note = 'q"uote' OR note = 'back\\\\slash' OR note LIKE 'pct\\%'`, engine: maria(), suggestIndexes: false,
      });
      assert.ok(JSON.stringify(r.rawPlan).includes("o'brien@x.io"));
    });

    it('explains DELETE, UPDATE and INSERT without executing them', async () => {
      for (const sql of [`DELETE FROM ${table} WHERE id = 1`, `UPDATE ${table} SET note = 'x' WHERE id = 2`, `INSERT INTO ${table} VALUES (3, 'c@x.io', 'n')`]) {
        const r = await explainer.explainStatement({ sql, engine: maria(), suggestIndexes: false });
        assert.ok(r.plan, sql);
      }
      const mysql = await import('mysql2/promise');
      const u = new URL(MARIADB_URL);
      const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: 'root', database: u.pathname.slice(1) });
      const [rows] = await conn.query(`SELECT id, note FROM ${table} ORDER BY id`);
      await conn.end();
      assert.deepEqual(rows, [{ id: 1, note: 'n' }, { id: 2, note: 'q"uote' }], 'nothing was changed');
    });

    it('refuses ANALYZE of SELECT … INTO OUTFILE even when confirmed, and writes no file', async () => {
      const out = `/tmp/${runScopedName('stakes_outfile')}.csv`;
      await expectError(explainer.explainStatement({ sql: `SELECT * FROM ${table} INTO OUTFILE '${out}'`, engine: maria(), analyze: true, confirmDataChange: true }), 'unsafe', /INTO OUTFILE/);
      assert.ok(!fs.existsSync(out));
    });
  });

  it('parses MariaDB JSON text with SQL escapes; plain JSON is unchanged', () => {
    const maria = '{"query_block": {"attached_condition": "t.email = \'o\\\'brien\' and t.note = \'q"uote\' and t.x = \'a\\\\b\' and t.y like \'p\\%\'"}}';
    assert.throws(() => JSON.parse(maria));
    const parsed = parseExplainJson(maria) as { query_block: { attached_condition: string } };
    assert.equal(parsed.query_block.attached_condition, "t.email = 'o'brien' and t.note = 'q\"uote' and t.x = 'a\\b' and t.y like 'p\\%'");
    assert.deepEqual(parseExplainJson('{"a": ["x\\"y", 1]}'), { a: ['x"y', 1] });
  });

  it('explains what it can of a file mixing statement kinds and lists what it skipped (CLI)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-mixed-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '001.sql'), 'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL);\n');
    fs.writeFileSync(path.join(dir, 'mixed.sql'), 'BEGIN;\nSELECT * FROM orders WHERE customer_id = 7;\nCREATE INDEX orders_c ON orders (customer_id);\nDROP TABLE old_orders;\nCOMMIT;\n');
    const env = { ...process.env, STAKES_CACHE_DIR: cacheDir };
    const r = await runCli(['explain', 'mixed.sql', '--no-suggest'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /mixed\.sql:2/);
    assert.match(r.stderr, /skipped 4 statements that cannot be explained: line 1: transaction control \(BEGIN\); line 3: DDL \(CREATE INDEX\); line 4: DDL \(DROP TABLE\); line 5: transaction control \(COMMIT\)\./);
    const ddl = await runCli(['explain', '--sql', 'DROP TABLE orders'], { cwd: dir, env });
    assert.equal(ddl.code, 2);
    assert.match(ddl.stderr, /DDL and transaction control cannot be explained/);
    assert.doesNotMatch(ddl.stderr, /syntax/i);
  });

  it('loads migrations on the embedded engine under the statement timeout (PGlite ignores statement_timeout)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-slow-migration-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '001_init.sql'), 'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL);\n');
    fs.writeFileSync(path.join(dir, 'migrations', '002_slow.sql'), 'SELECT pg_sleep(30);\n');
    fs.writeFileSync(path.join(dir, 'migrations', '003_more.sql'), 'CREATE INDEX orders_customer ON orders (customer_id);\n');
    const e = createExplainer({ cacheDir, idleTimeoutMs: 0 });
    try {
      const t0 = Date.now();
      const r = await e.explainStatement({ sql: 'SELECT * FROM orders WHERE customer_id = 1', engine: { kind: 'embedded' }, workspaceRoot: dir, statementTimeoutMs: 2000, suggestIndexes: false });
      assert.ok(Date.now() - t0 < 25_000, `took ${Date.now() - t0} ms`);
      const slow = r.skippedMigrationStatements.find((s) => /pg_sleep/.test(s.sqlPreview));
      assert.ok(slow, JSON.stringify(r.skippedMigrationStatements));
      assert.equal(slow.kind, 'timeout');
      assert.match(slow.reason, /longer than the statement timeout/);
      assert.ok(JSON.stringify(r.plan).includes('orders_customer'), 'statements before and after the slow one were loaded');
      // And a query past the limit is stopped too.
      await expectError(e.explainStatement({ sql: 'SELECT pg_sleep(30)', engine: { kind: 'embedded' }, workspaceRoot: dir, statementTimeoutMs: 1000, analyze: true, suggestIndexes: false }), 'timeout', /within \d+ s/);
    } finally {
      await e.dispose();
    }
  });
});
