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
