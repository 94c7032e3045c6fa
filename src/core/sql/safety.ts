/**
 * What a statement may do when executed: EXPLAIN ANALYZE runs it, so data-changing statements need
 * an explicit confirmation (and still run inside a transaction that is rolled back).
 */
import { codeOnly, firstKeyword } from './lexer';
import { SqlExplainError } from './errors';

const READING = new Set(['SELECT', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN']);
const EXPLAINABLE = new Set(['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE', 'REPLACE']);

/** True for statements EXPLAIN accepts (queries and DML); DDL, transaction control and the like are not. */
export function isExplainable(sql: string): boolean {
  return EXPLAINABLE.has(firstKeyword(sql));
}

const TRANSACTION_CONTROL = new Set(['BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'END', 'ABORT', 'SET', 'RESET', 'LOCK', 'PREPARE', 'DEALLOCATE', 'DISCARD', 'LISTEN', 'NOTIFY', 'UNLISTEN']);

/** What kind of statement this is, in words, when EXPLAIN cannot take it ("DDL (DROP TABLE)"). */
export function unexplainableKind(sql: string): string | null {
  if (isExplainable(sql)) return null;
  const code = codeOnly(sql).trim();
  const words = /^[\s(]*([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(code);
  const kw = (words?.[1] ?? '').toUpperCase();
  const shown = [kw, (words?.[2] ?? '').toUpperCase()].filter(Boolean).join(' ');
  if (!kw) return 'not a statement';
  return TRANSACTION_CONTROL.has(kw) ? `transaction control (${shown})` : `DDL (${shown})`;
}

/** Refuses, before anything runs, a statement EXPLAIN cannot take (rather than letting the database call it a syntax error). */
export function assertExplainable(sql: string): void {
  const kind = unexplainableKind(sql);
  if (!kind) return;
  throw new SqlExplainError('unsupported',
    `DDL and transaction control cannot be explained: this statement is ${kind}. EXPLAIN works on SELECT, INSERT, UPDATE, DELETE, MERGE, ` +
    'VALUES and WITH queries; put the cursor on one of those (or use --line/--sql for one statement of a file).');
}

/**
 * Calls and clauses whose effects escape a rolled-back transaction: they signal or end other sessions,
 * change server configuration, read or write server files, run programs, or reach other servers.
 */
const ESCAPING: Array<{ re: RegExp; what: string }> = [
  { re: /\bpg_(?:terminate|cancel)_backend\s*\(/i, what: 'signals or ends another session (pg_terminate_backend / pg_cancel_backend)' },
  { re: /\bpg_(?:reload_conf|rotate_logfile|switch_wal|switch_xlog|promote|create_restore_point|log_backend_memory_contexts|backup_start|backup_stop|start_backup|stop_backup|wal_replay_pause|wal_replay_resume)\s*\(/i, what: 'acts on the server itself (configuration, WAL, logs, backups)' },
  { re: /\bpg_(?:create_(?:physical|logical)_replication_slot|drop_replication_slot|replication_origin_\w+|logical_emit_message|stat_reset\w*)\s*\(/i, what: 'changes replication or statistics state that a rollback does not undo' },
  { re: /\bpg_(?:read_file|read_binary_file|ls_\w+|stat_file|file_write|file_rename|file_unlink|file_sync)\s*\(/i, what: 'reads or writes files on the database server' },
  { re: /\blo_(?:import|export)\s*\(/i, what: 'reads or writes files on the database server (lo_import / lo_export)' },
  { re: /\bdblink\w*\s*\(/i, what: 'runs SQL on another connection (dblink), outside this transaction' },
  { re: /\b(?:http_(?:get|post|put|patch|delete|head|request)|net\.http_\w+)\s*\(/i, what: 'makes HTTP requests from the database server' },
  { re: /\bpg_advisory_lock(?:_shared)?\s*\(|\bget_lock\s*\(|\brelease_(?:all_)?locks?\s*\(/i, what: 'takes or releases a session-level lock that outlives the transaction' },
  { re: /\bINTO\s+(?:OUTFILE|DUMPFILE)\b/i, what: 'writes a file on the database server (INTO OUTFILE / DUMPFILE)' },
  { re: /\bload_file\s*\(|\bLOAD\s+(?:DATA|XML)\b/i, what: 'reads files on the database server (LOAD_FILE / LOAD DATA)' },
  { re: /\bCOPY\b[\s\S]*\b(?:TO|FROM)\s+(?:PROGRAM\b|STDOUT\b|STDIN\b|'|E')/i, what: 'runs a program or touches server files (COPY … TO/FROM PROGRAM or a file)' },
  { re: /\bsys_(?:exec|eval)\s*\(/i, what: 'runs a shell command on the database server' },
];

/** Why running this statement would have effects a rollback cannot undo, or null. */
export function escapingSideEffect(sql: string): string | null {
  const code = codeOnly(sql);
  for (const e of ESCAPING) if (e.re.test(code)) return e.what;
  return null;
}

/**
 * Refuses, before anything runs, EXPLAIN ANALYZE (which executes the statement) of something whose
 * effects escape the rollback: no confirmation makes that safe. Plain EXPLAIN never executes it.
 */
export function assertNoEscapingEffects(sql: string, analyze: boolean): void {
  if (!analyze) return;
  const what = escapingSideEffect(sql);
  if (!what) return;
  throw new SqlExplainError('unsafe',
    `Not run: ANALYZE executes the statement, and it ${what}. Stakes rolls back what it runs, but this effect would happen anyway, ` +
    'so it is refused even with --confirm-data-change. Run plain EXPLAIN (without --analyze) to see its plan.');
}

/** True when executing the statement changes data or schema (INSERT/UPDATE/DELETE/MERGE, DDL, data-modifying CTEs, SELECT … INTO). */
export function changesData(sql: string): boolean {
  const kw = firstKeyword(sql);
  const code = codeOnly(sql);
  if (kw === 'WITH') return /\b(INSERT\s+INTO|UPDATE\s+[\w."`]+\s+(?:AS\s+\w+\s+)?SET|DELETE\s+FROM|MERGE\s+INTO)\b/i.test(code);
  // PostgreSQL `SELECT … INTO new_table` creates a table; MySQL `INTO @var` / OUTFILE do not change data.
  if (kw === 'SELECT') return /\bINTO\s+(?!@|OUTFILE\b|DUMPFILE\b)[\w"`]/i.test(code);
  return !READING.has(kw);
}

/** Refuses EXPLAIN ANALYZE of a data-changing statement without confirmation. */
export function assertAnalyzeAllowed(sql: string, analyze: boolean, confirmDataChange: boolean | undefined): void {
  if (!analyze || confirmDataChange || !changesData(sql)) return;
  const kw = firstKeyword(sql) || 'This statement';
  throw new SqlExplainError('unsafe',
    `ANALYZE executes the statement, and ${kw} changes data. Stakes runs it inside a transaction that is rolled back, ` +
    'but triggers, sequences and external side effects still happen. Confirm explicitly (confirmDataChange: true, or --confirm-data-change on the CLI), or run plain EXPLAIN.');
}
