/**
 * SQLite through sql.js (WASM, loaded on first use). The database file is read into memory and
 * never written back, so trial indexes, ANALYZE and rolled-back executions cannot touch it.
 * EXPLAIN QUERY PLAN has no costs; the plan's cost is the estimated number of rows visited,
 * from table sizes and sqlite_stat1 (computed on the in-memory copy).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSqlitePlan, type SqliteEqpRow } from '../plan';
import { SqlExplainError, syntaxError } from '../errors';
import { normalizePlaceholders } from '../placeholders';
import type { IndexCandidate, PlanNode } from '../types';
import type { EngineExplainOutput, EngineExplainRequest, ExplainEngine, TableInfo, TrialResult } from './types';

type SqlJsDatabase = import('sql.js').Database;

const MAX_FILE_BYTES = 2 * 1024 ** 3;
const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function locateWasm(file: string): string {
  const candidates = [path.join(__dirname, file), path.join(__dirname, '..', 'dist', file)];
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    candidates.push(path.join(dir, 'dist', file), path.join(dir, 'node_modules', 'sql.js', 'dist', file));
    dir = path.dirname(dir);
  }
  return candidates.find((c) => fs.existsSync(c)) ?? file;
}

export async function openSqlite(file: string): Promise<SqliteEngine> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new SqlExplainError('connection', `SQLite database file not found: ${abs}. Check the path after "sqlite:".`);
  const size = fs.statSync(abs).size;
  if (size > MAX_FILE_BYTES) throw new SqlExplainError('config', `${abs} is ${(size / 1024 ** 3).toFixed(1)} GB; the SQLite engine reads the file into memory and supports up to 2 GB. Explain on a smaller copy.`);
  const header = Buffer.alloc(16);
  const fd = fs.openSync(abs, 'r');
  try { fs.readSync(fd, header, 0, 16, 0); } finally { fs.closeSync(fd); }
  if (size > 0 && header.toString('latin1') !== 'SQLite format 3\u0000') throw new SqlExplainError('connection', `${abs} is not a SQLite database (bad header). Check the path after "sqlite:".`);
  const initSqlJs = require('sql.js') as typeof import('sql.js');
  const SQL = await initSqlJs({ locateFile: (f: string) => locateWasm(f) });
  const db = new SQL.Database(fs.readFileSync(abs));
  return new SqliteEngine(db, abs);
}

export class SqliteEngine implements ExplainEngine {
  readonly kind = 'sqlite' as const;
  readonly label: string;
  readonly estimate = false;
  readonly indexMethod = 'trial-index' as const;
  private analyzed = false;
  private rowCounts = new Map<string, number>();

  constructor(private readonly db: SqlJsDatabase, file: string) {
    this.label = `SQLite ${path.basename(file)}`;
  }

  async version(): Promise<string> {
    return `SQLite ${String(this.db.exec('SELECT sqlite_version()')[0]?.values[0]?.[0] ?? '')}`;
  }

  private ensureStats(): void {
    if (this.analyzed) return;
    // Stats on the in-memory copy only: gives the planner (and our cost estimate) rows per key.
    try { this.db.run('ANALYZE'); } catch { /* read-only schema objects: plans still work */ }
    this.analyzed = true;
  }

  private tableRows(table: string): number | undefined {
    const t = table.toLowerCase();
    if (!this.rowCounts.has(t)) {
      try {
        const r = this.db.exec(`SELECT count(*) FROM ${qi(table)}`);
        this.rowCounts.set(t, Number(r[0]?.values[0]?.[0] ?? 0));
      } catch { return undefined; }
    }
    return this.rowCounts.get(t);
  }

  private indexRowsPerKey(index: string, eq: number): number | undefined {
    try {
      const r = this.db.exec(`SELECT stat FROM sqlite_stat1 WHERE idx = '${index.replace(/'/g, "''")}'`);
      const stat = String(r[0]?.values[0]?.[0] ?? '');
      const parts = stat.split(' ').map(Number);
      return parts[eq] ?? parts[parts.length - 1];
    } catch { return undefined; }
  }

  /** Rows kept by `col op literal` conditions on this column in the SQL, counted on the in-memory copy. */
  private rangeRows(sql: string, table: string, column: string): number | undefined {
    const conds: string[] = [];
    const re = new RegExp(`(?:\\b\\w+\\.)?"?${column}"?\\s*(>=|<=|>|<)\\s*('(?:[^']|'')*'|-?\\d+(?:\\.\\d+)?)`, 'gi');
    let m: RegExpExecArray | null;
    while ((m = re.exec(sql))) conds.push(`${qi(column)} ${m[1]} ${m[2]}`);
    if (!conds.length) return undefined;
    try {
      const r = this.db.exec(`SELECT count(*) FROM ${qi(table)} WHERE ${conds.join(' AND ')}`);
      return Number(r[0]?.values[0]?.[0] ?? 0);
    } catch { return undefined; }
  }

  private eqp(sql: string, userSql: string): { rows: SqliteEqpRow[]; plan: PlanNode; cost: number } {
    let res;
    try {
      res = this.db.exec(`EXPLAIN QUERY PLAN ${sql}`);
    } catch (e) {
      throw this.mapError(e, userSql);
    }
    const rows: SqliteEqpRow[] = (res[0]?.values ?? []).map((v) => ({ id: Number(v[0]), parent: Number(v[1]), detail: String(v[3]) }));
    const { plan } = parseSqlitePlan(rows, {
      tableRows: (t) => this.tableRows(t),
      indexRowsPerKey: (i, eq) => this.indexRowsPerKey(i, eq),
      rangeRows: (t, c) => this.rangeRows(userSql, t, c),
    });
    return { rows, plan, cost: plan.totalCost ?? 0 };
  }

  private mapError(e: unknown, userSql: string): Error {
    const msg = (e as Error).message ?? String(e);
    // SQLite does not report offsets; find the token it names.
    const near = /near "([^"]+)"/.exec(msg);
    const offset = near ? userSql.indexOf(near[1]) : -1;
    const col = /no such column: ([\w.]+)/.exec(msg) ?? /no such table: ([\w.]+)/.exec(msg);
    const off2 = col ? userSql.indexOf(col[1].split('.').pop()!) : -1;
    const at = offset >= 0 ? offset : off2 >= 0 ? off2 : undefined;
    return syntaxError(userSql, `SQLite: ${msg}`, at);
  }

  async explain(req: EngineExplainRequest): Promise<EngineExplainOutput> {
    this.ensureStats();
    const sent = normalizePlaceholders(req.sql, 'question-numbered').sql;
    const { rows, plan, cost } = this.eqp(sent, req.sql);
    plan.totalCost = cost;
    const warnings: string[] = [];
    let executionMs: number | undefined;
    if (req.analyze) {
      // SQLite has no EXPLAIN ANALYZE: run the statement on the in-memory copy and time it, then roll back.
      const started = process.hrtime.bigint();
      let count = 0;
      this.db.run('SAVEPOINT stakes_analyze');
      try {
        const stmt = this.db.prepare(sent);
        try {
          if (req.paramCount > 0) { stmt.bind(Array.from({ length: req.paramCount }, () => 1)); warnings.push('ANALYZE ran with 1 for every parameter.'); }
          while (stmt.step()) count++;
        } finally { stmt.free(); }
      } catch (e) {
        throw this.mapError(e, req.sql);
      } finally {
        this.db.run('ROLLBACK TO stakes_analyze');
        this.db.run('RELEASE stakes_analyze');
      }
      executionMs = Number(process.hrtime.bigint() - started) / 1e6;
      plan.actualRows = count;
      plan.loops = 1;
      plan.actualTotalMs = Math.round(executionMs * 1000) / 1000;
    }
    return {
      raw: rows, format: 'sqlite-eqp', plan, summary: { totalCost: cost, ...(executionMs !== undefined ? { executionMs } : {}) },
      sentSql: `EXPLAIN QUERY PLAN ${sent}`, parameterMode: req.paramCount ? 'generic-plan' : 'none', warnings,
    };
  }

  async tableInfo(tables: string[]): Promise<TableInfo> {
    const info: TableInfo = { rows: {}, indexes: {}, columns: {}, schemas: {} };
    for (const t of new Set(tables.map((x) => x.toLowerCase()))) {
      const n = this.tableRows(t);
      if (n === undefined) continue;
      info.rows[t] = n;
      const cols = this.db.exec(`SELECT name, type FROM pragma_table_info('${t.replace(/'/g, "''")}')`)[0]?.values ?? [];
      info.columns[t] = Object.fromEntries(cols.map((c) => [String(c[0]).toLowerCase(), String(c[1])]));
      const idx = this.db.exec(`SELECT name FROM pragma_index_list('${t.replace(/'/g, "''")}')`)[0]?.values ?? [];
      info.indexes[t] = idx.map((i) => (this.db.exec(`SELECT name FROM pragma_index_info('${String(i[0]).replace(/'/g, "''")}') ORDER BY seqno`)[0]?.values ?? []).map((c) => String(c[0]).toLowerCase()));
      // INTEGER PRIMARY KEY is the rowid: an index on it exists implicitly.
      const pk = cols.filter((c) => /INTEGER/i.test(String(c[1])));
      const pkRows = this.db.exec(`SELECT name FROM pragma_table_info('${t.replace(/'/g, "''")}') WHERE pk = 1`)[0]?.values ?? [];
      if (pkRows.length === 1 && pk.some((c) => c[0] === pkRows[0][0])) info.indexes[t].push([String(pkRows[0][0]).toLowerCase()]);
    }
    return info;
  }

  createIndexStatement(c: IndexCandidate): string {
    return `CREATE INDEX ${qi(`${c.table}_${c.columns.join('_')}_idx`)} ON ${qi(c.table)} (${c.columns.map(qi).join(', ')});`;
  }

  planCost(plan: PlanNode): number {
    return plan.totalCost ?? 0;
  }

  async tryIndex(req: EngineExplainRequest, c: IndexCandidate): Promise<TrialResult> {
    const name = `stakes_trial_${Date.now() % 1_000_000}`;
    const sent = normalizePlaceholders(req.sql, 'question-numbered').sql;
    this.db.run('SAVEPOINT stakes_trial');
    try {
      this.db.run(`CREATE INDEX ${qi(name)} ON ${qi(c.table)} (${c.columns.map(qi).join(', ')})`);
      this.db.run(`ANALYZE ${qi(name)}`);
      const { plan, cost } = this.eqp(sent, req.sql);
      let used = false;
      const walk = (n: PlanNode): void => { if (n.index === name) used = true; n.children.forEach(walk); };
      walk(plan);
      return { plan, cost, used };
    } finally {
      this.db.run('ROLLBACK TO stakes_trial');
      this.db.run('RELEASE stakes_trial');
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
