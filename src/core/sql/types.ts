/**
 * The SQL EXPLAIN check's data contract, shared by core, the CLI and the extension.
 * Flow: extraction → engine → normalized plan → checks → suggestions → webview.
 * Positions are 0-based lines and UTF-16 columns, like VS Code's Position.
 */
import type { Severity } from '../audit/findings';

export type { Severity };

export interface SqlPosition {
  line: number;
  character: number;
}

export interface SqlRange {
  start: SqlPosition;
  end: SqlPosition;
}

/** How a statement was found. */
export type ExtractionVia =
  | 'sql-file'
  | 'template-literal'
  | 'tagged-sql'
  | 'prisma'
  | 'knex'
  | 'typeorm'
  | 'pg'
  | 'python-execute'
  | 'sqlalchemy'
  | 'go'
  | 'string-literal'
  | 'selection';

/** A placeholder style as written in the source. */
export type PlaceholderStyle = 'dollar' | 'question' | 'named-colon' | 'percent' | 'percent-named' | 'at' | 'interpolation';

export interface Placeholder {
  /** 1-based number in the normalized SQL ($1, $2, …). */
  index: number;
  /** What the source had: "?", ":email", "%(email)s", "@p1", "${user.id}", "$1". */
  original: string;
  /** Name for named styles (":email" → "email"); absent for positional ones. */
  name?: string;
  style: PlaceholderStyle;
}

/** The same query issued once per iteration of a loop in application code. */
export interface LoopContext {
  /** Line (0-based) of the loop header: for/while/forEach/map/range. */
  line: number;
  kind: string;
}

export interface ExtractedStatement {
  file: string;
  languageId: string;
  /** Range of the SQL text in the file (inside the quotes for code). */
  range: SqlRange;
  startOffset: number;
  endOffset: number;
  /** The SQL as written in the source (interpolations included). */
  text: string;
  /** The SQL with every parameter/interpolation turned into PostgreSQL-style $n placeholders. */
  sql: string;
  placeholders: Placeholder[];
  via: ExtractionVia;
  /** True when interpolations (${…}, f-string fields, concatenation) were replaced by placeholders. */
  dynamic: boolean;
  inLoop?: LoopContext;
}

export type EngineKind = 'postgres' | 'mysql' | 'sqlite' | 'embedded';

/**
 * Where to EXPLAIN. `embedded` is PGlite (PostgreSQL 18) in a child process, loaded with the
 * workspace's migrations or schema files. Passwords are passed separately (SecretStorage in VS Code).
 */
export type EngineSpec =
  | { kind: 'postgres'; url: string; password?: string }
  | { kind: 'mysql'; url: string; password?: string }
  | { kind: 'sqlite'; file: string }
  | { kind: 'embedded' };

/** Where the embedded engine lives; give once when creating the Explainer. */
export interface ExplainerOptions {
  /** Directory for the initialised PGlite template (e.g. ~/.cache/stakes or VS Code globalStorage). */
  cacheDir: string;
  /** Executable used to fork the PGlite worker. Default process.execPath. In VS Code pass process.execPath and env ELECTRON_RUN_AS_NODE=1. */
  execPath?: string;
  /** Extra environment for the worker process. */
  env?: Record<string, string>;
  /** Path of dist/pglite-worker.js; default: next to the running bundle, else <repo>/dist. */
  workerPath?: string;
  /** Directory with pglite.wasm, pglite.data, initdb.wasm and contrib tarballs; default: <extension>/media/pglite. */
  assetsDir?: string;
  /** Kill the embedded engine after this long without requests. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Per-request timeout for the worker (schema load, explain). Default 60 s. */
  requestTimeoutMs?: number;
  /** Progress/diagnostic lines ("loading 12 migration files…"). */
  log?: (line: string) => void;
}

export interface ExplainRequest {
  sql: string;
  engine: EngineSpec;
  /** Execute the statement (EXPLAIN ANALYZE) inside a transaction that is always rolled back. */
  analyze?: boolean;
  /** Required with analyze for INSERT/UPDATE/DELETE/MERGE and other data-changing statements. */
  confirmDataChange?: boolean;
  /** Assumed row counts per table for the embedded engine ("orders" or "public.orders"). */
  rows?: Record<string, number>;
  /** Assumed row count for tables not in `rows`. Default 100,000. */
  defaultRows?: number;
  /** Schema files or migration folders for the embedded engine; default: discovered under workspaceRoot. */
  schemaPaths?: string[];
  /** Workspace root used to discover migrations (embedded engine). */
  workspaceRoot?: string;
  /** Try candidate indexes and suggest the ones that cut the cost by half. Default true. */
  suggestIndexes?: boolean;
  /** statement_timeout for EXPLAIN/ANALYZE in ms. Default 15,000. */
  statementTimeoutMs?: number;
  /** Where the SQL came from (copied into findings; enables the N+1 finding). */
  source?: ExtractedStatement;
}

export type PlanFormat = 'postgres-json' | 'mysql-json' | 'mariadb-json' | 'sqlite-eqp';

export interface PlanBuffers {
  sharedHit?: number;
  sharedRead?: number;
  sharedDirtied?: number;
  sharedWritten?: number;
  localHit?: number;
  localRead?: number;
  tempRead?: number;
  tempWritten?: number;
}

/** One node of the normalized plan tree (same shape for every engine; absent = not reported). */
export interface PlanNode {
  /** Stable path id: "0", "0.1", "0.1.0". */
  id: string;
  /** "Seq Scan", "Index Scan", "Hash Join", "Sort", MySQL "ALL"/"ref" scans are mapped to "Full Table Scan"/"Index Lookup". */
  nodeType: string;
  /** Join type / strategy / command ("Inner", "Hashed", "Insert"). */
  operation?: string;
  relation?: string;
  schema?: string;
  alias?: string;
  index?: string;
  estimatedRows?: number;
  /** Per loop, like PostgreSQL. */
  actualRows?: number;
  loops?: number;
  startupCost?: number;
  totalCost?: number;
  /** Cost of this node minus its children. */
  exclusiveCost?: number;
  actualStartupMs?: number;
  /** Per loop. */
  actualTotalMs?: number;
  /** actualTotalMs × loops minus children's, i.e. time spent in this node. */
  exclusiveMs?: number;
  width?: number;
  buffers?: PlanBuffers;
  filter?: string;
  indexCondition?: string;
  joinFilter?: string;
  hashCondition?: string;
  rowsRemovedByFilter?: number;
  rowsRemovedByJoinFilter?: number;
  rowsRemovedByIndexRecheck?: number;
  heapFetches?: number;
  sortKey?: string[];
  sortMethod?: string;
  sortSpaceType?: string;
  sortSpaceKb?: number;
  hashBatches?: number;
  lossyHeapBlocks?: number;
  parentRelationship?: string;
  subplanName?: string;
  /** Engine text for the node when it has no structured form (SQLite EQP detail, MySQL extra). */
  detail?: string;
  /** Every other field the engine reported, unchanged. */
  extra: Record<string, unknown>;
  children: PlanNode[];
}

export interface PlanSummary {
  planningMs?: number;
  executionMs?: number;
  totalCost?: number;
}

export type SqlCheckId =
  | 'indexable-seq-scan'
  | 'index-scan-filters-most-rows'
  | 'row-misestimate'
  | 'disk-spill'
  | 'repeated-inner-work'
  | 'heap-fetches'
  | 'non-sargable-predicate'
  | 'leading-wildcard-like'
  | 'missing-limit'
  | 'n-plus-one'
  | 'slow-node'
  | 'lossy-bitmap'
  | 'mysql-full-scan'
  | 'mysql-filesort-temporary'
  | 'sqlite-full-scan'
  | 'sqlite-temp-btree'
  | 'sqlite-correlated-subquery';

export interface SqlFinding {
  id: SqlCheckId;
  title: string;
  severity: Severity;
  /** PlanNode.id the finding is about; absent for statement-level findings (N+1, LIKE in the SQL). */
  nodeId?: string;
  relation?: string;
  why: string;
  action: string;
  /** Figures that triggered the check, e.g. { rowsRemoved: 99995, rows: 5 }. */
  evidence: Record<string, string | number>;
  /** For code-level findings (N+1): where in the file. */
  file?: string;
  range?: SqlRange;
}

export interface IndexCandidate {
  schema?: string;
  table: string;
  columns: string[];
  /** Where the columns came from. */
  origin: Array<'filter' | 'join' | 'sort' | 'index-condition'>;
}

export interface IndexSuggestion {
  schema?: string;
  table: string;
  columns: string[];
  /** Ready to run: CREATE INDEX CONCURRENTLY on PostgreSQL, CREATE INDEX elsewhere. */
  statement: string;
  costBefore: number;
  costAfter: number;
  /** 1 − after/before. Always ≥ 0.5. */
  reduction: number;
  method: 'hypopg' | 'trial-index';
  /** The plan with the index in place. */
  planAfter: PlanNode;
}

/** Every candidate tried, including the rejected ones, so the UI can say why nothing was suggested. */
export interface CandidateOutcome extends IndexCandidate {
  outcome: 'suggested' | 'covered-by-existing' | 'insufficient-saving' | 'not-used' | 'failed' | 'below-cost-floor';
  costAfter?: number;
  reason?: string;
}

export interface SkippedStatement {
  file: string;
  /** 0-based line of the statement's start. */
  line: number;
  /** First 120 characters. */
  sqlPreview: string;
  reason: string;
  kind: 'psql-meta-command' | 'copy-data' | 'extension-unavailable' | 'timeout' | 'error';
}

export interface SchemaLoadReport {
  /** Files executed, in order. */
  files: string[];
  /** How the files were found: "prisma", "flyway", "golang-migrate", "sql-folder", "schema-file". */
  layout: string;
  statementsRun: number;
  skipped: SkippedStatement[];
  loadMs: number;
}

export interface ExplainTimings {
  /** Engine start/connect (embedded: fork + open template; 0 when warm). */
  startMs: number;
  /** Schema load (embedded; 0 when already loaded). */
  schemaMs: number;
  explainMs: number;
  adviseMs: number;
  totalMs: number;
}

export interface ExplainResult {
  engine: { kind: EngineKind; version: string; label: string };
  /** The SQL that was explained (placeholders normalized for the engine). */
  sql: string;
  plan: PlanNode;
  summary: PlanSummary;
  rawPlan: unknown;
  rawFormat: PlanFormat;
  findings: SqlFinding[];
  suggestions: IndexSuggestion[];
  candidates: CandidateOutcome[];
  /** True when costs rest on assumed table sizes (embedded engine); the UI must say "estimate". */
  estimate: boolean;
  /** Table → assumed rows, when estimate is true. */
  assumedRows?: Record<string, number>;
  analyzed: boolean;
  /** How parameters were planned: none, PG16+ GENERIC_PLAN, PREPARE + force_generic_plan, or sample values. */
  parameterMode: 'none' | 'generic-plan' | 'prepared-generic' | 'sample-values';
  /** Embedded engine: what was loaded and skipped. */
  schema?: SchemaLoadReport;
  skippedMigrationStatements: SkippedStatement[];
  warnings: string[];
  timings: ExplainTimings;
}

/** Error kinds; the message is always written for the user (what went wrong, what to do). */
export type SqlErrorKind = 'syntax' | 'connection' | 'unsafe' | 'unsupported' | 'timeout' | 'schema' | 'config' | 'engine';

export interface WorkspaceStatementResult {
  statement: ExtractedStatement;
  result?: ExplainResult;
  /** Set when this statement could not be explained (message for the user). */
  error?: { kind: SqlErrorKind; message: string };
}

export interface WorkspaceExplainReport {
  root: string;
  schema?: SchemaLoadReport;
  results: WorkspaceStatementResult[];
  /** N+1 findings from extraction (also attached to each result). */
  codeFindings: SqlFinding[];
  filesScanned: number;
  totalMs: number;
}
