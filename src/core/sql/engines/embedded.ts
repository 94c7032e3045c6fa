/**
 * The embedded engine: a PGlite child process loaded with the workspace schema, assumed table sizes
 * applied per plan. The migrated database is kept per schema key (pglite-store.ts): with unchanged
 * migrations the engine starts from it and runs nothing; any change to a migration changes the key.
 */
import { createHash } from 'node:crypto';
import { PgEngine } from './pg-engine';
import { PgliteProcess, type PgliteProcessOptions } from './pglite';
import { AssumedSizes } from './assumed-sizes';
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

/**
 * What a cached database is kept under: the schema's files and contents (its fingerprint) and how
 * they are loaded. A new loading rule must change LOADER, or old databases would be reused.
 */
const LOADER = 'execMany-v1';

export function schemaKey(schema: LoadedSchema): string {
  return createHash('sha256').update(`${LOADER}\0${schema.fingerprint}\0${schema.extensions.join(',')}`).digest('hex').slice(0, 24);
}

export async function startEmbedded(
  opts: Omit<PgliteProcessOptions, 'extensions'>, schema: LoadedSchema, rows: Record<string, number>, defaultRows: number,
): Promise<EmbeddedEngine> {
  const t0 = Date.now();
  const key = schemaKey(schema);
  const proc = await PgliteProcess.start({ ...opts, extensions: schema.extensions, schemaKey: key });
  const startMs = Date.now() - t0;
  let report: SchemaLoadReport;
  try {
    const cached = proc.startInfo?.cachedReport as SchemaLoadReport | undefined;
    if (cached) {
      report = { ...cached, loadMs: 0, fromCache: true };
    } else {
      report = await loadInto(proc, schema);
      // Saving (a checkpoint and a copy) is part of loading the schema, once per schema key.
      const t1 = Date.now();
      if (schema.statements.length) await proc.saveSchema(key, report);
      report = { ...report, loadMs: report.loadMs + (Date.now() - t1) };
    }
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

async function loadInto(proc: PgliteProcess, schema: LoadedSchema): Promise<SchemaLoadReport> {
  const t0 = Date.now();
  const errors = schema.statements.length ? await proc.execMany(schema.statements.map((s) => s.sql)) : [];
  const skipped: SkippedStatement[] = [...schema.skipped];
  let run = 0;
  errors.forEach((err, i) => {
    const s = schema.statements[i];
    if (!err) { run++; return; }
    const unavailable = /extension "([^"]+)" is not available|could not open extension control file/i.exec(err.message);
    skipped.push({
      file: s.file, line: s.line, sqlPreview: s.sql.replace(/\s+/g, ' ').slice(0, 120),
      reason: unavailable ? `extension not available in the embedded engine: ${err.message}` : err.message,
      kind: unavailable ? 'extension-unavailable' : 'error',
    });
  });
  skipped.sort((a, b) => (a.file === b.file ? a.line - b.line : schema.files.indexOf(a.file) - schema.files.indexOf(b.file)));
  return { files: schema.files, layout: schema.layout, statementsRun: run, skipped, loadMs: Date.now() - t0 };
}
