import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../support/cli';

describe('stakes explain (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let dbFile: string;
  const env = { ...process.env, STAKES_CACHE_DIR: path.join(os.tmpdir(), 'stakes-test-cache') };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-cli-sql-'));
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL);
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 50000)
      INSERT INTO orders SELECT n, n % 5000, 'paid' FROM g;`);
    dbFile = path.join(dir, 'shop.db');
    fs.writeFileSync(dbFile, db.export());
    db.close();
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '001_init.sql'), 'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL);\n');
    fs.writeFileSync(path.join(dir, 'queries.sql'), '-- report\nSELECT count(*) FROM orders;\n\nSELECT *\n  FROM orders\n WHERE customer_id = 42;\n');
  });

  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('prints the plan, findings and a verified suggestion as text', async () => {
    const r = await runCli(['explain', '--sql', 'SELECT * FROM orders WHERE customer_id = 42', '--db', `sqlite:${dbFile}`], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Plan:\n {2}Query .*\n {2}└─ Seq Scan on orders/);
    assert.match(r.stdout, /HIGH|MED /);
    assert.match(r.stdout, /CREATE INDEX "orders_customer_id_idx" ON "orders" \("customer_id"\);\n\s+cost 50,000 → \d+/);
  });

  it('prints JSON with --format json and exits 1 with --fail-on', async () => {
    const r = await runCli(['explain', '--sql', 'SELECT * FROM orders WHERE customer_id = 42', '--db', `sqlite:${dbFile}`, '--format', 'json', '--fail-on', 'medium'], { cwd: dir, env });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.rawFormat, 'sqlite-eqp');
    assert.equal(out.suggestions[0].columns[0], 'customer_id');
  });

  it('explains the statement at FILE:LINE on the embedded engine with the workspace migrations', async () => {
    const r = await runCli(['explain', 'queries.sql:5', '--rows', 'orders=500k'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /=== queries\.sql:4 ===/);
    assert.match(r.stdout, /ESTIMATE/);
    assert.match(r.stdout, /orders = 500,000 rows/);
    assert.match(r.stdout, /CREATE INDEX CONCURRENTLY "orders_customer_id_idx"/);
  });

  it('says where the embedded schema came from when a table is missing', async () => {
    const r = await runCli(['explain', '--sql', 'SELECT * FROM invoices'], { cwd: dir, env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /relation "invoices" does not exist .*\n.*schema comes from 1 file \(sql-folder\) starting with .*001_init\.sql.*--schema PATH/);
  });

  it('names the position of a syntax error in the file', async () => {
    fs.writeFileSync(path.join(dir, 'bad.sql'), 'SELECT 1;\nSELECT *\n  FROM orders\n WHER customer_id = 1;\n');
    const r = await runCli(['explain', 'bad.sql:3', '--db', `sqlite:${dbFile}`], { cwd: dir, env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.sql:4:7: SQLite: near "customer_id": syntax error \(line 3, column 7 near "customer_id"\)/);
  });

  it('rejects bad input with what to do', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['explain', '--sql', 'SELECT 1', '--db', 'postgres://postgres@127.0.0.1:1/x'], /Cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*Nothing is listening/],
      [['explain', '--sql', 'SELECT 1', '--rows', 'orders=lots'], /--rows expects table=N/],
      [['explain', '--sql', 'SELECT 1', '--db', 'oracle://x'], /Unrecognised database URL/],
      [['explain', 'queries.sql:3'], /No SQL statement at .*queries\.sql:3\. Statements start on lines 2, 4/],
      [['explain', '--sql', 'DELETE FROM orders', '--db', `sqlite:${dbFile}`, '--analyze'], /confirm-data-change/],
      [['explain', '--sql', 'SELECT 1; SELECT 2', '--db', `sqlite:${dbFile}`], /holds 2 statements/],
      [['explain'], /Give the SQL with --sql/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(args, { cwd: dir, env });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, msg);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
