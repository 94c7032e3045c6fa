/**
 * What an agent gets back when a tool cannot do what it was asked: a stable code it can branch on,
 * a message, what to do next, and whether the same call may succeed later. Every failure of every
 * tool is one of these codes (the table is the contract; the README lists it).
 */

export const ERROR_CODES = {
  INVALID_INPUT: { retryable: false, action: 'Fix the arguments as the message says; the tool\'s inputSchema lists every field.' },
  INVALID_PATH: { retryable: false, action: 'Give a path to an existing file or directory inside a workspace root (relative to the first root, or absolute).' },
  OUTSIDE_WORKSPACE: { retryable: false, action: 'Only paths inside the workspace roots the server was started with can be read. Give a path inside one of them.' },
  INVALID_DIFF: { retryable: false, action: 'Pass a unified diff as `git diff` prints it (---/+++ file headers and @@ hunks), or pass paths instead.' },
  INVALID_CURSOR: { retryable: false, action: 'Call again with the same arguments and no cursor, then follow nextCursor page by page.' },
  TOO_LARGE: { retryable: false, action: 'Narrow the request: fewer or smaller paths, a smaller diff, one statement.' },
  NOT_A_GIT_REPOSITORY: { retryable: false, action: 'Changes against a base need a git repository; pass paths or a diff instead.' },
  GIT_UNAVAILABLE: { retryable: false, action: 'Install git or pass paths or a diff instead of a base.' },
  UNKNOWN_REVISION: { retryable: false, action: 'Give a branch, tag or commit that exists in the repository (for example HEAD or main).' },
  CONFIG_INVALID: { retryable: false, action: 'Fix the configuration file the message names (.stakes.json); the rest of the request is fine.' },
  NO_SQL_FOUND: { retryable: false, action: 'Point at the line where the query starts, or pass the SQL text itself.' },
  SQL_SYNTAX: { retryable: false, action: 'Fix the SQL at the position given and call again.' },
  SQL_NOT_EXPLAINABLE: { retryable: false, action: 'Explain one SELECT, INSERT, UPDATE, DELETE, MERGE or VALUES statement; DDL, transaction control and statements whose effects a rollback cannot undo are refused.' },
  SCHEMA_MISSING: { retryable: false, action: 'The engine does not know a table or column: add the migration that creates it, or ask the user to configure the schema or a database.' },
  DB_NOT_CONFIGURED: { retryable: false, action: 'The database the user configured cannot be used as given; ask the user to fix the connection setting.' },
  DB_UNREACHABLE: { retryable: true, action: 'The database did not answer or refused the connection; retry later or ask the user to check that it is running.' },
  DB_TIMEOUT: { retryable: true, action: 'EXPLAIN took longer than the statement timeout; retry once, or simplify the statement.' },
  ENGINE_ERROR: { retryable: true, action: 'The SQL engine failed; retry once, then report the message to the user.' },
  CANCELLED: { retryable: true, action: 'The call was cancelled; call again if the result is still needed.' },
  INTERNAL_ERROR: { retryable: false, action: 'This is a bug in Stakes: report the message to the user; other tools still work.' },
} as const satisfies Record<string, { retryable: boolean; action: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];

/** The error a tool returns, as JSON. */
export interface ToolErrorBody {
  code: ErrorCode;
  message: string;
  action: string;
  retryable: boolean;
  /** Extra facts for the agent: the offending field, the roots, a position in the SQL. */
  details?: Record<string, unknown>;
}

export class AgentError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>, readonly actionOverride?: string) {
    super(message);
    this.name = 'AgentError';
  }

  toBody(): ToolErrorBody {
    const meta = ERROR_CODES[this.code];
    return {
      code: this.code, message: this.message, action: this.actionOverride ?? meta.action, retryable: meta.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isAgentError(e: unknown): e is AgentError {
  return e instanceof AgentError;
}
