/**
 * Bounded output: every list a tool returns is a page with an opaque cursor for the next one, and
 * every long string is cut with a visible mark. A cursor is bound to the arguments it came from,
 * so one from another call is refused (INVALID_CURSOR) instead of silently paging something else.
 */
import { createHash } from 'node:crypto';
import { AgentError } from './errors';

/** Upper bounds shared by the tools (also in their input schemas and the README). */
export const LIMITS = {
  /** Paths per call. */
  paths: 100,
  /** Files found by walking directories, per call (the rest is reported as truncated). */
  walkedFiles: 5000,
  /** Unified diff text, characters. */
  diffChars: 2_000_000,
  /** SQL text, characters. */
  sqlChars: 100_000,
  /** Bytes read of one file for classification (its head; the classifier bounds its own scan). */
  classifyBytes: 8 * 1024 * 1024,
  /** Bytes read of one file for the rules (larger files are generated or vendored: skipped). */
  checkBytes: 2 * 1024 * 1024,
  /** Evidence lines per classified file. */
  evidencePerFile: 8,
  /** Characters of one quoted string (evidence, SQL, explanation). */
  textChars: 600,
  /** Plan nodes returned for one statement. */
  planNodes: 60,
  /** Skipped-file notes per page. */
  skippedPerPage: 20,
} as const;

/** Where the next page starts: an index into the tool's stable item list, and an offset inside that item. */
export interface Position {
  item: number;
  offset: number;
}

interface CursorBody {
  v: 1;
  /** Tool name: a cursor never crosses tools. */
  t: string;
  /** Fingerprint of the arguments other than cursor and limit. */
  k: string;
  i: number;
  o: number;
}

export function argumentsKey(tool: string, args: Record<string, unknown>): string {
  const rest = Object.fromEntries(Object.entries(args).filter(([k, v]) => k !== 'cursor' && k !== 'limit' && v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(tool).update('\0').update(JSON.stringify(rest)).digest('base64url').slice(0, 16);
}

export function encodeCursor(tool: string, key: string, at: Position): string {
  const body: CursorBody = { v: 1, t: tool, k: key, i: at.item, o: at.offset };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The position a cursor points at; the start when there is none. */
export function decodeCursor(tool: string, key: string, cursor: string | undefined): Position {
  if (cursor === undefined) return { item: 0, offset: 0 };
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new AgentError('INVALID_CURSOR', 'cursor is not one this server issued', { field: 'cursor' });
  }
  if (body.v !== 1 || body.t !== tool || typeof body.i !== 'number' || typeof body.o !== 'number' || body.i < 0 || body.o < 0) {
    throw new AgentError('INVALID_CURSOR', `cursor was not issued by ${tool}`, { field: 'cursor' });
  }
  if (body.k !== key) throw new AgentError('INVALID_CURSOR', 'cursor belongs to a call with other arguments: pass the same arguments as the call that returned it', { field: 'cursor' });
  return { item: body.i, offset: body.o };
}

/** A string cut to `max` characters with a mark that says how much was left out. */
export function clip(text: string, max: number = LIMITS.textChars): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${(text.length - max).toLocaleString('en-US')} more characters not shown]`;
}
