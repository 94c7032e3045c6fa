/**
 * SQL EXPLAIN inside the real extension host: commands on a .sql file and on SQL in TypeScript
 * (examples/shop-api), the plan view's state, and the 'stakes-sql' diagnostics. Runs on the
 * embedded PostgreSQL (PGlite in a child process) loaded from the workspace's migrations, then on
 * the real PostgreSQL of the machine (skipped with a reason when it is missing, failed under CI).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExplainResult } from '../../src/core/sql/types';
import type { PlanViewOutbound } from '../../src/protocol/planView';
import { MARIADB_URL, needMariadb, needPostgres, POSTGRES_URL, runScopedName } from '../support/services';
import { closeAllEditors, openFile, stakes, WorkspaceFiles, workspaceRoot } from './helpers';

interface Snapshot {
  message?: PlanViewOutbound;
  uri?: string;
  panelOpen: boolean;
}

async function snapshot(): Promise<Snapshot> {
  const s = await vscode.commands.executeCommand<Snapshot | undefined>('stakes.sql.testSnapshot');
  assert.ok(s, 'stakes.sql.testSnapshot returned nothing: was any explain run?');
  return s;
}

async function resultOf(): Promise<ExplainResult> {
  const s = await snapshot();
  assert.ok(s.panelOpen, 'the plan panel is not open');
  if (s.message?.type === 'error') assert.fail(`explain failed: ${s.message.title}: ${s.message.message}`);
  assert.equal(s.message?.type, 'result', `the plan view shows ${JSON.stringify(s.message)?.slice(0, 300)}`);
  return (s.message as Extract<PlanViewOutbound, { type: 'result' }>).data.result;
}

function placeCursor(editor: vscode.TextEditor, needle: string): vscode.Position {
  const offset = editor.document.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" not found in ${editor.document.uri.fsPath}`);
  const pos = editor.document.positionAt(offset + 2);
  editor.selection = new vscode.Selection(pos, pos);
  return pos;
}

/** Open a workspace file, put the cursor in `needle` and run "Stakes: Explain SQL". */
async function explainAt(relative: string, needle: string): Promise<vscode.TextEditor> {
  const editor = await openFile(relative);
  placeCursor(editor, needle);
  await vscode.commands.executeCommand('stakes.sql.explain');
  return editor;
}

function sqlDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Stakes SQL');
}

describe('SQL EXPLAIN (embedded PostgreSQL)', function () {
  // First start builds the PGlite template (a few seconds; more on a busy machine) and loads the migrations.
  this.timeout(180_000);
  const files = new WorkspaceFiles();

  before(async () => {
    await stakes();
  });

  afterEach(async () => {
    await closeAllEditors();
  });

  after(async () => {
    await files.restore();
  });

  it('explains the statement under the cursor in a .sql file and reports the unindexed filter', async () => {
    await files.write('queries/support.sql', [
      '-- Support look-ups',
      'SELECT id FROM orders WHERE id = 42;',
      '',
      'SELECT id, status, total_cents',
      '  FROM orders',
      ' WHERE tracking_number = \'TRK-1\';',
      '',
    ].join('\n'));
    const editor = await explainAt('queries/support.sql', 'tracking_number');
    const result = await resultOf();
    assert.match(result.sql, /tracking_number = 'TRK-1'/, 'the second statement (under the cursor) was explained');
    assert.equal(result.engine.kind, 'embedded');
    assert.equal(result.estimate, true, 'embedded results are labelled as estimates');
    assert.ok(result.findings.some((f) => f.id === 'indexable-seq-scan' && f.relation === 'orders'),
      `expected an indexable-seq-scan finding on orders, got ${result.findings.map((f) => f.id).join(', ')}`);
    const suggestion = result.suggestions.find((s) => s.table === 'orders' && s.columns.includes('tracking_number'));
    assert.ok(suggestion, `expected a verified index on orders(tracking_number), got ${JSON.stringify(result.suggestions.map((s) => s.statement))}`);
    assert.ok(suggestion.costAfter <= suggestion.costBefore / 2, 'a suggestion cuts the cost by half or more');
    const diags = sqlDiagnostics(editor.document.uri);
    assert.ok(diags.length > 0, 'findings appear as diagnostics');
    for (const d of diags) assert.equal(d.range.start.line, 3, 'diagnostics sit on the explained statement');
    // The statement's CodeLens now says what the explain found; the other one does not.
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri))
      .filter((l) => l.command?.command === 'stakes.sql.explain');
    const byLine = new Map(lenses.map((l) => [l.range.start.line, l.command!.title]));
    assert.match(byLine.get(3) ?? '', /Explain · \d+ problems? · \d+ verified index(es)? · estimate$/);
    assert.equal(byLine.get(1), '$(database) Explain');
  });

  it('offers quick fixes on its diagnostics: copy the verified index, explain again', async () => {
    const editor = await explainAt('queries/support.sql', 'tracking_number');
    await resultOf();
    const diag = sqlDiagnostics(editor.document.uri)[0];
    assert.ok(diag, 'no Stakes SQL diagnostic to fix');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diag.range);
    const copy = actions.find((a) => a.title.startsWith('Copy verified index: CREATE INDEX CONCURRENTLY'));
    assert.ok(copy?.command, `no "Copy verified index" quick fix among: ${actions.map((a) => a.title).join(' / ')}`);
    assert.ok(actions.some((a) => a.title === 'Explain this SQL again (Stakes)'));
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(copy.command.command, ...(copy.command.arguments ?? []));
    assert.match(await vscode.env.clipboard.readText(), /^CREATE INDEX CONCURRENTLY .*tracking_number.*;$/s);
  });

  it('runs the embedded engine in a child process of the extension host, which "Stop embedded PostgreSQL" ends', async function () {
    if (process.platform !== 'linux') this.skip(); // reads /proc
    const workers = async (): Promise<number[]> => {
      const pids: number[] = [];
      for (const entry of await fs.readdir('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmdline = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
          const ppid = Number(/^PPid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${entry}/status`, 'utf8'))?.[1]);
          if (ppid === process.pid && cmdline.some((arg) => arg.endsWith('pglite-worker.js'))) pids.push(Number(entry));
        } catch {
          // the process ended while we looked
        }
      }
      return pids;
    };
    await explainAt('src/orders/repository.ts', 'WHERE o.status = $1');
    await resultOf();
    const running = await workers();
    assert.equal(running.length, 1, `expected one pglite-worker.js child of the extension host (pid ${process.pid}), found ${running.length}`);
    assert.notEqual(running[0], process.pid);
    await vscode.commands.executeCommand('stakes.sql.stopEmbedded');
    const deadline = Date.now() + 10_000;
    while ((await workers()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await workers(), [], 'the embedded engine still runs after "Stop embedded PostgreSQL"');
    // The next explain starts it again.
    await vscode.commands.executeCommand('stakes.sql.explain');
    assert.match((await resultOf()).sql, /o\.status = \$1/);
  });

  it('finds the SQL literal under the cursor in application code (pg pool.query)', async () => {
    const editor = await explainAt('src/orders/repository.ts', 'WHERE o.status = $1');
    const result = await resultOf();
    assert.match(result.sql, /o\.status = \$1/);
    assert.ok(result.findings.some((f) => f.relation === 'orders' && (f.id === 'indexable-seq-scan' || f.id === 'slow-node')),
      `expected a finding on the orders scan, got ${result.findings.map((f) => `${f.id}:${f.relation}`).join(', ')}`);
    const diags = sqlDiagnostics(editor.document.uri);
    assert.ok(diags.some((d) => d.range.contains(editor.selection.active)), 'a diagnostic covers the query under the cursor');
  });

  it('does not flag the primary-key lookup used as a control', async () => {
    await explainAt('src/orders/repository.ts', 'WHERE oi.order_id = $1');
    const result = await resultOf();
    assert.ok(!result.findings.some((f) => f.id === 'indexable-seq-scan' && f.relation === 'order_items'),
      `order_items is read through its index; got ${result.findings.map((f) => `${f.id}:${f.relation}`).join(', ')}`);
  });

  it('shows a syntax error with its position and as an error diagnostic', async () => {
    await files.write('queries/broken.sql', 'SELECT id FROM orders WHER id = 1;\n');
    const editor = await explainAt('queries/broken.sql', 'SELECT');
    const s = await snapshot();
    assert.equal(s.message?.type, 'error', `expected an error, the view shows ${s.message?.type}`);
    const err = s.message as Extract<PlanViewOutbound, { type: 'error' }>;
    assert.equal(err.kind, 'syntax');
    assert.match(err.message, /line 1, column \d+/);
    const diags = sqlDiagnostics(editor.document.uri);
    assert.ok(diags.some((d) => d.severity === vscode.DiagnosticSeverity.Error), 'a syntax error becomes an Error diagnostic');
  });

  it('says where the embedded schema came from when a table does not exist', async () => {
    await files.write('queries/missing.sql', 'SELECT id FROM invoices WHERE id = 1;\n');
    await explainAt('queries/missing.sql', 'SELECT');
    const s = await snapshot();
    assert.equal(s.message?.type, 'error');
    const err = s.message as Extract<PlanViewOutbound, { type: 'error' }>;
    assert.match(err.message, /invoices/);
    assert.match(err.schemaHint ?? '', /3 file\(s\).*migrations\/001_init\.sql.*stakes\.sql\.migrationsPath/s);
  });

  it('says clearly when there is no SQL under the cursor', async () => {
    const editor = await openFile('src/orders/repository.ts');
    const before = await snapshot();
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('stakes.sql.explain');
    const after = await snapshot();
    assert.deepEqual(after.message, before.message, 'nothing was explained');
  });

  it('offers an Explain CodeLens above SQL in code and in .sql files, and can turn it off', async () => {
    const editor = await openFile('src/orders/repository.ts');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const explainLenses = lenses.filter((l) => l.command?.command === 'stakes.sql.explain');
    assert.ok(explainLenses.length >= 5, `expected an Explain lens per query, got ${explainLenses.length}`);
    assert.ok(explainLenses.some((l) => /loop/.test(l.command!.title)), 'the N+1 query is marked as running inside a loop');
    // Migrations are mostly DDL, which EXPLAIN does not take: a lens only above the UPDATE backfill.
    const migration = await openFile('migrations/002_customer_email_and_webhook_log.sql');
    const migrationLenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', migration.document.uri))
      .filter((l) => l.command?.command === 'stakes.sql.explain');
    assert.deepEqual(migrationLenses.map((l) => migration.document.lineAt(l.range.start.line).text.trim()), ['UPDATE orders o']);
    const config = vscode.workspace.getConfiguration('stakes.sql');
    await config.update('codeLens', false, vscode.ConfigurationTarget.Workspace);
    try {
      const off = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      assert.equal(off.filter((l) => l.command?.command === 'stakes.sql.explain').length, 0);
    } finally {
      await config.update('codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

describe('SQL EXPLAIN on a real PostgreSQL (stakes.sql.connection)', function () {
  this.timeout(120_000);
  const files = new WorkspaceFiles();
  const schema = runScopedName('stakes_it');
  let client: import('pg').Client | undefined;
  const restore: Array<() => Promise<void>> = [];

  before(async function () {
    await needPostgres(this);
    await stakes();
    const { Client } = require('pg') as typeof import('pg');
    client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE ${schema}.events (id bigint PRIMARY KEY, account_id int NOT NULL, kind text NOT NULL, payload text NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.events SELECT g, g % 5000, (ARRAY['view','click','buy'])[1 + g % 3], repeat('x', 40) FROM generate_series(1, 120000) g`);
    await client.query(`ANALYZE ${schema}.events`);
  });

  after(async () => {
    for (const undo of restore.reverse()) await undo();
    await files.restore();
    if (client) {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  async function useConnection(url: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('stakes.sql');
    const before = config.inspect<string>('connection')?.workspaceValue;
    await config.update('connection', url, vscode.ConfigurationTarget.Workspace);
    restore.push(() => Promise.resolve(vscode.workspace.getConfiguration('stakes.sql').update('connection', before, vscode.ConfigurationTarget.Workspace)));
  }

  it('explains on the server: real plan, no estimate banner, an index verified to halve the cost', async () => {
    await useConnection(POSTGRES_URL);
    await files.write('queries/events.sql', `SELECT id, kind FROM ${schema}.events WHERE account_id = 4242;\n\nSELECT count(*) FROM ${schema}.events WHERE account_id >= 0;\n`);
    await explainAt('queries/events.sql', 'id, kind');
    const result = await resultOf();
    assert.equal(result.engine.kind, 'postgres');
    assert.equal(result.estimate, false, 'a real server is not an estimate');
    const suggestion = result.suggestions.find((s) => s.table === 'events' && s.columns[0] === 'account_id');
    assert.ok(suggestion, `expected an index on events(account_id), got ${JSON.stringify(result.suggestions.map((s) => s.statement))}`);
    assert.ok(suggestion.costAfter <= suggestion.costBefore / 2);
    assert.match(suggestion.statement, /CREATE INDEX CONCURRENTLY/);
    // The suggestion was only tried: the table still has no such index.
    const idx = await client!.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'events'`, [schema]);
    assert.deepEqual(idx.rows.map((r: { indexname: string }) => r.indexname), ['events_pkey']);
  });

  it('suggests no index for a query that reads most of the table', async () => {
    await useConnection(POSTGRES_URL);
    await explainAt('queries/events.sql', 'count(*)');
    const result = await resultOf();
    assert.match(result.sql, /count\(\*\)/);
    assert.deepEqual(result.suggestions, []);
  });

  it('reports an unreachable database clearly, in the view and without a stack trace', async () => {
    await useConnection('postgres://postgres@127.0.0.1:1/nowhere');
    await explainAt('queries/events.sql', 'id, kind');
    const s = await snapshot();
    assert.equal(s.message?.type, 'error');
    const err = s.message as Extract<PlanViewOutbound, { type: 'error' }>;
    assert.equal(err.kind, 'connection');
    assert.match(err.message, /127\.0\.0\.1:1/);
    assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace');
  });
});

describe('SQL EXPLAIN on MariaDB/MySQL and SQLite (stakes.sql.connection)', function () {
  this.timeout(120_000);
  const files = new WorkspaceFiles();
  const cleanups: Array<() => Promise<void>> = [];
  let undoConnection: (() => Promise<void>) | undefined;

  before(async () => {
    await stakes();
    const config = vscode.workspace.getConfiguration('stakes.sql');
    const before = config.inspect<string>('connection')?.workspaceValue;
    undoConnection = async () => { await vscode.workspace.getConfiguration('stakes.sql').update('connection', before, vscode.ConfigurationTarget.Workspace); };
  });

  after(async () => {
    await undoConnection?.();
    await files.restore();
    for (const c of cleanups) await c();
  });

  it('explains on MariaDB through mysql2, with the server named', async function () {
    await needMariadb(this);
    await vscode.workspace.getConfiguration('stakes.sql').update('connection', MARIADB_URL, vscode.ConfigurationTarget.Workspace);
    await files.write('queries/maria.sql', 'SELECT table_name FROM information_schema.tables WHERE table_schema = \'test\';\n');
    await explainAt('queries/maria.sql', 'table_name');
    const result = await resultOf();
    assert.equal(result.engine.kind, 'mysql');
    assert.match(result.engine.label, /MariaDB|MySQL/);
    assert.equal(result.estimate, false);
  });

  it('explains on an SQLite file given relative to the workspace folder', async () => {
    const initSqlJs = require('sql.js') as (o?: object) => Promise<{ Database: new () => { run(sql: string): void; export(): Uint8Array; close(): void } }>;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, price INTEGER NOT NULL)');
    db.run('CREATE INDEX items_sku ON items (sku)');
    const bytes = db.export();
    db.close();
    const dbFile = path.join(workspaceRoot(), 'data', 'catalogue.db');
    await fs.mkdir(path.dirname(dbFile), { recursive: true });
    await fs.writeFile(dbFile, bytes);
    cleanups.push(() => fs.rm(dbFile, { force: true }));
    await vscode.workspace.getConfiguration('stakes.sql').update('connection', 'sqlite:data/catalogue.db', vscode.ConfigurationTarget.Workspace);
    await files.write('queries/items.sql', "SELECT id FROM items WHERE sku = 'A-1';\n\nSELECT id FROM items WHERE price > 100 ORDER BY price;\n");
    const editor = await explainAt('queries/items.sql', 'sku =');
    const byIndex = await resultOf();
    assert.equal(byIndex.engine.kind, 'sqlite');
    assert.match(JSON.stringify(byIndex.plan), /items_sku/, 'the lookup uses the sku index');
    placeCursor(editor, 'price >');
    await vscode.commands.executeCommand('stakes.sql.explain');
    const scan = await resultOf();
    assert.ok(scan.findings.some((f) => f.id === 'sqlite-full-scan' || f.id === 'sqlite-temp-btree'),
      `expected a full-scan or temp b-tree finding, got ${scan.findings.map((f) => f.id).join(', ')}`);
  });
});
