/**
 * EXPLAIN on PostgreSQL, shared by the `pg` driver (real servers) and embedded PGlite (child process).
 * Both are reached through a PgSession that runs one statement over the simple query protocol,
 * which is what EXPLAIN (GENERIC_PLAN) with `$n` placeholders needs.
 */
import { parsePostgresPlan } from '../plan';
import { SqlExplainError, syntaxError } from '../errors';
import { changesData } from '../safety';
import type { IndexCandidate, PlanNode } from '../types';
import type { EngineExplainOutput, EngineExplainRequest, ExplainEngine, TableInfo, TrialResult } from './types';

export interface PgDbError {
  message: string;
  code?: string;
  /** 1-based character position in the statement sent, as PostgreSQL reports it. */
  position?: number;
  detail?: string;
  hint?: string;
}

export interface PgSession {
  /** Runs one statement (simple protocol). Rejects with an Error carrying PgDbError fields. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface PgEngineOptions {
  kind: 'postgres' | 'embedded';
  label: string;
  session: PgSession;
  /** Embedded: called with the relations of a plan before the final EXPLAIN, to apply assumed sizes. Returns whether anything changed. */
  prepareRelations?: (relations: Array<{ schema?: string; table: string }>) => Promise<boolean>;
  /** Embedded: re-apply assumed stats inside a trial transaction (CREATE INDEX overwrites reltuples). */
  reapplyStats?: (schema: string | undefined, table: string) => Promise<void>;
  estimate: boolean;
  assumedRows?: () => Record<string, number>;
}

export const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`;
export const ql = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export class PgEngine implements ExplainEngine {
  readonly kind: 'postgres' | 'embedded';
  readonly label: string;
  readonly estimate: boolean;
  indexMethod: 'hypopg' | 'trial-index' = 'trial-index';
  private versionNum = 0;
  private versionText = '';
  private hypopg: 'installed' | 'available' | 'none' | undefined;
  private readonly session: PgSession;

  constructor(private readonly opts: PgEngineOptions) {
    this.kind = opts.kind;
    this.label = opts.label;
    this.session = opts.session;
    this.estimate = opts.estimate;
  }

  assumedRows(): Record<string, number> {
    return this.opts.assumedRows?.() ?? {};
  }

  async version(): Promise<string> {
    if (!this.versionText) {
      const rows = await this.session.query("SELECT current_setting('server_version_num') AS num, version() AS v");
      this.versionNum = Number(rows[0]?.num ?? 0);
      this.versionText = String(rows[0]?.v ?? '').replace(/ on .*$/, '');
    }
    return this.versionText;
  }

  private async major(): Promise<number> {
    await this.version();
    return Math.floor(this.versionNum / 10000);
  }

  private async q(sql: string): Promise<Array<Record<string, unknown>>> {
    return this.session.query(sql);
  }

  /** Runs `body` in a transaction that is always rolled back, with timeouts set. */
  private async inRolledBackTx<T>(readOnly: boolean, timeoutMs: number, body: () => Promise<T>): Promise<T> {
    await this.q(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    try {
      await this.q(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      await this.q(`SET LOCAL lock_timeout = ${Math.min(5000, Math.max(1, Math.round(timeoutMs)))}`);
      return await body();
    } finally {
      await this.q('ROLLBACK').catch(() => undefined);
    }
  }

  async explain(req: EngineExplainRequest): Promise<EngineExplainOutput> {
    const first = await this.explainOnce(req);
    if (this.opts.prepareRelations) {
      const rels: Array<{ schema?: string; table: string }> = [];
      walk(first.plan, (n) => { if (n.relation) rels.push({ schema: n.schema, table: n.relation }); });
      // Re-plan only when sizes were just applied; warm tables keep the first plan.
      if (rels.length && await this.opts.prepareRelations(rels)) return this.explainOnce(req);
    }
    return first;
  }

  private async explainOnce(req: EngineExplainRequest): Promise<EngineExplainOutput> {
    const warnings: string[] = [];
    const major = await this.major();
    const options = req.analyze ? 'ANALYZE, BUFFERS, VERBOSE false, FORMAT JSON' : 'FORMAT JSON';
    const readOnly = !req.analyze || !changesData(req.sql);
    if (req.paramCount === 0) {
      const prefix = `EXPLAIN (${options}) `;
      const rows = await this.inRolledBackTx(readOnly, req.statementTimeoutMs, () => this.run(prefix + req.sql, req.sql, prefix.length));
      return this.output(rows, prefix + req.sql, 'none', warnings);
    }
    if (!req.analyze && major >= 16) {
      const prefix = 'EXPLAIN (GENERIC_PLAN, FORMAT JSON) ';
      const rows = await this.inRolledBackTx(true, req.statementTimeoutMs, () => this.run(prefix + req.sql, req.sql, prefix.length));
      return this.output(rows, prefix + req.sql, 'generic-plan', warnings);
    }
    // PG ≤ 15 (plain EXPLAIN) and ANALYZE with parameters: PREPARE, then EXECUTE with NULLs under a
    // forced generic plan, or with sample values for ANALYZE (a real execution needs real values).
    const name = `stakes_p${process.pid}_${Date.now() % 100000}`;
    const prepPrefix = `PREPARE ${name} AS `;
    return this.inRolledBackTx(readOnly, req.statementTimeoutMs, async () => {
      await this.run(prepPrefix + req.sql, req.sql, prepPrefix.length);
      try {
        let args: string[];
        let mode: EngineExplainOutput['parameterMode'];
        if (req.analyze) {
          const types = await this.q(`SELECT unnest(parameter_types)::text AS t FROM pg_prepared_statements WHERE name = ${ql(name)}`);
          args = types.map((r) => sampleValue(String(r.t)));
          mode = 'sample-values';
          warnings.push(`ANALYZE ran with sample parameter values: ${args.join(', ')}. Real values may choose a different plan.`);
        } else {
          await this.q('SET LOCAL plan_cache_mode = force_generic_plan');
          args = Array.from({ length: req.paramCount }, () => 'NULL');
          mode = 'prepared-generic';
        }
        const sent = `EXPLAIN (${options}) EXECUTE ${name}(${args.join(', ')})`;
        const rows = await this.run(sent, req.sql, -1);
        return this.output(rows, sent, mode, warnings);
      } finally {
        await this.q(`DEALLOCATE ${name}`).catch(() => undefined);
      }
    });
  }

  /** Runs SQL; database errors become SqlExplainErrors with positions mapped back into the user's SQL. */
  private async run(sent: string, userSql: string, prefixLength: number): Promise<Array<Record<string, unknown>>> {
    try {
      return await this.q(sent);
    } catch (e) {
      throw this.mapError(e, userSql, prefixLength);
    }
  }

  mapError(e: unknown, userSql: string, prefixLength: number): Error {
    const err = e as PgDbError & Error;
    if (err instanceof SqlExplainError) return err;
    const code = err.code;
    if (code === '57014') return new SqlExplainError('timeout', `The statement was cancelled by statement_timeout: ${err.message}. Raise the timeout, or run plain EXPLAIN instead of ANALYZE.`, undefined, code);
    if (code === '55P03') return new SqlExplainError('timeout', `Could not get a lock in time (lock_timeout): ${err.message}. Another transaction holds a lock on a table this statement needs; try again later.`, undefined, code);
    const pos = err.position !== undefined && prefixLength >= 0 ? Number(err.position) - 1 - prefixLength : undefined;
    if (code && /^(42|22|0A|21|23|P0)/.test(code) || pos !== undefined) {
      const detail = [err.message, err.detail, err.hint ? `Hint: ${err.hint}` : ''].filter(Boolean).join('. ');
      return syntaxError(userSql, detail, pos !== undefined && pos >= 0 && pos <= userSql.length ? pos : undefined, code);
    }
    return new SqlExplainError('engine', `PostgreSQL error${code ? ` ${code}` : ''}: ${err.message}`, undefined, code);
  }

  private output(rows: Array<Record<string, unknown>>, sent: string, mode: EngineExplainOutput['parameterMode'], warnings: string[]): EngineExplainOutput {
    const raw = rows[0]?.['QUERY PLAN'];
    const parsedRaw = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const { plan, summary } = parsePostgresPlan(parsedRaw);
    return { raw: parsedRaw, format: 'postgres-json', plan, summary, sentSql: sent, parameterMode: mode, warnings };
  }

  async tableInfo(tables: string[]): Promise<TableInfo> {
    const info: TableInfo = { rows: {}, indexes: {}, columns: {}, schemas: {} };
    const names = [...new Set(tables.map((t) => t.toLowerCase()))];
    if (names.length === 0) return info;
    const list = names.map(ql).join(', ');
    const rels = await this.q(
      `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS tuples
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname IN (${list}) AND c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY (n.nspname = ANY (current_schemas(false))) DESC`);
    for (const r of rels) {
      const name = String(r.name);
      if (info.schemas[name]) continue;
      info.schemas[name] = String(r.schema);
      info.rows[name] = Math.max(0, Number(r.tuples));
      const cols = await this.q(
        `SELECT a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
          WHERE a.attrelid = ${Number(r.oid)} AND a.attnum > 0 AND NOT a.attisdropped`);
      info.columns[name] = Object.fromEntries(cols.map((c) => [String(c.col).toLowerCase(), String(c.type)]));
      const idx = await this.q(
        `SELECT array_to_string(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k), '\u0001') AS cols
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
          WHERE i.indrelid = ${Number(r.oid)} AND am.amname = 'btree' AND i.indpred IS NULL`);
      info.indexes[name] = idx.map((x) => String(x.cols).split('\u0001').map((c) => c.replace(/^"|"$/g, '').toLowerCase()));
    }
    // Real servers: the planner's estimate for a never-analysed table is -1.
    for (const [k, v] of Object.entries(info.rows)) if (v < 0) delete info.rows[k];
    if (this.estimate) Object.assign(info.rows, this.lowerKeys(this.assumedRows()));
    return info;
  }

  private lowerKeys(o: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(o)) out[k.toLowerCase().split('.').pop()!] = v;
    return out;
  }

  private async hypopgState(): Promise<'installed' | 'available' | 'none'> {
    if (this.hypopg === undefined) {
      if (this.kind === 'embedded') this.hypopg = 'none';
      else {
        try {
          const rows = await this.q("SELECT installed_version IS NOT NULL AS installed FROM pg_available_extensions WHERE name = 'hypopg'");
          this.hypopg = rows.length === 0 ? 'none' : rows[0].installed ? 'installed' : 'available';
        } catch { this.hypopg = 'none'; }
      }
      this.indexMethod = this.hypopg === 'none' ? 'trial-index' : 'hypopg';
    }
    return this.hypopg;
  }

  /** Call before the advisor reads indexMethod. */
  async detectIndexMethod(): Promise<void> {
    await this.hypopgState();
  }

  createIndexStatement(c: IndexCandidate): string {
    const table = c.schema && c.schema !== 'public' ? `${qi(c.schema)}.${qi(c.table)}` : qi(c.table);
    const name = `${c.table}_${c.columns.join('_')}_idx`.slice(0, 63);
    return `CREATE INDEX CONCURRENTLY ${qi(name)} ON ${table} (${c.columns.map(qi).join(', ')});`;
  }

  planCost(plan: PlanNode): number {
    const cost = plan.totalCost ?? 0;
    return this.estimate ? Math.round((cost + this.indexSizeAllowance(plan)) * 100) / 100 : cost;
  }

  /**
   * The embedded engine's indexes are empty (1 page), so the planner charges almost nothing for
   * reading them. Add what a real index of the assumed size would cost to read: the share of its
   * pages the scan touches, at random_page_cost. Applied to every index scan, before and after a
   * trial, so comparisons stay fair.
   */
  private indexSizeAllowance(plan: PlanNode): number {
    const assumed = this.lowerKeys(this.assumedRows());
    let extra = 0;
    const visit = (n: PlanNode, table: string | undefined, outerLoops: number): void => {
      const rel = n.relation?.toLowerCase() ?? table;
      if (/^(Index Scan|Index Only Scan|Bitmap Index Scan)$/.test(n.nodeType) && rel && assumed[rel]) {
        const tuples = assumed[rel];
        const pages = Math.ceil((tuples * 40) / (8192 * 0.9));
        const share = Math.min(1, (n.estimatedRows ?? 1) / tuples);
        extra += Math.ceil(share * pages) * 4 * outerLoops;
      }
      const loops = n.nodeType === 'Nested Loop' && n.children[0] ? Math.max(1, n.children[0].estimatedRows ?? 1) : 1;
      n.children.forEach((c, i) => visit(c, rel, i === 1 ? outerLoops * loops : outerLoops));
    };
    visit(plan, undefined, 1);
    return extra;
  }

  async tryIndex(req: EngineExplainRequest, c: IndexCandidate, _info: TableInfo): Promise<TrialResult> {
    const state = await this.hypopgState();
    const target = c.schema ? `${qi(c.schema)}.${qi(c.table)}` : qi(c.table);
    const cols = c.columns.map(qi).join(', ');
    const plainReq = { ...req, analyze: false };
    if (state !== 'none') {
      // Hypothetical index: planner-only, backend-local; created (and the extension too, if needed) in a rolled-back transaction.
      await this.q('BEGIN');
      try {
        await this.q(`SET LOCAL lock_timeout = 2000`);
        if (state === 'available') await this.q('CREATE EXTENSION IF NOT EXISTS hypopg');
        const created = await this.q(`SELECT indexname::text AS name FROM hypopg_create_index(${ql(`CREATE INDEX ON ${target} (${cols})`)})`);
        const name = String(created[0]?.name ?? '');
        const out = await this.explainInOpenTx(plainReq);
        await this.q('SELECT hypopg_reset()').catch(() => undefined);
        return { plan: out.plan, cost: this.planCost(out.plan), used: usesIndex(out.plan, name) };
      } catch (e) {
        if (state === 'available') { this.hypopg = 'none'; this.indexMethod = 'trial-index'; }
        throw e;
      } finally {
        await this.q('ROLLBACK').catch(() => undefined);
      }
    }
    const name = `stakes_trial_${Date.now() % 1_000_000}`;
    await this.q('BEGIN');
    try {
      await this.q(`SET LOCAL lock_timeout = 2000`);
      await this.q(`SET LOCAL statement_timeout = ${Math.max(1000, req.statementTimeoutMs)}`);
      await this.q(`CREATE INDEX ${qi(name)} ON ${target} (${cols})`);
      // CREATE INDEX rewrites pg_class.reltuples in place (and ROLLBACK does not undo it): re-apply assumed sizes.
      if (this.opts.reapplyStats) await this.opts.reapplyStats(c.schema, c.table);
      const out = await this.explainInOpenTx(plainReq);
      return { plan: out.plan, cost: this.planCost(out.plan), used: usesIndex(out.plan, name) };
    } finally {
      await this.q('ROLLBACK').catch(() => undefined);
      if (this.opts.reapplyStats) await this.opts.reapplyStats(c.schema, c.table).catch(() => undefined);
    }
  }

  /** EXPLAIN inside an already open transaction (trial/hypothetical index in place). */
  private async explainInOpenTx(req: EngineExplainRequest): Promise<EngineExplainOutput> {
    const major = await this.major();
    if (req.paramCount === 0) {
      const rows = await this.q(`EXPLAIN (FORMAT JSON) ${req.sql}`);
      return this.output(rows, req.sql, 'none', []);
    }
    if (major >= 16) {
      const rows = await this.q(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${req.sql}`);
      return this.output(rows, req.sql, 'generic-plan', []);
    }
    const name = `stakes_t${Date.now() % 100000}`;
    await this.q(`PREPARE ${name} AS ${req.sql}`);
    try {
      await this.q('SET LOCAL plan_cache_mode = force_generic_plan');
      const rows = await this.q(`EXPLAIN (FORMAT JSON) EXECUTE ${name}(${Array.from({ length: req.paramCount }, () => 'NULL').join(', ')})`);
      return this.output(rows, req.sql, 'prepared-generic', []);
    } finally {
      await this.q(`DEALLOCATE ${name}`).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

function walk(n: PlanNode, f: (n: PlanNode) => void): void {
  f(n);
  n.children.forEach((c) => walk(c, f));
}

/** Does the plan use this index? Bitmap plans name the index on the Bitmap Index Scan child. */
export function usesIndex(plan: PlanNode, name: string): boolean {
  let used = false;
  walk(plan, (n) => { if (n.index && (n.index === name || n.index.includes(name))) used = true; });
  return used;
}

/** A plausible value for a parameter type, for ANALYZE of parameterized statements. */
export function sampleValue(type: string): string {
  const t = type.toLowerCase();
  if (/^(smallint|integer|bigint|int\d?|numeric|real|double precision|decimal|oid)/.test(t)) return '1';
  if (/bool/.test(t)) return 'true';
  if (/timestamp|date/.test(t)) return `now()::${t}`;
  if (/uuid/.test(t)) return "'00000000-0000-0000-0000-000000000001'::uuid";
  if (/json/.test(t)) return `'{}'::${t}`;
  if (/\[\]$/.test(t)) return `'{}'::${t}`;
  if (t === 'unknown') return "'1'";
  return `'sample'::${t}`;
}
