/**
 * stakes_explain_sql: plain EXPLAIN (never ANALYZE, never a write) of SQL text or of the query at a
 * file's line, on the engine the user configured when the server started — the embedded PostgreSQL
 * loaded with the workspace's migrations by default — with the plan's findings and index
 * suggestions verified by re-planning (trial indexes are always rolled back).
 */
import * as path from 'node:path';
import { z } from 'zod';
import { extractStatements, findSchemaRoot, isSqlExplainError, type ExplainResult, type ExtractedStatement, type PlanNode, type SqlExplainError } from '../sql/api';
import { AgentError, type ToolErrorBody } from './errors';
import { argumentsKey, clip, decodeCursor, encodeCursor, LIMITS } from './paging';
import { CursorField, limitField, Page, Severity } from './schemas';
import type { AgentContext, ToolDefinition } from './types';

export const ExplainInput = z.strictObject({
  sql: z.string().min(1).max(LIMITS.sqlChars).optional().describe('One SQL statement (placeholders such as $1, ?, :name are fine).'),
  path: z.string().min(1).max(4096).optional().describe('A .sql file or a TypeScript/JavaScript, Python or Go file with queries, inside the workspace.'),
  line: z.int().min(1).optional().describe('1-based line of the query in path. Without it, every query in the file is explained, a page at a time.'),
  rows: z.record(z.string().regex(/^[A-Za-z_][\w.]*$/).max(128), z.int().min(0)).optional()
    .describe('Assumed row counts per table for the embedded engine (it holds no data), e.g. {"orders": 5000000}.'),
  limit: limitField(3, 10, 'Statements'),
  cursor: CursorField.optional(),
}).superRefine((v, ctx) => {
  if ((v.sql === undefined) === (v.path === undefined)) ctx.addIssue({ code: 'custom', message: 'give either sql or path (with an optional line)', path: [] });
  if (v.line !== undefined && v.path === undefined) ctx.addIssue({ code: 'custom', message: 'line needs path', path: ['line'] });
});

const PlanNodeOut = z.strictObject({
  id: z.string(),
  depth: z.int().min(0),
  nodeType: z.string(),
  relation: z.string().nullable(),
  index: z.string().nullable(),
  totalCost: z.number().nullable(),
  estimatedRows: z.number().nullable(),
  condition: z.string().nullable().describe('Index condition, filter, join or sort key.'),
});

const SqlFindingOut = z.strictObject({
  id: z.string().describe('Check id, e.g. "indexable-seq-scan".'),
  title: z.string(),
  severity: Severity,
  nodeId: z.string().nullable().describe('Plan node the finding is about.'),
  relation: z.string().nullable(),
  why: z.string(),
  action: z.string(),
  evidence: z.record(z.string(), z.union([z.string(), z.number()])),
});

const Suggestion = z.strictObject({
  statement: z.string().describe('Ready to run (CREATE INDEX CONCURRENTLY on PostgreSQL).'),
  table: z.string(),
  columns: z.array(z.string()),
  costBefore: z.number(),
  costAfter: z.number(),
  reduction: z.number().min(0).max(1),
  method: z.enum(['hypopg', 'trial-index']).describe('How it was verified: a hypothetical index, or a real one inside a transaction that was rolled back.'),
});

const ErrorOut = z.strictObject({ code: z.string(), message: z.string(), action: z.string(), retryable: z.boolean() });

const StatementOut = z.strictObject({
  location: z.strictObject({ path: z.string(), line: z.int().min(1), via: z.string() }).nullable(),
  sql: z.string().describe('The statement as explained (placeholders normalized).'),
  totalCost: z.number().nullable(),
  plan: z.array(PlanNodeOut),
  planNodesOmitted: z.int().min(0),
  findings: z.array(SqlFindingOut),
  suggestions: z.array(Suggestion),
  assumedRows: z.record(z.string(), z.number()).nullable().describe('Table sizes the estimate assumes (embedded engine).'),
  parameterMode: z.string(),
  warnings: z.array(z.string()),
  error: ErrorOut.nullable().describe('Set when this statement could not be explained (the others still were).'),
});

export const ExplainOutput = z.strictObject({
  engine: z.strictObject({
    kind: z.enum(['embedded', 'postgres', 'mysql', 'sqlite']),
    description: z.string().describe('Which engine the user configured; agents cannot choose another.'),
    version: z.string().nullable(),
    estimate: z.boolean().describe('True when costs rest on assumed table sizes (embedded engine): say "estimate".'),
  }),
  statements: z.array(StatementOut),
  page: Page,
  notes: z.array(z.string()),
});

type Out = z.input<typeof ExplainOutput>;

export const explainSqlTool: ToolDefinition<typeof ExplainInput, typeof ExplainOutput> = {
  name: 'stakes_explain_sql',
  title: 'Stakes: EXPLAIN a SQL query',
  summary: 'EXPLAIN a query on the configured database (embedded PostgreSQL by default) with verified index suggestions.',
  description: 'EXPLAIN one SQL statement, or the query at path:line (TypeScript/JavaScript, Python, Go or .sql), on the database the user configured for Stakes ' +
    '(by default an embedded PostgreSQL built from the workspace\'s migrations, with assumed table sizes). Returns the plan, findings (sequential scans on big tables, ' +
    'non-sargable predicates, N+1 queries in loops…) and index suggestions verified by re-planning. Never runs ANALYZE and never changes data; ' +
    'you cannot choose the database.',
  input: ExplainInput,
  output: ExplainOutput,
  openWorld: (ctx) => ctx.engineKind() !== 'embedded',
  async run(args, ctx) {
    const key = argumentsKey('stakes_explain_sql', args);
    const start = decodeCursor('stakes_explain_sql', key, args.cursor);
    const targets = statementsToExplain(args, ctx);
    const page = targets.statements.slice(start.item, start.item + args.limit);
    const notes: string[] = [];
    const statements: Out['statements'] = [];
    let version: string | null = null;
    let estimate = ctx.engineKind() === 'embedded';
    const single = targets.statements.length === 1;
    for (const t of page) {
      ctx.signal?.throwIfAborted();
      try {
        const opts = ctx.sqlOptions();
        const result = await ctx.explain({
          sql: t.sql, workspaceRoot: targets.workspaceRoot, ...(t.source ? { source: t.source } : {}),
          ...(opts.schemaPaths ? { schemaPaths: opts.schemaPaths } : {}),
          rows: { ...(opts.rows ?? {}), ...(args.rows ?? {}) },
          ...(opts.defaultRows !== undefined ? { defaultRows: opts.defaultRows } : {}),
          statementTimeoutMs: opts.statementTimeoutMs ?? 10_000,
          suggestIndexes: opts.suggestIndexes ?? true,
        });
        version = result.engine.version;
        estimate = result.estimate;
        statements.push(statementOut(t.location, result));
      } catch (e) {
        const err = sqlError(e);
        // One statement, or the engine itself is down: the call fails. Otherwise the page goes on.
        if (single || err.code === 'DB_UNREACHABLE' || err.code === 'DB_NOT_CONFIGURED' || err.code === 'CANCELLED') throw err;
        statements.push(failedStatement(t.location, t.sql, err.toBody()));
      }
    }
    if (targets.statements.length > 1) notes.push(`${targets.statements.length} statements found in ${targets.shown}`);
    if (ctx.sqlOptions().suggestIndexes === false) notes.push('index suggestions are turned off for this server');
    const nextItem = start.item + page.length;
    return {
      engine: { kind: ctx.engineKind(), description: ctx.engineDescription(), version, estimate },
      statements,
      page: {
        total: targets.statements.length, offset: start.item, returned: page.length,
        nextCursor: nextItem < targets.statements.length ? encodeCursor('stakes_explain_sql', key, { item: nextItem, offset: 0 }) : null,
        truncated: null,
      },
      notes,
    };
  },
};

interface Target {
  sql: string;
  source?: ExtractedStatement;
  location: { path: string; line: number; via: string } | null;
}

function statementsToExplain(args: z.output<typeof ExplainInput>, ctx: AgentContext): { statements: Target[]; workspaceRoot: string; shown: string } {
  const firstRoot = ctx.workspace.roots[0].real;
  if (args.sql !== undefined) return { statements: [{ sql: args.sql, location: null }], workspaceRoot: schemaRootWithin(firstRoot, firstRoot), shown: 'the SQL given' };
  const file = ctx.workspace.resolve(args.path!, 'path');
  if (file.isDirectory) throw new AgentError('INVALID_PATH', `path: ${args.path} is a directory; give a file (and a line)`, { field: 'path' });
  const { bytes, size } = ctx.workspace.read(file, LIMITS.checkBytes);
  if (size > LIMITS.checkBytes) throw new AgentError('TOO_LARGE', `path: ${args.path} is larger than ${LIMITS.checkBytes / 1024 / 1024} MB`, { field: 'path' });
  const shown = ctx.workspace.display(file.abs);
  const all = extractStatements(bytes.toString('utf8'), '', file.abs);
  if (all.length === 0) {
    throw new AgentError('NO_SQL_FOUND', `no SQL found in ${shown}. Stakes looks for SQL passed to query/execute/raw calls, tagged sql\`…\` templates, string literals that read as SQL, and .sql files`, { path: shown });
  }
  const chosen = args.line === undefined ? all : all.filter((s) => s.range.start.line <= args.line! - 1 && s.range.end.line >= args.line! - 1);
  if (chosen.length === 0) {
    throw new AgentError('NO_SQL_FOUND', `no SQL statement at ${shown}:${args.line}`, { path: shown, line: args.line, statementLines: all.slice(0, 50).map((s) => s.range.start.line + 1) });
  }
  return {
    statements: chosen.map((s) => ({ sql: s.sql, source: s, location: { path: shown, line: s.range.start.line + 1, via: s.via } })),
    workspaceRoot: schemaRootWithin(path.dirname(file.abs), file.root.real),
    shown,
  };
}

/** The nearest folder with migrations at or above `start`, but never above the root the server may read. */
function schemaRootWithin(start: string, root: string): string {
  const found = findSchemaRoot(start);
  const rel = path.relative(root, found);
  return rel.startsWith('..') || path.isAbsolute(rel) ? root : found;
}

function flatten(plan: PlanNode): Out['statements'][number]['plan'] {
  const out: Out['statements'][number]['plan'] = [];
  const walk = (n: PlanNode, depth: number): void => {
    out.push({
      id: n.id, depth, nodeType: n.operation ? `${n.nodeType} (${n.operation})` : n.nodeType, relation: n.relation ?? null, index: n.index ?? null,
      totalCost: n.totalCost ?? null, estimatedRows: n.estimatedRows ?? null,
      condition: clipOrNull(n.indexCondition ?? n.filter ?? n.hashCondition ?? n.joinFilter ?? (n.sortKey ? n.sortKey.join(', ') : undefined) ?? (n.relation ? undefined : n.detail)),
    });
    n.children.forEach((c) => walk(c, depth + 1));
  };
  walk(plan, 0);
  return out;
}

function clipOrNull(s: string | undefined): string | null {
  return s === undefined ? null : clip(s, 300);
}

function statementOut(location: Target['location'], r: ExplainResult): Out['statements'][number] {
  const nodes = flatten(r.plan);
  return {
    location,
    sql: clip(r.sql, 4000),
    totalCost: r.summary.totalCost ?? r.plan.totalCost ?? null,
    plan: nodes.slice(0, LIMITS.planNodes),
    planNodesOmitted: Math.max(0, nodes.length - LIMITS.planNodes),
    findings: r.findings.map((f) => ({
      id: f.id, title: f.title, severity: f.severity, nodeId: f.nodeId ?? null, relation: f.relation ?? null, why: clip(f.why), action: clip(f.action), evidence: f.evidence,
    })),
    suggestions: r.suggestions.map((s) => ({
      statement: s.statement, table: s.schema ? `${s.schema}.${s.table}` : s.table, columns: s.columns,
      costBefore: s.costBefore, costAfter: s.costAfter, reduction: Math.round(s.reduction * 1000) / 1000, method: s.method,
    })),
    assumedRows: r.assumedRows ?? null,
    parameterMode: r.parameterMode,
    warnings: r.warnings.map((w) => clip(w)),
    error: null,
  };
}

function failedStatement(location: Target['location'], sql: string, error: ToolErrorBody): Out['statements'][number] {
  return {
    location, sql: clip(sql, 4000), totalCost: null, plan: [], planNodesOmitted: 0, findings: [], suggestions: [], assumedRows: null,
    parameterMode: 'none', warnings: [], error: { code: error.code, message: error.message, action: error.action, retryable: error.retryable },
  };
}

/** SQL failures as agent error codes. */
export function sqlError(e: unknown): AgentError {
  if (e instanceof AgentError) return e;
  if ((e as Error)?.name === 'AbortError') return new AgentError('CANCELLED', 'the call was cancelled');
  if (!isSqlExplainError(e)) return new AgentError('ENGINE_ERROR', (e as Error)?.message ?? String(e));
  const err = e as SqlExplainError;
  const message = err.hint ? `${err.message} ${err.hint}` : err.message;
  const details = err.position ? { line: err.position.line + 1, column: err.position.character + 1, offset: err.position.offset } : undefined;
  if (err.code === '42P01' || err.code === '42703' || err.code === '42883') return new AgentError('SCHEMA_MISSING', message, details);
  switch (err.kind) {
    case 'syntax': return new AgentError('SQL_SYNTAX', message, details);
    case 'unsafe':
    case 'unsupported': return new AgentError('SQL_NOT_EXPLAINABLE', message);
    case 'timeout': return new AgentError('DB_TIMEOUT', message);
    case 'schema': return new AgentError('SCHEMA_MISSING', message);
    case 'config': return new AgentError('DB_NOT_CONFIGURED', message);
    case 'connection':
      return /^(28P01|28000|3D000|ER_ACCESS_DENIED_ERROR|ER_BAD_DB_ERROR|ER_DBACCESS_DENIED_ERROR)$/.test(err.code ?? '')
        ? new AgentError('DB_NOT_CONFIGURED', message) : new AgentError('DB_UNREACHABLE', message);
    default: return new AgentError('ENGINE_ERROR', message);
  }
}
