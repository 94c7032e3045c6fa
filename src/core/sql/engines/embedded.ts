/** The embedded engine: a PGlite child process loaded with the workspace schema, assumed table sizes applied per plan. */
import { PgEngine } from './pg-engine';
import { PgliteProcess, type PgliteProcessOptions } from './pglite';
import { AssumedSizes } from './assumed-sizes';
import { SqlExplainError } from '../errors';
import type { LoadedSchema } from '../schema';
import type { SchemaLoadReport, SkippedStatement } from '../types';

export interface EmbeddedEngine {
  engine: PgEngine;
  process: PgliteProcess;
  schema: LoadedSchema;
  report: SchemaLoadReport;
  sizes: AssumedSizes;
  startMs: number;
}

export async function startEmbedded(
  opts: Omit<PgliteProcessOptions, 'extensions'>, schema: LoadedSchema, rows: Record<string, number>, defaultRows: number,
  statementTimeoutMs = DEFAULT_MIGRATION_TIMEOUT_MS,
): Promise<EmbeddedEngine> {
  const t0 = Date.now();
  const start = (): Promise<PgliteProcess> => PgliteProcess.start({ ...opts, extensions: schema.extensions });
  let proc = await start();
  const startMs = Date.now() - t0;
  let report: SchemaLoadReport;
  try {
    ({ report, proc } = await loadInto(proc, schema, statementTimeoutMs, start));
  } catch (e) {
    await proc.close();
    throw e;
  }
  const sizes = new AssumedSizes(proc, rows, defaultRows);
  const engine = new PgEngine({
    kind: 'embedded',
    label: `embedded PostgreSQL (PGlite)${schema.files.length ? `, schema from ${schema.files.length} file${schema.files.length === 1 ? '' : 's'} (${schema.layout})` : ', empty schema'}`,
    session: proc,
    estimate: true,
    prepareRelations: (rels) => sizes.apply(rels),
    reapplyStats: (s, t) => sizes.reapply(s, t),
    assumedRows: () => sizes.summary(),
  });
  await engine.version();
  await engine.detectIndexMethod();
  return { engine, process: proc, schema, report, sizes, startMs };
}

/** Migrations run under the statement timeout too (a `generate_series(1, 5e7)` or `pg_sleep(30)` migration must not hold the engine). */
export const DEFAULT_MIGRATION_TIMEOUT_MS = 15_000;

/**
 * Run the schema's statements, each under `timeoutMs`. PGlite cannot interrupt itself, so a statement
 * past the limit has the process killed; a new one is started, the statements that succeeded are
 * replayed, and the slow one is reported as skipped.
 */
async function loadInto(first: PgliteProcess, schema: LoadedSchema, timeoutMs: number, restart: () => Promise<PgliteProcess>):
  Promise<{ report: SchemaLoadReport; proc: PgliteProcess }> {
  const t0 = Date.now();
  let proc = first;
  const errors: Array<{ message: string } | null> = [];
  const timedOut = new Set<number>();
  const sqls = schema.statements.map((s) => s.sql);
  for (let i = 0; i < sqls.length;) {
    // One statement per request, so the one past the limit is known (IPC costs well under a millisecond).
    const batch = sqls.slice(i, i + 1);
    try {
      errors.push(...await proc.execMany(batch, timeoutMs));
      i += batch.length;
    } catch (e) {
      if (!(e instanceof SqlExplainError) || e.kind !== 'timeout') throw e;
      timedOut.add(i);
      errors.push({ message: `stopped after ${Math.round(timeoutMs / 1000)} s: longer than the statement timeout (the embedded engine does not load statements that slow; raise it with --timeout)` });
      i++;
      proc = await restart();
      const replay = sqls.slice(0, i).filter((_, k) => errors[k] === null);
      if (replay.length) await proc.execMany(replay);
    }
  }
  const skipped: SkippedStatement[] = [...schema.skipped];
  let run = 0;
  errors.forEach((err, i) => {
    const s = schema.statements[i];
    if (!err) { run++; return; }
    const unavailable = /extension "([^"]+)" is not available|could not open extension control file/i.exec(err.message);
    skipped.push({
      file: s.file, line: s.line, sqlPreview: s.sql.replace(/\s+/g, ' ').slice(0, 120),
      reason: unavailable ? `extension not available in the embedded engine: ${err.message}` : err.message,
      kind: unavailable ? 'extension-unavailable' : timedOut.has(i) ? 'timeout' : 'error',
    });
  });
  skipped.sort((a, b) => (a.file === b.file ? a.line - b.line : schema.files.indexOf(a.file) - schema.files.indexOf(b.file)));
  return { report: { files: schema.files, layout: schema.layout, statementsRun: run, skipped, loadMs: Date.now() - t0 }, proc };
}
