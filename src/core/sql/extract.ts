/**
 * Finds SQL in files: statements of .sql files, and SQL string literals in TS/JS, Python and Go
 * passed to the usual database APIs (pg, Prisma, knex, TypeORM, DB-API cursors, SQLAlchemy, database/sql).
 * Interpolations become placeholders and every placeholder style is normalized to `$n`.
 */
import { LineIndex, segmentSql, splitStatements } from './lexer';
import { normalizePlaceholders } from './placeholders';
import { findLoop } from './loops';
import type { ExtractedStatement, ExtractionVia, Placeholder } from './types';

export type CodeLanguage = 'sql' | 'js' | 'python' | 'go';

/** Maps a VS Code languageId (or, failing that, the file extension) to the scanner to use. */
export function codeLanguage(languageId: string, path = ''): CodeLanguage | undefined {
  const id = languageId.toLowerCase();
  if (['sql', 'pgsql', 'postgres', 'mysql', 'sqlite', 'plsql', 'tsql'].includes(id)) return 'sql';
  if (['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'ts', 'js', 'tsx', 'jsx'].includes(id)) return 'js';
  if (id === 'python' || id === 'py') return 'python';
  if (id === 'go' || id === 'golang') return 'go';
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  if (ext === 'sql') return 'sql';
  if (['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'mts', 'cts'].includes(ext)) return 'js';
  if (ext === 'py') return 'python';
  if (ext === 'go') return 'go';
  return undefined;
}

/** Every SQL statement in the file. */
export function extractStatements(text: string, languageId: string, path: string): ExtractedStatement[] {
  const lang = codeLanguage(languageId, path);
  if (!lang) return [];
  if (lang === 'sql') return sqlFileStatements(text, path, languageId);
  return codeStatements(text, lang, languageId, path);
}

/** The statement at `offset` (cursor), or undefined when the cursor is not in SQL. */
export function statementAt(text: string, languageId: string, offset: number, path = ''): ExtractedStatement | undefined {
  const all = extractStatements(text, languageId, path);
  const inside = all.find((s) => offset >= s.startOffset && offset <= s.endOffset);
  if (inside || codeLanguage(languageId, path) !== 'sql') return inside;
  // In a .sql file, a cursor just after a `;` or on a blank line belongs to the statement before it.
  let best: ExtractedStatement | undefined;
  for (const s of all) if (s.endOffset <= offset) best = s;
  if (best && /^[;\s]*$/.test(text.slice(best.endOffset, offset))) return best;
  return undefined;
}

/** Wraps arbitrary selected text as a statement (the editor selection). */
export function selectionStatement(text: string, selStart: number, selEnd: number, languageId: string, path: string): ExtractedStatement {
  const raw = text.slice(selStart, selEnd);
  const trimmedStart = selStart + (raw.length - raw.trimStart().length);
  const body = raw.trim().replace(/;\s*$/, '');
  const idx = new LineIndex(text);
  const norm = normalizePlaceholders(body, 'dollar');
  return {
    file: path, languageId, startOffset: trimmedStart, endOffset: trimmedStart + body.length,
    range: { start: idx.position(trimmedStart), end: idx.position(trimmedStart + body.length) },
    text: body, sql: norm.sql, placeholders: norm.placeholders, via: 'selection', dynamic: false,
  };
}

function sqlFileStatements(text: string, path: string, languageId: string): ExtractedStatement[] {
  const idx = new LineIndex(text);
  return splitStatements(text).filter((p) => p.kind === 'statement').map((p) => {
    const norm = normalizePlaceholders(p.text, 'dollar');
    return {
      file: path, languageId, startOffset: p.start, endOffset: p.end,
      range: { start: idx.position(p.start), end: idx.position(p.end) },
      text: p.text, sql: norm.sql, placeholders: norm.placeholders, via: 'sql-file' as const, dynamic: false,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Code scanning

interface LiteralPart { text: string; start: number }
interface ExprPart { expr: string; start: number }

/** A string literal in code, with its interpolations. */
export interface CodeLiteral {
  /** Offsets of the whole literal including quotes/prefix. */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  template: boolean;
  parts: Array<LiteralPart | ExprPart>;
}

export interface ScannedCode {
  literals: CodeLiteral[];
  /** The source with literal contents and comments blanked (same length), for bracket matching. */
  masked: string;
}

export function scanCode(text: string, lang: Exclude<CodeLanguage, 'sql'>): ScannedCode {
  const literals: CodeLiteral[] = [];
  const mask = text.split('');
  const blank = (a: number, b: number): void => {
    for (let k = a; k < b; k++) if (mask[k] !== '\n') mask[k] = ' ';
  };
  let i = 0;
  const n = text.length;
  let lastSignificant = '';
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if ((lang === 'js' || lang === 'go') && c === '/' && next === '/') {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      blank(i, end);
      i = end;
      continue;
    }
    if ((lang === 'js' || lang === 'go') && c === '/' && next === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      blank(i, end);
      i = end;
      continue;
    }
    if (lang === 'python' && c === '#') {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      blank(i, end);
      i = end;
      continue;
    }
    if (lang === 'js' && c === '/' && regexAllowed(lastSignificant)) {
      const end = skipRegex(text, i);
      if (end > 0) { blank(i + 1, end - 1); i = end; lastSignificant = '/'; continue; }
    }
    if (lang === 'js' && (c === '"' || c === "'")) {
      const lit = scanSimpleString(text, i, c, true);
      literals.push(lit); blank(lit.contentStart, lit.contentEnd); i = lit.end; lastSignificant = c; continue;
    }
    if (lang === 'js' && c === '`') {
      const lit = scanJsTemplate(text, i);
      literals.push(lit);
      blankLiteral(lit, blank);
      i = lit.end; lastSignificant = '`'; continue;
    }
    if (lang === 'go' && c === '"') {
      const lit = scanSimpleString(text, i, '"', true);
      literals.push(lit); blank(lit.contentStart, lit.contentEnd); i = lit.end; lastSignificant = c; continue;
    }
    if (lang === 'go' && c === '`') {
      const e = text.indexOf('`', i + 1);
      const end = e < 0 ? n : e + 1;
      const lit: CodeLiteral = { start: i, end, contentStart: i + 1, contentEnd: Math.max(i + 1, end - 1), template: false, parts: [{ text: text.slice(i + 1, Math.max(i + 1, end - 1)), start: i + 1 }] };
      literals.push(lit); blank(lit.contentStart, lit.contentEnd); i = end; lastSignificant = c; continue;
    }
    if (lang === 'go' && c === "'") {
      const lit = scanSimpleString(text, i, "'", true);
      blank(lit.contentStart, lit.contentEnd); i = lit.end; continue;
    }
    if (lang === 'python' && (c === '"' || c === "'")) {
      const prefixStart = pythonPrefixStart(text, i);
      const prefix = text.slice(prefixStart, i).toLowerCase();
      const lit = scanPythonString(text, prefixStart, i, prefix);
      literals.push(lit); blankLiteral(lit, blank); i = lit.end; lastSignificant = c; continue;
    }
    if (!/\s/.test(c)) lastSignificant = /[A-Za-z0-9_$]/.test(c) ? wordBefore(text, i + 1) : c;
    i++;
  }
  return { literals, masked: mask.join('') };
}

function blankLiteral(lit: CodeLiteral, blank: (a: number, b: number) => void): void {
  for (const p of lit.parts) {
    if ('text' in p) blank(p.start, p.start + p.text.length);
    else blank(p.start, p.start + p.expr.length);
  }
}

function wordBefore(text: string, end: number): string {
  let s = end;
  while (s > 0 && /[A-Za-z0-9_$]/.test(text[s - 1])) s--;
  return text.slice(s, end);
}

function regexAllowed(last: string): boolean {
  if (last === '') return true;
  if (/^[(,=:[!&|?{};+\-*%<>~^]$/.test(last)) return true;
  return ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await'].includes(last);
}

function skipRegex(text: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\n') return -1;
    if (ch === '\\') { j += 2; continue; }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      j++;
      while (/[a-z]/i.test(text[j] ?? '')) j++;
      return j;
    }
    j++;
  }
  return -1;
}

function scanSimpleString(text: string, i: number, q: string, escapes: boolean): CodeLiteral {
  let j = i + 1;
  let value = '';
  while (j < text.length && text[j] !== q && text[j] !== '\n') {
    if (escapes && text[j] === '\\' && j + 1 < text.length) {
      value += unescapeChar(text[j + 1]);
      j += 2;
      continue;
    }
    value += text[j];
    j++;
  }
  const end = j < text.length && text[j] === q ? j + 1 : j;
  // Content offsets refer to the source; `value` is the decoded string (escapes like \n resolved).
  return { start: i, end, contentStart: i + 1, contentEnd: j, template: false, parts: [{ text: value, start: i + 1 }] };
}

function unescapeChar(c: string): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
}

function scanJsTemplate(text: string, i: number): CodeLiteral {
  const parts: Array<LiteralPart | ExprPart> = [];
  let j = i + 1;
  let chunkStart = j;
  let chunk = '';
  while (j < text.length && text[j] !== '`') {
    if (text[j] === '\\') { chunk += unescapeChar(text[j + 1] ?? ''); j += 2; continue; }
    if (text[j] === '$' && text[j + 1] === '{') {
      parts.push({ text: chunk, start: chunkStart });
      const exprStart = j + 2;
      const exprEnd = matchJsBrace(text, exprStart);
      parts.push({ expr: text.slice(exprStart, exprEnd), start: exprStart });
      j = exprEnd + 1;
      chunkStart = j;
      chunk = '';
      continue;
    }
    chunk += text[j];
    j++;
  }
  parts.push({ text: chunk, start: chunkStart });
  const end = j < text.length ? j + 1 : j;
  return { start: i, end, contentStart: i + 1, contentEnd: j, template: true, parts };
}

/** Index of the `}` closing a `${` expression, skipping nested strings and templates. */
function matchJsBrace(text: string, from: number): number {
  let depth = 1;
  let j = from;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '"' || ch === "'") { j = scanSimpleString(text, j, ch, true).end; continue; }
    if (ch === '`') { j = scanJsTemplate(text, j).end; continue; }
    if (ch === '{') depth++;
    else if (ch === '}') { depth--; if (depth === 0) return j; }
    j++;
  }
  return text.length;
}

function pythonPrefixStart(text: string, quoteAt: number): number {
  let s = quoteAt;
  while (s > 0 && /[rbfuRBFU]/.test(text[s - 1]) && quoteAt - s < 2) s--;
  if (s > 0 && /[A-Za-z0-9_]/.test(text[s - 1])) return quoteAt; // part of an identifier, not a prefix
  return s;
}

function scanPythonString(text: string, start: number, quoteAt: number, prefix: string): CodeLiteral {
  const q = text[quoteAt];
  const triple = text.startsWith(q.repeat(3), quoteAt);
  const delim = triple ? q.repeat(3) : q;
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const contentStart = quoteAt + delim.length;
  const parts: Array<LiteralPart | ExprPart> = [];
  let j = contentStart;
  let chunk = '';
  let chunkStart = j;
  while (j < text.length && !text.startsWith(delim, j)) {
    const ch = text[j];
    if (!triple && ch === '\n') break;
    if (ch === '\\' && !raw) { chunk += unescapeChar(text[j + 1] ?? ''); j += 2; continue; }
    if (fstring && ch === '{') {
      if (text[j + 1] === '{') { chunk += '{'; j += 2; continue; }
      parts.push({ text: chunk, start: chunkStart });
      let depth = 1;
      let k = j + 1;
      while (k < text.length && depth > 0) { if (text[k] === '{') depth++; else if (text[k] === '}') depth--; if (depth > 0) k++; }
      parts.push({ expr: text.slice(j + 1, k), start: j + 1 });
      j = k + 1;
      chunk = '';
      chunkStart = j;
      continue;
    }
    if (fstring && ch === '}' && text[j + 1] === '}') { chunk += '}'; j += 2; continue; }
    chunk += ch;
    j++;
  }
  parts.push({ text: chunk, start: chunkStart });
  const closed = text.startsWith(delim, j);
  return { start, end: closed ? j + delim.length : j, contentStart, contentEnd: j, template: fstring, parts };
}

// ---------------------------------------------------------------------------------------------
// Deciding which literals are SQL

const SQL_KEYWORD_START = /^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|REPLACE|VALUES|EXPLAIN|CREATE|ALTER|DROP|TRUNCATE|UPSERT|CALL)\b/i;
const SQL_STRONG = /^\s*\(?\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[\w."`]+(\s+(AS\s+)?\w+)?\s+SET\b|DELETE\s+FROM\b|WITH\s+(RECURSIVE\s+)?[\w"]+\s*(\([^)]*\))?\s*AS\s*(NOT\s+)?(MATERIALIZED\s+)?\()/i;

interface CallInfo { callee: string; via: ExtractionVia | undefined; tag: boolean }

function classifyCall(callee: string, lang: Exclude<CodeLanguage, 'sql'>, tag: boolean): ExtractionVia | undefined {
  const last = callee.split('.').pop() ?? '';
  if (lang === 'js') {
    if (/^\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/.test(last) || /^Prisma\.sql$/.test(callee)) return 'prisma';
    if (tag && /^(sql|SQL|sql\.unsafe|db\.sql|pgp\.as\.format)$/.test(callee)) return 'tagged-sql';
    if (tag && last === 'sql') return 'tagged-sql';
    if (last === 'raw' || last === 'whereRaw' || last === 'joinRaw' || last === 'havingRaw' || last === 'orderByRaw' || last === 'selectRaw') return 'knex';
    if (last === 'query' || last === 'execute' || last === 'unsafe') {
      const receiver = callee.split('.').slice(-2, -1)[0] ?? '';
      if (/manager|datasource|dataSource|queryRunner|repository|repo|entityManager|connection/i.test(receiver) && !/^(client|pool|pg)$/i.test(receiver)) return 'typeorm';
      return 'pg';
    }
    return undefined;
  }
  if (lang === 'python') {
    if (last === 'text' || last === 'TextClause') return 'sqlalchemy';
    if (['execute', 'executemany', 'executescript', 'mogrify', 'fetch', 'fetchrow', 'fetchval', 'read_sql', 'read_sql_query', 'raw'].includes(last)) return 'python-execute';
    return undefined;
  }
  if (/^(Query|QueryRow|Exec|QueryContext|QueryRowContext|ExecContext|Prepare|PrepareContext|Get|Select|GetContext|SelectContext|NamedExec|NamedQuery|Queryx|QueryRowx|MustExec|Raw)$/.test(last)) return 'go';
  return undefined;
}

/** The call or tag a literal is an argument of (innermost enclosing parenthesis), from the masked source. */
function enclosingCall(masked: string, lit: CodeLiteral, lang: Exclude<CodeLanguage, 'sql'>): CallInfo | undefined {
  // Tagged template: identifier chain immediately before the backtick.
  if (lang === 'js' && lit.template) {
    const before = masked.slice(Math.max(0, lit.start - 120), lit.start);
    const m = /([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*$/.exec(before);
    if (m && !/\b(return|await|yield|typeof|case|in|of)$/.test(m[1])) {
      const callee = m[1].replace(/\s+/g, '');
      return { callee, via: classifyCall(callee, lang, true) ?? 'template-literal', tag: true };
    }
  }
  let depth = 0;
  for (let k = lit.start - 1, steps = 0; k >= 0 && steps < 4000; k--, steps++) {
    const ch = masked[k];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '[' || ch === '{') { if (depth === 0) return undefined; depth--; }
    else if (ch === '(') {
      if (depth > 0) { depth--; continue; }
      const before = masked.slice(Math.max(0, k - 160), k);
      const m = /([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*)\s*(<[^<>()]*>)?\s*$/.exec(before);
      if (!m) return undefined;
      const callee = m[1].replace(/\s+/g, '').replace(/\?\./g, '.');
      return { callee, via: classifyCall(callee, lang, false), tag: false };
    } else if (ch === ';' && depth === 0) return undefined;
  }
  return undefined;
}

function codeStatements(text: string, lang: Exclude<CodeLanguage, 'sql'>, languageId: string, path: string): ExtractedStatement[] {
  const { literals, masked } = scanCode(text, lang);
  const idx = new LineIndex(text);
  const out: ExtractedStatement[] = [];
  const consumed = new Set<number>();
  const constants = stringConstants(text, literals, masked, lang);
  for (let li = 0; li < literals.length; li++) {
    if (consumed.has(li)) continue;
    const lit = literals[li];
    const group = concatenationGroup(literals, li, masked, lang);
    const call = enclosingCall(masked, lit, lang);
    const pieces: Array<LiteralPart | ExprPart> = [];
    for (let g = 0; g < group.literals.length; g++) {
      pieces.push(...literals[group.literals[g]].parts);
      const gap = group.between[g];
      if (gap) pieces.push(gap);
    }
    // Build the SQL: literal text verbatim, interpolations as numbered placeholders.
    const known: Placeholder[] = [];
    let sqlText = '';
    let sourceText = '';
    for (const p of pieces) {
      if ('text' in p) { sqlText += p.text; sourceText += p.text; continue; }
      // `${ORDER_COLUMNS}`: a constant string defined in the same file is SQL text, not a parameter.
      const constant = constants.get(p.expr.trim());
      if (constant !== undefined) { sqlText += constant; sourceText += constant; continue; }
      const original = lang === 'js' && lit.template ? '${' + p.expr + '}' : lang === 'python' ? '{' + p.expr + '}' : p.expr;
      known.push({ index: 0, original, style: 'interpolation' });
      sqlText += `\u0000${known.length - 1}\u0000`;
      sourceText += original;
    }
    const looksSql = call?.via ? SQL_KEYWORD_START.test(sqlText) : SQL_STRONG.test(sqlText);
    if (!looksSql) continue;
    for (const g of group.literals) consumed.add(g);
    const { sql, placeholders } = numberPlaceholders(sqlText, known);
    const lastLit = literals[group.literals[group.literals.length - 1]];
    const start = lit.contentStart;
    const end = lastLit.contentEnd;
    const via: ExtractionVia = call?.via ?? (lit.template ? 'template-literal' : 'string-literal');
    const loop = findLoop(masked, text, lit.start, lang);
    out.push({
      file: path, languageId, startOffset: start, endOffset: end,
      range: { start: idx.position(start), end: idx.position(end) },
      text: sourceText.trim(), sql: sql.trim().replace(/;\s*$/, ''), placeholders, via,
      dynamic: known.length > 0,
      ...(loop ? { inLoop: loop } : {}),
    });
  }
  return out;
}

/**
 * Numbers interpolation markers and literal placeholders together in textual order: `${a} … ?` → `$1 … $2`.
 * Markers are NUL-delimited so they never collide with SQL text.
 */
function numberPlaceholders(sqlWithMarkers: string, interpolations: Placeholder[]): { sql: string; placeholders: Placeholder[] } {
  // First normalize the written placeholders, treating each marker as opaque text.
  // `'${from}'` is a quoted value: the whole literal becomes the parameter. An interpolation inside a
  // longer literal (`'%${term}%'`, `interval '${n} days'`) cannot be a parameter: use a neutral 1.
  const unquoted = sqlWithMarkers.replace(/'\u0000(\d+)\u0000'/g, '\u0000$1\u0000');
  let protectedSql = '';
  for (const seg of segmentSql(unquoted)) {
    const piece = unquoted.slice(seg.start, seg.end);
    protectedSql += seg.kind === 'string' ? piece.replace(/\u0000\d+\u0000/g, '1') : piece.replace(/\u0000(\d+)\u0000/g, (_m, k) => `__stakes_interp_${k}__`);
  }
  const norm = normalizePlaceholders(protectedSql, 'dollar');
  if (interpolations.length === 0) return { sql: norm.sql, placeholders: norm.placeholders };
  // Then renumber in order of appearance: written placeholders keep their relative order with the markers.
  const placeholders: Placeholder[] = [];
  const mapWritten = new Map<number, number>();
  let next = 0;
  const sql = norm.sql.replace(/__stakes_interp_(\d+)__|\$(\d+)/g, (_m, k: string | undefined, d: string | undefined) => {
    if (k !== undefined) {
      next++;
      placeholders.push({ ...interpolations[Number(k)], index: next });
      return `$${next}`;
    }
    const written = Number(d);
    let n = mapWritten.get(written);
    if (n === undefined) {
      next++;
      n = next;
      mapWritten.set(written, n);
      const orig = norm.placeholders.find((p) => p.index === written);
      placeholders.push({ ...(orig ?? { original: `$${written}`, style: 'dollar' as const }), index: n });
    }
    return `$${n}`;
  });
  return { sql, placeholders };
}

/** `const NAME = '…'` (JS/Go) or `NAME = '…'` (Python) whose value is a plain literal without interpolations. */
function stringConstants(text: string, literals: CodeLiteral[], masked: string, lang: Exclude<CodeLanguage, 'sql'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const lit of literals) {
    if (lit.parts.length !== 1 || !('text' in lit.parts[0])) continue;
    const before = masked.slice(Math.max(0, lit.start - 100), lit.start);
    const re = lang === 'python' ? /(?:^|\n)\s*([A-Za-z_]\w*)\s*(?::\s*str\s*)?=\s*$/ : /\b(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?:?=\s*$/;
    const m = re.exec(before);
    if (!m) continue;
    const after = masked.slice(lit.end, lit.end + 20);
    if (!/^\s*(;|\n|$|\)|,)/.test(after)) continue;
    if (!out.has(m[1])) out.set(m[1], lit.parts[0].text);
    void text;
  }
  return out;
}

interface ConcatGroup { literals: number[]; between: Array<ExprPart | undefined> }

/** `"SELECT … " + id + " AND …"` (JS/Go) and `"a" "b"` (Python implicit concatenation) as one statement. */
function concatenationGroup(literals: CodeLiteral[], first: number, masked: string, lang: Exclude<CodeLanguage, 'sql'>): ConcatGroup {
  const group: ConcatGroup = { literals: [first], between: [] };
  let cur = first;
  while (cur + 1 < literals.length) {
    const a = literals[cur];
    const b = literals[cur + 1];
    const gap = masked.slice(a.end, b.start);
    if (/^\s*\+\s*$/.test(gap) || (lang === 'python' && /^\s*\\?\s*$/.test(gap))) {
      group.between.push(undefined);
    } else {
      const m = /^\s*\+\s*([^;,(){}\n+]+?|[A-Za-z_$][\w$.]*\([^()]*\))\s*\+\s*$/.exec(gap);
      if (!m || lang === 'python') break;
      group.between.push({ expr: m[1].trim(), start: a.end + gap.indexOf(m[1]) });
    }
    group.literals.push(cur + 1);
    cur++;
  }
  // A trailing `+ expr` after the last literal (`"… WHERE id = " + id`).
  const last = literals[cur];
  const tail = /^\s*\+\s*([A-Za-z_$][\w$.]*(\([^()]*\))?)\s*(?=[),;\n])/.exec(masked.slice(last.end, last.end + 200));
  if (tail && lang !== 'python') group.between.push({ expr: tail[1], start: last.end + tail[0].indexOf(tail[1]) });
  return group;
}
