/**
 * The SQL EXPLAIN check's entry points for the extension and the CLI.
 * One Explainer per host keeps engines warm (the PGlite child process with the schema loaded,
 * pg/mysql connections, sql.js databases) and serializes work per engine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { splitStatements, stripComments } from './lexer';
import { countDollarParams, normalizePlaceholders } from './placeholders';
import { runChecks } from './checks';
import { adviseIndexes } from './advise';
import { walkPlan } from './plan';
import { tableRefs } from './predicates';
import { assertAnalyzeAllowed, assertExplainable, assertNoEscapingEffects, isExplainable } from './safety';
import { isSqlExplainError, SqlExplainError } from './errors';
import { loadSchema as readSchema, type LoadedSchema } from './schema';
import { DEFAULT_ASSUMED_ROWS } from './engines/assumed-sizes';
import { extractStatements, codeLanguage } from './extract';
import { nPlusOneFindings } from './loops';
import type { ExplainEngine } from './engines/types';
// Engine modules are light: each loads its driver (pg, mysql2, sql.js) or forks PGlite on first use.
import { startEmbedded, type EmbeddedEngine } from './engines/embedded';
import { openMysql } from './engines/mysql';
import { openPostgres } from './engines/postgres';
import { openSqlite } from './engines/sqlite';
import type {
  EngineSpec, ExplainerOptions, ExplainRequest, ExplainResult, ExtractedStatement, SchemaLoadReport,
  WorkspaceExplainReport, WorkspaceStatementResult,
} from './types';

export { extractStatements, statementAt, selectionStatement, codeLanguage } from './extract';
export { nPlusOneFindings } from './loops';
export { SqlExplainError, isSqlExplainError } from './errors';
export { unexplainableKind, escapingSideEffect } from './safety';
export { DEFAULT_ASSUMED_ROWS } from './engines/assumed-sizes';
export { findSchemaRoot } from './schema';
export type * from './types';

/** `postgres://…`, `postgresql://…`, `mysql://…`, `mariadb://…`, `sqlite:PATH` (or a path ending .db/.sqlite). */
export function parseEngineUrl(url: string, baseDir = process.cwd()): EngineSpec {
  const u = url.trim();
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (/^(mysql|mariadb):\/\//i.test(u)) return { kind: 'mysql', url: u.replace(/^mariadb:/i, 'mysql:') };
  const sqlite = /^sqlite3?:(?:\/\/)?(.+)$/i.exec(u);
  if (sqlite) return { kind: 'sqlite', file: path.resolve(baseDir, sqlite[1]) };
  if (/\.(db|sqlite3?|db3)$/i.test(u)) return { kind: 'sqlite', file: path.resolve(baseDir, u) };
  if (u === 'embedded' || u === 'pglite') return { kind: 'embedded' };
  throw new SqlExplainError('config', `Unrecognised database URL "${u.replace(/:[^:@/]*@/, ':***@')}". Use postgres://USER@HOST:5432/DB, mysql://USER@HOST:3306/DB or sqlite:PATH (or leave it out for the embedded engine).`);
}

export interface WorkspaceExplainOptions {
  engine?: EngineSpec;
  rows?: Record<string, number>;
  defaultRows?: number;
  schemaPaths?: string[];
  suggestIndexes?: boolean;
  /** Stop after this many statements (default 200). */
  maxStatements?: number;
  onProgress?: (done: number, total: number, statement: ExtractedStatement) => void;
}

interface Slot { key: string; engine: ExplainEngine; lock: Promise<unknown>; idle?: NodeJS.Timeout; embedded?: EmbeddedEngine }

// Schema folders hold DDL, not the application's queries; tests hold fixtures, not production traffic.
const CODE_SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'vendor', 'target', '.venv', 'venv', '__pycache__', 'coverage', '.next', '.cache', 'migrations', 'migration', 'migrate', 'test', 'tests', '__tests__', 'spec', 'fixtures']);

export class Explainer {
  private readonly slots = new Map<string, Slot>();
  private disposed = false;

  constructor(private readonly options: ExplainerOptions) {}

  /** Reads (without running) the workspace schema: files found, statements skipped up front. */
  async loadSchema(req: { workspaceRoot?: string; schemaPaths?: string[] }): Promise<SchemaLoadReport> {
    const schema = readSchema(req.workspaceRoot, req.schemaPaths);
    const slot = await this.embeddedSlot(schema, {}, DEFAULT_ASSUMED_ROWS);
    return slot.embedded!.report;
  }

  async explainStatement(req: ExplainRequest): Promise<ExplainResult> {
    try {
      return await this.explainOne(req);
    } catch (e) {
      throw explainDynamicSqlError(e, req);
    }
  }

  private async explainOne(req: ExplainRequest): Promise<ExplainResult> {
    if (this.disposed) throw new SqlExplainError('engine', 'The SQL explainer was shut down.');
    const t0 = Date.now();
    const userSql = singleStatement(req.sql);
    const norm = normalizePlaceholders(userSql, 'dollar');
    const sql = norm.sql;
    const paramCount = Math.max(countDollarParams(sql), norm.placeholders.length);
    // Refusals come before any engine starts: nothing of these statements ever runs.
    assertNoEscapingEffects(sql, !!req.analyze);
    assertExplainable(sql);
    assertAnalyzeAllowed(sql, !!req.analyze, req.confirmDataChange);
    const rows = req.rows ?? {};
    const defaultRows = req.defaultRows ?? DEFAULT_ASSUMED_ROWS;
    let startMs = 0;
    let schemaMs = 0;
    let slot: Slot;
    if (req.engine.kind === 'embedded') {
      const schema = readSchema(req.workspaceRoot, req.schemaPaths);
      const before = Date.now();
      const existing = this.slots.get('embedded');
      const warm = existing?.embedded && existing.embedded.process.alive && existing.key === embeddedKey(schema);
      slot = await this.embeddedSlot(schema, rows, defaultRows, req.statementTimeoutMs);
      if (!warm) { startMs = slot.embedded!.startMs; schemaMs = slot.embedded!.report.loadMs; void before; }
      slot.embedded!.sizes.update(rows, defaultRows);
    } else {
      const before = Date.now();
      slot = await this.serverSlot(req.engine);
      startMs = Date.now() - before;
    }
    return this.withLock(slot, async () => {
      try {
        return await this.explainOnSlot(slot, req, sql, paramCount, defaultRows, t0, startMs, schemaMs);
      } catch (e) {
        throw explainSchemaGap(e, slot, req);
      }
    });
  }

  private async explainOnSlot(slot: Slot, req: ExplainRequest, sql: string, paramCount: number, defaultRows: number, t0: number, startMs: number, schemaMs: number): Promise<ExplainResult> {
    {
      const engine = slot.engine;
      const statementTimeoutMs = req.statementTimeoutMs ?? 15_000;
      const engineReq = { sql, paramCount, analyze: !!req.analyze, statementTimeoutMs };
      // PGlite ignores statement_timeout: its process enforces the limit (with room for the session set-up).
      if (slot.embedded) slot.embedded.process.queryTimeoutMs = statementTimeoutMs + 5_000;
      const te = Date.now();
      const out = await wrap(() => engine.explain(engineReq));
      const explainMs = Date.now() - te;
      const relations = new Set<string>();
      walkPlan(out.plan, (n) => { if (n.relation) relations.add(n.relation.toLowerCase()); });
      for (const r of tableRefs(sql)) relations.add(r.table);
      const info = await wrap(() => engine.tableInfo([...relations]));
      const findings = runChecks(out.plan, {
        engine: engine.kind, analyzed: !!req.analyze, estimate: engine.estimate, sql, summary: out.summary,
        tableRows: info.rows, indexes: info.indexes, columnTypes: info.columns, ...(req.source ? { source: req.source } : {}),
      });
      const ta = Date.now();
      const advice = req.suggestIndexes === false ? { suggestions: [], candidates: [] }
        : await wrap(() => adviseIndexes(engine, { ...engineReq, analyze: false }, out.plan, info, sql));
      const adviseMs = Date.now() - ta;
      const warnings = [...out.warnings, ...(slot.embedded?.sizes.warnings.splice(0) ?? [])];
      const schema = slot.embedded?.report;
      const assumed = engine.estimate ? pickAssumed(engine.assumedRows?.() ?? {}, relations) : undefined;
      if (engine.estimate) warnings.unshift(`Estimate: the embedded engine has no data; costs assume ${describeAssumed(assumed ?? {}, defaultRows)}. Use --db against a real database for exact plans.`);
      return {
        engine: { kind: engine.kind, version: await engine.version(), label: engine.label },
        sql: out.sentSql,
        plan: out.plan,
        summary: out.summary,
        rawPlan: out.raw,
        rawFormat: out.format,
        findings,
        suggestions: advice.suggestions,
        candidates: advice.candidates,
        estimate: engine.estimate,
        ...(assumed ? { assumedRows: assumed } : {}),
        analyzed: !!req.analyze,
        parameterMode: out.parameterMode,
        ...(schema ? { schema } : {}),
        skippedMigrationStatements: schema?.skipped ?? [],
        warnings,
        timings: { startMs, schemaMs, explainMs, adviseMs, totalMs: Date.now() - t0 },
      };
    }
  }

  /** EXPLAINs every query found in a project's code (default: on the embedded engine with its migrations). */
  async explainWorkspace(root: string, opts: WorkspaceExplainOptions = {}): Promise<WorkspaceExplainReport> {
    const t0 = Date.now();
    const files = codeFiles(root);
    const statements: ExtractedStatement[] = [];
    for (const f of files) {
      let text: string;
      try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
      for (const s of extractStatements(text, '', f)) if (isExplainable(s.sql)) statements.push(s);
    }
    const chosen = statements.slice(0, opts.maxStatements ?? 200);
    const results: WorkspaceStatementResult[] = [];
    const engine = opts.engine ?? { kind: 'embedded' as const };
    let schema: SchemaLoadReport | undefined;
    for (let i = 0; i < chosen.length; i++) {
      const s = chosen[i];
      opts.onProgress?.(i, chosen.length, s);
      try {
        const result = await this.explainStatement({
          sql: s.sql, engine, workspaceRoot: root, ...(opts.rows ? { rows: opts.rows } : {}), ...(opts.defaultRows ? { defaultRows: opts.defaultRows } : {}),
          ...(opts.schemaPaths ? { schemaPaths: opts.schemaPaths } : {}), ...(opts.suggestIndexes === false ? { suggestIndexes: false } : {}), source: s,
        });
        schema = schema ?? result.schema;
        results.push({ statement: s, result });
      } catch (e) {
        if (isSqlExplainError(e) && (e.kind === 'connection' || e.kind === 'config')) throw e;
        results.push({ statement: s, error: { kind: isSqlExplainError(e) ? e.kind : 'engine', message: (e as Error).message } });
      }
    }
    return { root, ...(schema ? { schema } : {}), results, codeFindings: nPlusOneFindings(chosen), filesScanned: files.length, totalMs: Date.now() - t0 };
  }

  /** Memory of the embedded engine's process (for benchmarks and the status view). */
  async embeddedMemory(): Promise<NodeJS.MemoryUsage | undefined> {
    const slot = this.slots.get('embedded');
    return slot?.embedded?.process.alive ? slot.embedded.process.memory() : undefined;
  }

  /** Process id of the embedded engine while it runs (status views, tests). */
  embeddedPid(): number | undefined {
    const slot = this.slots.get('embedded');
    return slot?.embedded?.process.alive ? slot.embedded.process.pid : undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(all.map(async (s) => { clearTimeout(s.idle); await s.engine.close().catch(() => undefined); if (s.embedded) await s.embedded.process.close(); }));
  }

  private withLock<T>(slot: Slot, fn: () => Promise<T>): Promise<T> {
    const run = slot.lock.then(fn, fn);
    slot.lock = run.catch(() => undefined);
    return run;
  }

  /** Concurrent first requests share one start instead of forking two engines. */
  private starting: { key: string; slot: Promise<Slot> } | undefined;

  private embeddedSlot(schema: LoadedSchema, rows: Record<string, number>, defaultRows: number, statementTimeoutMs?: number): Promise<Slot> {
    const key = embeddedKey(schema);
    if (this.starting?.key === key) return this.starting.slot;
    const slot = this.startEmbeddedSlot(schema, rows, defaultRows, statementTimeoutMs);
    this.starting = { key, slot };
    const clear = (): void => { if (this.starting?.slot === slot) this.starting = undefined; };
    slot.then(clear, clear);
    return slot;
  }

  private async startEmbeddedSlot(schema: LoadedSchema, rows: Record<string, number>, defaultRows: number, statementTimeoutMs?: number): Promise<Slot> {
    const key = embeddedKey(schema);
    const existing = this.slots.get('embedded');
    if (existing && existing.key === key && existing.embedded?.process.alive) return existing;
    if (existing) {
      this.slots.delete('embedded');
      await existing.lock.catch(() => undefined);
      await existing.embedded?.process.close();
    }
    const embedded = await wrap(() => startEmbedded({
      cacheDir: this.options.cacheDir,
      ...(this.options.assetsDir ? { assetsDir: this.options.assetsDir } : {}),
      ...(this.options.workerPath ? { workerPath: this.options.workerPath } : {}),
      ...(this.options.execPath ? { execPath: this.options.execPath } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
      ...(this.options.log ? { log: this.options.log } : {}),
    }, schema, rows, defaultRows, statementTimeoutMs));
    if (this.disposed) {
      // Shut down while starting (e.g. the extension deactivated): do not leave the child running.
      await embedded.process.close();
      throw new SqlExplainError('engine', 'The SQL explainer was shut down.');
    }
    const slot: Slot = { key, engine: embedded.engine, lock: Promise.resolve(), embedded };
    embedded.process.onExit = () => { if (this.slots.get('embedded') === slot) this.slots.delete('embedded'); };
    this.slots.set('embedded', slot);
    return slot;
  }

  private readonly connecting = new Map<string, Promise<Slot>>();

  private serverSlot(spec: EngineSpec): Promise<Slot> {
    const key = engineKey(spec);
    const existing = this.slots.get(key);
    if (existing) { this.touch(existing); return Promise.resolve(existing); }
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = this.openServerSlot(spec, key);
      this.connecting.set(key, pending);
      const clear = (): void => { this.connecting.delete(key); };
      pending.then(clear, clear);
    }
    return pending;
  }

  private async openServerSlot(spec: EngineSpec, key: string): Promise<Slot> {
    let engine: ExplainEngine;
    if (spec.kind === 'postgres') {
      engine = await wrap(() => openPostgres({ url: spec.url, ...(spec.password !== undefined ? { password: spec.password } : {}) }));
    } else if (spec.kind === 'mysql') {
      engine = await wrap(() => openMysql(spec.url, spec.password));
    } else if (spec.kind === 'sqlite') {
      engine = await wrap(() => openSqlite(spec.file));
    } else throw new SqlExplainError('config', 'unknown engine');
    if (this.disposed) {
      await engine.close();
      throw new SqlExplainError('engine', 'The SQL explainer was shut down.');
    }
    const slot: Slot = { key, engine, lock: Promise.resolve() };
    this.slots.set(key, slot);
    this.touch(slot);
    return slot;
  }

  /** Server connections and SQLite copies close after the idle timeout. */
  private touch(slot: Slot): void {
    clearTimeout(slot.idle);
    const idle = this.options.idleTimeoutMs ?? 5 * 60_000;
    if (idle <= 0) return;
    slot.idle = setTimeout(() => {
      if (this.slots.get(slot.key) === slot) this.slots.delete(slot.key);
      void slot.lock.then(() => slot.engine.close());
    }, idle);
    slot.idle.unref();
  }
}

export function createExplainer(options: ExplainerOptions): Explainer {
  return new Explainer(options);
}

function embeddedKey(schema: LoadedSchema): string {
  return `embedded:${schema.fingerprint}`;
}

function engineKey(spec: EngineSpec): string {
  const raw = spec.kind === 'sqlite' ? `${spec.file}:${safeMtime(spec.file)}` : spec.kind === 'embedded' ? 'embedded' : `${spec.url}|${spec.password ?? ''}`;
  return `${spec.kind}:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
}

function safeMtime(f: string): number {
  try { return fs.statSync(f).mtimeMs; } catch { return 0; }
}

/** Exactly one statement: a trailing `;` is fine, several statements are not. */
function singleStatement(sql: string): string {
  const parts = splitStatements(sql).filter((p) => p.kind === 'statement');
  if (parts.length === 0 || !stripComments(sql).trim()) throw new SqlExplainError('syntax', 'No SQL statement to explain: the text is empty or only comments. Put the cursor on a statement or select one.');
  if (parts.length > 1) {
    throw new SqlExplainError('syntax', `The text holds ${parts.length} statements; EXPLAIN works on one at a time. Select one statement (the second starts at offset ${parts[1].start}).`, { offset: parts[1].start, line: sql.slice(0, parts[1].start).split('\n').length - 1, character: parts[1].start - (sql.lastIndexOf('\n', parts[1].start - 1) + 1) });
  }
  return parts[0].text;
}

/**
 * "relation does not exist" on the embedded engine usually means its schema came from the wrong
 * place (or from nowhere): the hint says where it came from (the CLI prints it; the extension
 * builds its own with its setting names).
 */
function explainSchemaGap(e: unknown, slot: Slot, req: ExplainRequest): unknown {
  if (!isSqlExplainError(e) || !slot.embedded || (e.code !== '42P01' && e.code !== '42703' && e.code !== '42883')) return e;
  const report = slot.embedded.report;
  const where = req.workspaceRoot ?? process.cwd();
  const origin = report.files.length
    ? `The embedded engine's schema comes from ${report.files.length} file${report.files.length === 1 ? '' : 's'} (${report.layout}) starting with ${report.files[0]}${report.skipped.length ? `; ${report.skipped.length} statement(s) were skipped` : ''}.`
    : `No migrations or schema files were found under ${where}, so the embedded engine's schema is empty.`;
  e.hint = `${origin} Point it at the right schema (--schema PATH) or explain against a database (--db URL).`;
  return e;
}

/**
 * A syntax error on a placeholder that stands for code-built SQL (`SET ${sets.join(', ')}`) is not the
 * user's typo: say that the fragment is assembled at runtime and how to explain it anyway.
 */
function explainDynamicSqlError(e: unknown, req: ExplainRequest): unknown {
  if (!isSqlExplainError(e) || e.kind !== 'syntax' || !e.position || !req.source?.dynamic) return e;
  const m = /^\$(\d+)/.exec(req.sql.slice(e.position.offset));
  const p = m ? req.source.placeholders.find((x) => x.index === Number(m[1])) : undefined;
  if (!p || p.style !== 'interpolation') return e;
  return new SqlExplainError('syntax', `${e.message.replace(' Fix the SQL there and run EXPLAIN again.', '')} At that point the code inserts ${p.original}, which builds SQL text at runtime; ` +
    'Stakes can only plan it as a value. Explain the SQL as it is sent (log it, then run stakes explain --sql "…" or select it in the editor).', e.position, e.code);
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isSqlExplainError(e)) throw e;
    throw new SqlExplainError('engine', `EXPLAIN failed: ${(e as Error)?.message ?? String(e)}`);
  }
}

function pickAssumed(all: Record<string, number>, relations: Set<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(all)) if (relations.has(k.toLowerCase().split('.').pop()!)) out[k] = v;
  return out;
}

function describeAssumed(assumed: Record<string, number>, defaultRows: number): string {
  const entries = Object.entries(assumed);
  if (!entries.length) return `${defaultRows.toLocaleString('en-US')} rows per table`;
  return entries.map(([t, n]) => `${t} = ${n.toLocaleString('en-US')} rows`).join(', ');
}

function codeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 8 || out.length > 5000) return;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!CODE_SKIP.has(e.name) && !e.name.startsWith('.')) walk(p, depth + 1); }
      else if (e.isFile() && codeLanguage('', e.name) && codeLanguage('', e.name) !== 'sql' && !/\.d\.ts$|\.min\.js$|[._-](test|spec)\.[a-z]+$|^test_.*\.py$|_test\.go$/.test(e.name)) out.push(p);
    }
  };
  walk(root, 0);
  return out;
}
