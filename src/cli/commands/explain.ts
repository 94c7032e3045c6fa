/** `stakes explain (--sql SQL | FILE[:LINE]) [--db URL | --schema PATH] [--rows table=N,...] [--analyze] [--format json|text]` */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandArgs, EXIT_FINDINGS, UserError, type CliIO } from '../io';
import { SEVERITIES, severityAtLeast, type Severity } from '../../core/audit/findings';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import * as api from '../../core/sql/api';
import * as render from '../../core/sql/render';
import type { EngineSpec, ExplainResult, ExtractedStatement } from '../../core/sql/types';

const HELP = `usage: stakes explain (--sql SQL | FILE[:LINE]) [--db URL | --schema PATH] [options]

EXPLAINs a SQL statement and reports the plan, problems and index suggestions verified by re-planning.
  --sql SQL              the statement to explain
  FILE[:LINE]            a .sql file (statement at LINE, or every statement) or a TS/JS/Python/Go file
                         (the query at LINE, or every query found in it)
  --db URL               postgres://USER@HOST:5432/DB, mysql://USER@HOST:3306/DB or sqlite:PATH.
                         Without --db: embedded PostgreSQL (PGlite) loaded with the workspace's migrations
                         (workspace = nearest directory with migrations above FILE or the current directory)
  --schema PATH          schema file or migrations folder for the embedded engine (repeatable)
  --rows table=N,...     assumed row counts for the embedded engine (default ${'100,000'} per table)
  --default-rows N       assumed rows for tables not listed in --rows
  --analyze              execute (EXPLAIN ANALYZE) inside a transaction that is always rolled back
  --confirm-data-change  allow --analyze on INSERT/UPDATE/DELETE/MERGE (still rolled back)
  --no-suggest           skip index suggestions
  --timeout MS           statement_timeout (default 15000)
  --format text|json     output format (default text)
  --fail-on SEVERITY     exit 1 when a finding is at or above SEVERITY (${SEVERITIES.join(', ')})
Exit codes: 0 done, 1 findings at/above --fail-on, 2 bad input or database error.`;

export const command = {
  summary: 'EXPLAIN SQL with checks and verified index suggestions',
  async run(argv: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(argv, {
      sql: { type: 'string' },
      db: { type: 'string' },
      schema: { type: 'string', multiple: true },
      rows: { type: 'string', multiple: true },
      'default-rows': { type: 'string' },
      analyze: { type: 'boolean' },
      'confirm-data-change': { type: 'boolean' },
      'no-suggest': { type: 'boolean' },
      timeout: { type: 'string' },
      format: { type: 'string' },
      'fail-on': { type: 'string' },
    }, HELP, io);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`--format must be text or json, not "${format}".`);
    if (values.sql !== undefined && positionals.length) throw new UserError('Give either --sql or FILE[:LINE], not both.');
    if (values.sql === undefined && positionals.length !== 1) throw new UserError(`Give the SQL with --sql "SELECT …" or a FILE[:LINE].\n${HELP}`);
    if (values.db && values.schema) throw new UserError('--schema is for the embedded engine; with --db the database\'s own schema is used. Drop one of them.');
    const failOn = values['fail-on'] as Severity | undefined;
    if (failOn && !SEVERITIES.includes(failOn)) throw new UserError(`--fail-on must be one of ${SEVERITIES.join(', ')}.`);
    const rows = parseRows(values.rows ?? []);
    const defaultRows = values['default-rows'] !== undefined ? positiveInt(values['default-rows'], '--default-rows') : undefined;
    const timeout = values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : undefined;

    let engine: EngineSpec;
    try {
      engine = values.db ? api.parseEngineUrl(values.db, io.cwd) : { kind: 'embedded' };
    } catch (e) {
      throw toUserError(e);
    }

    // What to explain: --sql, or the statement(s) of a file.
    let targets: Array<{ sql: string; source?: ExtractedStatement; label?: string }>;
    let workspaceStart = io.cwd;
    if (values.sql !== undefined) {
      targets = [{ sql: values.sql }];
    } else {
      const { file, line } = splitFileLine(positionals[0], io.cwd);
      workspaceStart = path.dirname(file);
      const text = fs.readFileSync(file, 'utf8');
      const all = api.extractStatements(text, '', file);
      if (!all.length) throw new UserError(`No SQL found in ${file}. For code, Stakes looks for SQL passed to query/execute/raw calls, tagged sql\`…\` templates and string literals that read as SQL.`);
      const chosen = line === undefined ? all : all.filter((s) => s.range.start.line <= line - 1 && s.range.end.line >= line - 1);
      if (!chosen.length) {
        const lines = all.map((s) => s.range.start.line + 1).join(', ');
        throw new UserError(`No SQL statement at ${file}:${line}. Statements start on line${all.length > 1 ? 's' : ''} ${lines}.`);
      }
      const shown = path.relative(io.cwd, file) || file;
      // A file mixing statement kinds: explain what EXPLAIN takes, list the rest (DDL, transaction control).
      const skipped = chosen.length > 1 ? chosen.filter((s) => api.unexplainableKind(s.sql)) : [];
      const kept = chosen.filter((s) => !skipped.includes(s));
      if (!kept.length) {
        throw new UserError(`${shown}: nothing to explain. DDL and transaction control cannot be explained; the file holds only ${describeSkipped(skipped, api)}.`);
      }
      if (skipped.length) io.stderr(`stakes explain: skipped ${skipped.length} statement${skipped.length === 1 ? '' : 's'} that cannot be explained: ${describeSkipped(skipped, api)}.\n`);
      targets = kept.map((s) => ({ sql: s.sql, source: s, label: `${shown}:${s.range.start.line + 1}` }));
    }
    const workspaceRoot = engine.kind === 'embedded' ? api.findSchemaRoot(workspaceStart) : undefined;
    const schemaPaths = values.schema?.map((p) => path.resolve(io.cwd, p));

    const explainer = api.createExplainer({ cacheDir: cacheLayout(stakesCacheDir(io.env)).sql });
    const results: Array<{ label?: string; result: ExplainResult }> = [];
    try {
      for (const t of targets) {
        try {
          const result = await explainer.explainStatement({
            sql: t.sql, engine, analyze: !!values.analyze, confirmDataChange: !!values['confirm-data-change'],
            rows, ...(defaultRows !== undefined ? { defaultRows } : {}), ...(schemaPaths ? { schemaPaths } : {}),
            ...(workspaceRoot ? { workspaceRoot } : {}), suggestIndexes: !values['no-suggest'],
            ...(timeout !== undefined ? { statementTimeoutMs: timeout } : {}), ...(t.source ? { source: t.source } : {}),
          });
          results.push({ ...(t.label ? { label: t.label } : {}), result });
        } catch (e) {
          throw toUserError(e, t.source, t.label);
        }
      }
    } finally {
      await explainer.dispose();
    }

    if (format === 'json') {
      const payload = results.length === 1 && values.sql !== undefined ? results[0].result : results.map((r) => ({ location: r.label, ...r.result }));
      io.stdout(JSON.stringify(payload, null, 2) + '\n');
    } else {
      for (const r of results) {
        if (results.length > 1 || r.label) io.stdout(`\n=== ${r.label} ===\n`);
        io.stdout(render.renderResult(r.result));
      }
    }
    if (failOn && results.some((r) => r.result.findings.some((f) => severityAtLeast(f.severity, failOn)))) return EXIT_FINDINGS;
    return 0;
  },
};

function describeSkipped(skipped: ExtractedStatement[], api: typeof import('../../core/sql/api')): string {
  const all = skipped.map((s) => `line ${s.range.start.line + 1}: ${api.unexplainableKind(s.sql)}`);
  return all.length <= 8 ? all.join('; ') : `${all.slice(0, 8).join('; ')}; and ${all.length - 8} more`;
}

function splitFileLine(arg: string, cwd: string): { file: string; line?: number } {
  const m = /^(.*?):(\d+)$/.exec(arg);
  const candidate = m ? path.resolve(cwd, m[1]) : path.resolve(cwd, arg);
  if (m && fs.existsSync(candidate)) return { file: candidate, line: Number(m[2]) };
  const whole = path.resolve(cwd, arg);
  if (!fs.existsSync(whole) || !fs.statSync(whole).isFile()) throw new UserError(`File not found: ${m ? candidate : whole}. Give FILE or FILE:LINE.`);
  return { file: whole };
}

function parseRows(specs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = /^([\w.]+)\s*=\s*([\d_,.]+)([kKmM]?)$/.exec(part);
      if (!m) throw new UserError(`--rows expects table=N (e.g. --rows orders=2000000,customers=50000), not "${part}".`);
      const mult = /k/i.test(m[3]) ? 1_000 : /m/i.test(m[3]) ? 1_000_000 : 1;
      const n = Math.round(Number(m[2].replace(/_/g, '')) * mult);
      if (!Number.isFinite(n) || n < 0) throw new UserError(`--rows: "${part}" is not a row count.`);
      out[m[1]] = n;
    }
  }
  return out;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`${flag} expects a positive whole number, not "${v}".`);
  return n;
}

function toUserError(e: unknown, source?: ExtractedStatement, label?: string): Error {
  if (!api.isSqlExplainError(e)) return e as Error;
  let where = '';
  if (source && e.position) {
    // Map the position in the statement back to the file (exact for .sql files; the statement start for code).
    const line = source.range.start.line + e.position.line;
    const col = e.position.line === 0 ? source.range.start.character + e.position.character : e.position.character;
    where = source.via === 'sql-file' ? `${path.basename(source.file)}:${line + 1}:${col + 1}: ` : `${label ?? ''}: `;
  } else if (label) where = `${label}: `;
  return new UserError(`${where}${e.message}${e.hint ? `\n${e.hint}` : ''}`);
}
