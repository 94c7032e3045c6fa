/**
 * A small SQL scanner: enough to split scripts into statements and to find placeholders without
 * being fooled by strings, quoted identifiers, comments, dollar quotes or COPY data blocks.
 * It is dialect-tolerant on purpose: migrations mix PostgreSQL, MySQL and SQLite habits.
 */

export type SegmentKind = 'code' | 'string' | 'quoted-identifier' | 'comment' | 'dollar-quoted';

export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
}

/** Splits SQL text into code and non-code segments (strings, comments…). Unterminated ones run to the end. */
export function segmentSql(text: string): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  const n = text.length;
  const push = (kind: SegmentKind, start: number, end: number): void => {
    if (codeStart < start) out.push({ kind: 'code', start: codeStart, end: start });
    out.push({ kind, start, end });
    codeStart = end;
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = lineEnd(text, i);
      push('comment', i, end);
      i = end;
    } else if (c === '#' && isMysqlHashComment(text, i)) {
      const end = lineEnd(text, i);
      push('comment', i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') { depth++; j += 2; } else if (text[j] === '*' && text[j + 1] === '/') { depth--; j += 2; } else j++;
      }
      push('comment', i, j);
      i = j;
    } else if (c === "'") {
      const backslashEscapes = isEscapeStringPrefix(text, i);
      const end = quotedEnd(text, i, "'", backslashEscapes);
      push('string', i, end);
      i = end;
    } else if (c === '"') {
      const end = quotedEnd(text, i, '"', false);
      push('quoted-identifier', i, end);
      i = end;
    } else if (c === '`') {
      const end = quotedEnd(text, i, '`', false);
      push('quoted-identifier', i, end);
      i = end;
    } else if (c === '$' && !isIdentChar(text[i - 1])) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        const end = close < 0 ? n : close + tag.length;
        push('dollar-quoted', i, end);
        i = end;
      } else i++;
    } else i++;
  }
  if (codeStart < n) out.push({ kind: 'code', start: codeStart, end: n });
  return out;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/** `#` starts a comment in MySQL only where it cannot be an operator (PostgreSQL `#`, `#>`, `#-`): at line start or after whitespace, followed by a space. */
function isMysqlHashComment(text: string, i: number): boolean {
  const prev = text[i - 1];
  const next = text[i + 1];
  return (prev === undefined || prev === '\n' || prev === ' ' || prev === '\t') && (next === ' ' || next === '\n' || next === undefined) && !/[>-]/.test(next ?? '');
}

function isEscapeStringPrefix(text: string, i: number): boolean {
  const p = text[i - 1];
  return (p === 'E' || p === 'e') && !isIdentChar(text[i - 2]);
}

function quotedEnd(text: string, i: number, q: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < text.length) {
    const ch = text[j];
    if (backslashEscapes && ch === '\\') { j += 2; continue; }
    if (ch === q) {
      if (text[j + 1] === q) { j += 2; continue; }
      return j + 1;
    }
    j++;
  }
  return text.length;
}

export function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

export type ScriptPartKind = 'statement' | 'psql-meta' | 'copy-data';

export interface ScriptPart {
  kind: ScriptPartKind;
  /** Offsets into the script: the statement without leading whitespace, up to (not including) the `;`. */
  start: number;
  end: number;
  text: string;
}

/**
 * Splits a script into statements at top-level semicolons. psql meta-commands (`\set …`) and the data
 * block after `COPY … FROM stdin;` (up to `\.`) come back as their own parts so callers can skip them.
 * `BEGIN ATOMIC … END` bodies (SQL-standard function bodies) are kept whole.
 */
export function splitStatements(text: string): ScriptPart[] {
  const parts: ScriptPart[] = [];
  const segments = segmentSql(text);
  let stmtStart = -1;
  let atomicDepth = 0;
  const finish = (end: number): void => {
    if (stmtStart < 0) return;
    const raw = text.slice(stmtStart, end);
    if (hasCode(raw)) parts.push({ kind: 'statement', start: stmtStart, end: trimEnd(text, stmtStart, end), text: text.slice(stmtStart, trimEnd(text, stmtStart, end)) });
    stmtStart = -1;
  };
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    if (seg.kind !== 'code') {
      if (stmtStart < 0 && seg.kind !== 'comment') stmtStart = seg.start;
      continue;
    }
    let i = seg.start;
    while (i < seg.end) {
      const c = text[i];
      if (stmtStart < 0) {
        if (/\s/.test(c)) { i++; continue; }
        if (c === '\\' && atLineStart(text, i)) {
          // psql meta-command: runs to end of line.
          const end = lineEnd(text, i);
          parts.push({ kind: 'psql-meta', start: i, end, text: text.slice(i, end) });
          i = end;
          continue;
        }
        stmtStart = i;
      }
      if (c === ';' && atomicDepth === 0) {
        const stmtText = text.slice(stmtStart, i);
        finish(i);
        i++;
        if (/^\s*COPY\b[\s\S]*\bFROM\s+STDIN\b/i.test(stripComments(stmtText))) {
          // The data block follows the statement's line and ends with a line holding `\.`.
          const dataStart = lineEnd(text, i) + 1;
          const terminator = /^\\\.\s*$/m;
          const rest = text.slice(dataStart);
          const m = terminator.exec(rest);
          const dataEnd = m ? dataStart + m.index + m[0].length : text.length;
          if (dataStart < text.length) parts.push({ kind: 'copy-data', start: dataStart, end: dataEnd, text: text.slice(dataStart, dataEnd) });
          // Continue scanning after the data block: re-segment the remainder.
          const restParts = splitStatements(text.slice(dataEnd));
          for (const p of restParts) parts.push({ ...p, start: p.start + dataEnd, end: p.end + dataEnd });
          return parts;
        }
        continue;
      }
      if (/[A-Za-z]/.test(c) && !isIdentChar(text[i - 1])) {
        const m = /^[A-Za-z_]+/.exec(text.slice(i, i + 16));
        const word = m ? m[0].toUpperCase() : '';
        if (word === 'ATOMIC' && /\bBEGIN\s+$/i.test(text.slice(Math.max(stmtStart, i - 16), i))) atomicDepth++;
        else if (atomicDepth > 0 && (word === 'CASE' || (word === 'BEGIN'))) atomicDepth++;
        else if (atomicDepth > 0 && word === 'END') atomicDepth--;
        i += Math.max(word.length, 1);
        continue;
      }
      i++;
    }
  }
  finish(text.length);
  return parts;
}

function atLineStart(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    if (text[j] === '\n') return true;
    if (text[j] !== ' ' && text[j] !== '\t') return false;
  }
  return true;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

function hasCode(sql: string): boolean {
  return stripComments(sql).trim().length > 0;
}

/** The SQL with comments removed (strings kept), for keyword tests. */
export function stripComments(sql: string): string {
  return segmentSql(sql).filter((s) => s.kind !== 'comment').map((s) => sql.slice(s.start, s.end)).join(' ');
}

/** The first keyword of a statement, upper-cased ("SELECT", "WITH", "INSERT"…). */
export function firstKeyword(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(stripComments(sql));
  return m ? m[1].toUpperCase() : '';
}

/** Code-only text: strings, identifiers in quotes and comments blanked with spaces (same length). */
export function codeOnly(sql: string): string {
  let out = '';
  for (const s of segmentSql(sql)) {
    const piece = sql.slice(s.start, s.end);
    out += s.kind === 'code' ? piece : s.kind === 'quoted-identifier' ? piece : piece.replace(/[^\n]/g, ' ');
  }
  return out;
}

/** Maps offsets to 0-based line/character. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(line: number, character = 0): number {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    return this.starts[l] + character;
  }
}
