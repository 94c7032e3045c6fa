/**
 * MySQL and MariaDB through mysql2 (loaded on first use). EXPLAIN FORMAT=JSON returns a JSON string.
 * Neither has generic plans, so parameters get representative sample values taken from the column
 * itself. DDL cannot be rolled back here, so candidate indexes are tried on a session-temporary copy
 * of the table that shadows the real one (dropped right after); the real table is never altered.
 */
import { mysqlRowsExamined, parseExplainJson, parseMysqlPlan } from '../plan';
import { connectionError, SqlExplainError, syntaxError } from '../errors';
import { normalizePlaceholders } from '../placeholders';
import { tableRefs } from '../predicates';
import { changesData } from '../safety';
import type { IndexCandidate, PlanNode } from '../types';
import type { EngineExplainOutput, EngineExplainRequest, ExplainEngine, TableInfo, TrialResult } from './types';

type Conn = import('mysql2/promise').Connection;

/** Rows copied into the temporary table for index trials (a sample for bigger tables). */
const TRIAL_COPY_ROWS = 200_000;
const qi = (s: string): string => `\`${s.replace(/`/g, '``')}\``;

export function describeMysqlUrl(url: string): { host: string; port: number; database?: string; user?: string; password?: string } {
  let u: URL;
  try { u = new URL(url); } catch { throw new SqlExplainError('config', 'Not a valid MySQL URL. Use mysql://USER@HOST:PORT/DATABASE.'); }
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined;
  return { host: u.hostname || 'localhost', port: Number(u.port || 3306), database, user: decodeURIComponent(u.username) || 'root', password: u.password ? decodeURIComponent(u.password) : undefined };
}

export async function openMysql(url: string, password?: string, connectTimeoutMs = 5000): Promise<MysqlEngine> {
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const t = describeMysqlUrl(url);
  if (!t.database) throw new SqlExplainError('config', 'The MySQL URL names no database. Use mysql://USER@HOST:PORT/DATABASE.');
  let conn: Conn;
  try {
    conn = await mysql.createConnection({ host: t.host, port: t.port, user: t.user, password: password ?? t.password, database: t.database, connectTimeout: connectTimeoutMs, multipleStatements: false, dateStrings: true });
  } catch (e) {
    throw connectionError({ engine: 'MySQL/MariaDB', host: t.host, port: t.port, database: t.database, user: t.user }, e);
  }
  conn.on('error', () => undefined);
  const engine = new MysqlEngine(conn, `${t.host}:${t.port}/${t.database}`);
  await engine.version();
  return engine;
}

export class MysqlEngine implements ExplainEngine {
  readonly kind = 'mysql' as const;
  label: string;
  readonly estimate = false;
  readonly indexMethod = 'trial-index' as const;
  private versionText = '';
  private mariadb = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly conn: Conn, where: string) {
    this.label = `MySQL ${where}`;
  }

  /** One statement at a time on the connection (session settings and temporary tables are per session). */
  private q(sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>> {
    const run = this.queue.then(async () => {
      const [rows] = await this.conn.query(values ? this.conn.format(sql, values) : sql);
      return (Array.isArray(rows) ? rows : []) as Array<Record<string, unknown>>;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async version(): Promise<string> {
    if (!this.versionText) {
      const rows = await this.q('SELECT VERSION() AS v');
      const v = String(rows[0]?.v ?? '');
      this.mariadb = /mariadb/i.test(v);
      this.versionText = `${this.mariadb ? 'MariaDB' : 'MySQL'} ${v.replace(/-MariaDB.*$/i, '')}`;
      this.label = this.label.replace(/^MySQL/, this.mariadb ? 'MariaDB' : 'MySQL');
    }
    return this.versionText;
  }

  private async setTimeouts(ms: number): Promise<void> {
    const secs = Math.max(1, Math.ceil(ms / 1000));
    if (this.mariadb) await this.q(`SET SESSION max_statement_time = ${secs}`);
    else await this.q(`SET SESSION max_execution_time = ${Math.max(1, Math.round(ms))}`);
    await this.q(`SET SESSION lock_wait_timeout = ${Math.min(secs, 5)}`);
    await this.q(`SET SESSION innodb_lock_wait_timeout = ${Math.min(secs, 5)}`);
  }

  /** Replaces each `?` with a value read from the column it is compared to (or a neutral default). */
  private async withSampleValues(sql: string): Promise<{ sql: string; values: unknown[] }> {
    const refs = tableRefs(sql);
    const values: unknown[] = [];
    const re = /\?/g;
    let m: RegExpExecArray | null;
    const positions: number[] = [];
    while ((m = re.exec(sql))) positions.push(m.index);
    for (const pos of positions) {
      const before = sql.slice(Math.max(0, pos - 120), pos);
      if (/\b(LIMIT|OFFSET)\s*$/i.test(before) || /\bLIMIT\s+\?\s*,\s*$/i.test(before)) { values.push(/OFFSET\s*$|LIMIT\s*$/i.test(before) && /OFFSET\s*$/i.test(before) ? 0 : 50); continue; }
      const cm = /(?:([A-Za-z_]\w*)\.)?`?([A-Za-z_]\w*)`?\s*(?:=|<>|!=|<=|>=|<|>|\bLIKE|\bIN\s*\((?:[^()]*,\s*)?)\s*$/i.exec(before);
      let value: unknown = 1;
      if (cm) {
        const col = cm[2];
        const table = cm[1] ? (refs.find((r) => r.alias === cm[1].toLowerCase() || r.table === cm[1].toLowerCase())?.table) : refs[0]?.table;
        if (table) {
          try {
            const rows = await this.q(`SELECT ${qi(col)} AS v FROM ${qi(table)} WHERE ${qi(col)} IS NOT NULL LIMIT 1`);
            if (rows.length) value = rows[0].v;
          } catch { /* keep the default */ }
        }
      }
      values.push(value);
    }
    return { sql: this.conn.format(sql, values), values };
  }

  async explain(req: EngineExplainRequest): Promise<EngineExplainOutput> {
    const warnings: string[] = [];
    const asQuestion = normalizePlaceholders(req.sql, 'question').sql;
    let sql = asQuestion;
    let mode: EngineExplainOutput['parameterMode'] = 'none';
    if (req.paramCount > 0) {
      const s = await this.withSampleValues(asQuestion);
      sql = s.sql;
      mode = 'sample-values';
      warnings.push(`MySQL/MariaDB have no generic plans: planned with sample values from the data (${s.values.map((v) => JSON.stringify(v)).join(', ')}).`);
    }
    const writes = changesData(req.sql);
    if (req.analyze && writes) await this.assertTransactional(req.sql);
    await this.setTimeouts(req.statementTimeoutMs);
    const prefix = req.analyze ? (this.mariadb ? 'ANALYZE FORMAT=JSON ' : 'EXPLAIN FORMAT=JSON ') : 'EXPLAIN FORMAT=JSON ';
    // Plain EXPLAIN never executes the statement, but MariaDB refuses EXPLAIN UPDATE/DELETE/INSERT inside a
    // READ ONLY transaction (error 1792): writes are explained in a read-write transaction that is rolled back.
    await this.q(!writes ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
    let rawText: string;
    let analyzeTree: string | undefined;
    try {
      const rows = await this.run(prefix + sql, req.sql, sql);
      rawText = String(Object.values(rows[0] ?? {})[0] ?? '');
      if (req.analyze && !this.mariadb) {
        const tree = await this.run(`EXPLAIN ANALYZE ${sql}`, req.sql, sql);
        analyzeTree = String(Object.values(tree[0] ?? {})[0] ?? '');
        warnings.push('MySQL reports actual rows and times only in its EXPLAIN ANALYZE tree (see the raw plan); the tree shows estimates.');
      }
    } finally {
      await this.q('ROLLBACK').catch(() => undefined);
    }
    let raw: unknown;
    try {
      raw = parseExplainJson(rawText);
    } catch (e) {
      throw new SqlExplainError('engine', `${this.mariadb ? 'MariaDB' : 'MySQL'} returned a JSON plan Stakes could not read (${(e as Error).message}).`);
    }
    const { plan, summary } = parseMysqlPlan(raw);
    if (plan.totalCost === undefined) plan.totalCost = mysqlRowsExamined(plan);
    return {
      raw: analyzeTree ? { json: raw, analyze: analyzeTree } : raw, format: this.mariadb ? 'mariadb-json' : 'mysql-json', plan,
      summary: { ...summary, totalCost: plan.totalCost }, sentSql: prefix + sql, parameterMode: mode, warnings,
    };
  }

  /** ANALYZE of a write runs it for real; only transactional tables can be rolled back. */
  private async assertTransactional(sql: string): Promise<void> {
    const tables = [...new Set(tableRefs(sql).map((r) => r.table))];
    if (!tables.length) return;
    const rows = await this.q(`SELECT TABLE_NAME AS t, ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`, [tables]);
    const bad = rows.filter((r) => r.e && !/^innodb$/i.test(String(r.e)));
    if (bad.length) {
      throw new SqlExplainError('unsafe', `ANALYZE would change data in ${bad.map((r) => `${r.t} (${r.e})`).join(', ')}, and that storage engine cannot roll back. Run plain EXPLAIN, or ANALYZE on a copy.`);
    }
  }

  private async run(sent: string, userSql: string, normalized: string): Promise<Array<Record<string, unknown>>> {
    try {
      return await this.q(sent);
    } catch (e) {
      const err = e as { message?: string; code?: string; sqlMessage?: string };
      const msg = err.sqlMessage ?? err.message ?? String(e);
      if (err.code === 'ER_STATEMENT_TIMEOUT' || /max_statement_time|maximum statement execution time/i.test(msg)) {
        throw new SqlExplainError('timeout', `The statement was stopped by the statement time limit: ${msg}. Raise the timeout or run plain EXPLAIN.`);
      }
      if (err.code === 'ER_LOCK_WAIT_TIMEOUT') throw new SqlExplainError('timeout', `Lock wait timeout: ${msg}. Another transaction holds a lock this statement needs.`);
      const near = /near '([\s\S]{1,40}?)' at line (\d+)/.exec(msg) ?? /near '([\s\S]{0,40}?)/.exec(msg);
      const quoted = /'([^']+)'/.exec(msg);
      let offset: number | undefined;
      if (near) {
        const snippet = near[1].slice(0, 20);
        offset = snippet ? userSql.indexOf(snippet) : userSql.length;
        if (offset !== undefined && offset < 0) offset = undefined;
      } else if (quoted && /Unknown column|doesn't exist|Unknown table/i.test(msg)) {
        const name = quoted[1].split('.').pop()!;
        const i = userSql.indexOf(name);
        offset = i >= 0 ? i : undefined;
      }
      void normalized;
      if (/ER_PARSE_ERROR|ER_BAD_FIELD_ERROR|ER_NO_SUCH_TABLE|ER_BAD_TABLE_ERROR|ER_NON_UNIQ_ERROR|ER_WRONG/.test(err.code ?? '') || near) {
        return Promise.reject(syntaxError(userSql, msg.replace(/; check the manual[^']*(?=near)/, ' '), offset, err.code));
      }
      throw new SqlExplainError('engine', `${this.mariadb ? 'MariaDB' : 'MySQL'} error${err.code ? ` ${err.code}` : ''}: ${msg}`, undefined, err.code);
    }
  }

  async tableInfo(tables: string[]): Promise<TableInfo> {
    const info: TableInfo = { rows: {}, indexes: {}, columns: {}, schemas: {} };
    const names = [...new Set(tables.map((t) => t.toLowerCase()))];
    if (!names.length) return info;
    const rows = await this.q('SELECT TABLE_NAME AS t, TABLE_ROWS AS n, TABLE_SCHEMA AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (?)', [names]);
    for (const r of rows) { info.rows[String(r.t).toLowerCase()] = Number(r.n ?? 0); info.schemas[String(r.t).toLowerCase()] = String(r.s); }
    const cols = await this.q('SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (?)', [names]);
    for (const c of cols) (info.columns[String(c.t).toLowerCase()] ??= {})[String(c.c).toLowerCase()] = String(c.d);
    const idx = await this.q('SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) IN (?) ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX', [names]);
    const byIndex = new Map<string, { t: string; cols: string[] }>();
    for (const r of idx) {
      const key = `${r.t}.${r.i}`;
      const e = byIndex.get(key) ?? { t: String(r.t).toLowerCase(), cols: [] };
      e.cols.push(String(r.c).toLowerCase());
      byIndex.set(key, e);
    }
    for (const { t, cols: c } of byIndex.values()) (info.indexes[t] ??= []).push(c);
    return info;
  }

  createIndexStatement(c: IndexCandidate): string {
    const name = `${c.table}_${c.columns.join('_')}_idx`.slice(0, 64);
    // Online DDL: the MySQL/MariaDB counterpart of CREATE INDEX CONCURRENTLY.
    return `ALTER TABLE ${qi(c.table)} ADD INDEX ${qi(name)} (${c.columns.map(qi).join(', ')}), ALGORITHM=INPLACE, LOCK=NONE;`;
  }

  planCost(plan: PlanNode): number {
    return plan.totalCost ?? mysqlRowsExamined(plan);
  }

  /** Explains on a temporary copy with and without the index (same data, so the costs compare). */
  async trialBaseline(req: EngineExplainRequest, table: string): Promise<number> {
    return this.withShadowCopy(table, async () => this.planCost((await this.explain({ ...req, analyze: false })).plan));
  }

  async tryIndex(req: EngineExplainRequest, c: IndexCandidate): Promise<TrialResult> {
    return this.withShadowCopy(c.table, async () => {
      const name = `stakes_trial_${Date.now() % 1_000_000}`;
      await this.q(`CREATE INDEX ${qi(name)} ON ${qi(c.table)} (${c.columns.map(qi).join(', ')})`);
      await this.q(`ANALYZE TABLE ${qi(c.table)}`).catch(() => undefined);
      const out = await this.explain({ ...req, analyze: false });
      let used = false;
      const walk = (n: PlanNode): void => { if (n.index === name) used = true; n.children.forEach(walk); };
      walk(out.plan);
      return { plan: out.plan, cost: this.planCost(out.plan), used };
    });
  }

  private async withShadowCopy<T>(table: string, body: () => Promise<T>): Promise<T> {
    const tmp = `stakes_copy_${Date.now() % 1_000_000}`;
    await this.q(`CREATE TEMPORARY TABLE ${qi(tmp)} LIKE ${qi(table)}`);
    let renamed = false;
    try {
      await this.q(`INSERT INTO ${qi(tmp)} SELECT * FROM ${qi(table)} LIMIT ${TRIAL_COPY_ROWS}`);
      await this.q(`ALTER TABLE ${qi(tmp)} RENAME TO ${qi(table)}`);
      renamed = true;
      await this.q(`ANALYZE TABLE ${qi(table)}`).catch(() => undefined);
      return await body();
    } finally {
      // DROP TEMPORARY only ever drops the session's temporary table, never the real one.
      await this.q(`DROP TEMPORARY TABLE IF EXISTS ${qi(renamed ? table : tmp)}`).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => undefined);
  }
}
