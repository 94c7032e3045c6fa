/**
 * Errors of the EXPLAIN check. Messages are for the user: what went wrong and what to do.
 * Syntax errors carry the position in the SQL the user wrote (not in the EXPLAIN wrapper).
 */
import { LineIndex } from './lexer';
import type { SqlErrorKind } from './types';

export interface SqlErrorPosition {
  /** 0-based offset into the statement. */
  offset: number;
  line: number;
  character: number;
}

export class SqlExplainError extends Error {
  /** Optional next step shown after the message (e.g. where the embedded schema came from). */
  hint?: string;
  constructor(readonly kind: SqlErrorKind, message: string, readonly position?: SqlErrorPosition, readonly code?: string) {
    super(message);
    this.name = 'SqlExplainError';
  }
}

/** Position of a 0-based offset in `sql`, for messages like "line 2, column 14". */
export function positionIn(sql: string, offset: number): SqlErrorPosition {
  const clamped = Math.max(0, Math.min(offset, sql.length));
  const p = new LineIndex(sql).position(clamped);
  return { offset: clamped, line: p.line, character: p.character };
}

function near(sql: string, offset: number): string {
  const token = /^\S{1,30}/.exec(sql.slice(offset))?.[0];
  return token ? ` near "${token}"` : ' at the end of the statement';
}

/** Builds a syntax/semantic error from a database error with a 0-based offset into the user's SQL. */
export function syntaxError(sql: string, dbMessage: string, offset: number | undefined, code?: string): SqlExplainError {
  if (offset === undefined || offset < 0) {
    return new SqlExplainError('syntax', `The database rejected the statement: ${dbMessage}`, undefined, code);
  }
  const pos = positionIn(sql, offset);
  return new SqlExplainError('syntax',
    `${dbMessage} (line ${pos.line + 1}, column ${pos.character + 1}${near(sql, pos.offset)}). Fix the SQL there and run EXPLAIN again.`, pos, code);
}

export interface ConnectionTarget {
  engine: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
}

/** A connection failure, saying where we tried to connect and what to check. */
export function connectionError(target: ConnectionTarget, cause: unknown): SqlExplainError {
  const err = cause as { code?: string; message?: string; errno?: number };
  const where = target.host ? `${target.host}:${target.port ?? '(default port)'}` : 'the server';
  const code = err?.code ?? '';
  let hint: string;
  if (code === 'ECONNREFUSED') hint = `Nothing is listening on ${where}. Check that the ${target.engine} server is running and that host and port in the URL are right.`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') hint = `The host name "${target.host}" does not resolve. Check the host in the URL.`;
  else if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || /timeout/i.test(err?.message ?? '')) hint = `No answer from ${where}. Check firewalls/VPN and that the server accepts connections from this machine.`;
  else if (code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR' || /password|authentication/i.test(err?.message ?? '')) hint = `Authentication failed for user "${target.user ?? '?'}". Check the user and password.`;
  else if (code === '3D000' || code === 'ER_BAD_DB_ERROR') hint = `The database "${target.database ?? '?'}" does not exist on ${where}. Check the database name in the URL.`;
  else hint = `Check that the server is reachable at ${where} and that the URL, user and database are right.`;
  return new SqlExplainError('connection', `Cannot connect to ${target.engine} at ${where}${target.database ? ` (database "${target.database}")` : ''}: ${err?.message || code || String(cause)}. ${hint}`, undefined, code);
}

export function isSqlExplainError(e: unknown): e is SqlExplainError {
  return e instanceof SqlExplainError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'SqlExplainError');
}
