/**
 * Review regions: the units a review covers and a change is measured in. Functions and methods
 * where the language has them, otherwise top-level statements (a route registration, a constant,
 * an SQL statement) or blocks of lines (config, docs): function or hunk granularity. Each region
 * has a key that names it within its file and a fingerprint of its normalised tokens, so a
 * formatting-only edit (indentation, line breaks, quotes in JS/Python, trailing commas and
 * semicolons, comments) keeps the fingerprint, and any other edit changes it.
 */
import { createHash } from 'node:crypto';
import { syntaxOf, tokenize, type Syntax, type Token } from './lexer';

export type RegionKind = 'function' | 'method' | 'class' | 'statement' | 'imports' | 'block' | 'sql' | 'file' | 'binary';

export interface Region {
  /** Names the region within its file, stable across formatting: "function:verifyToken", "method:AuthService.login". */
  key: string;
  /** As shown: "verifyToken", "AuthService.login", "router.post('/login', …)". */
  name: string;
  kind: RegionKind;
  /** 1-based, inclusive: the lines of its first and last token. */
  startLine: number;
  endLine: number;
  /** Hex digest of the normalised tokens (FINGERPRINT_VERSION). */
  fingerprint: string;
}

/** Bumped whenever normalisation or region boundaries change: records made with another version are not trusted. */
export const FINGERPRINT_VERSION = 1;
/** Files larger than this are one region (fingerprinted whole) rather than split. */
const MAX_SPLIT_CHARS = 4 * 1024 * 1024;

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** A statement as a token range [from, to) and, for containers, its members. */
interface Stmt { from: number; to: number }

/** The regions of a text file. Deterministic: the same code always gives the same regions. */
export function regionsOf(path: string, content: string, languageId?: string): Region[] {
  if (content.length > MAX_SPLIT_CHARS) {
    return [{ key: 'file', name: basename(path), kind: 'file', startLine: 1, endLine: lineCountOf(content), fingerprint: digest([content]) }];
  }
  const syntax = syntaxOf(path, languageId);
  const toks = tokenize(content, syntax);
  const b = new Builder(toks, syntax);
  b.walk(0, toks.length, '', 'top');
  return b.finish();
}

/** A whole binary file as one region, fingerprinted over its bytes. */
export function binaryRegion(path: string, bytes: Uint8Array): Region {
  return { key: 'file', name: basename(path), kind: 'binary', startLine: 1, endLine: 1, fingerprint: createHash('sha256').update(bytes).digest('hex').slice(0, 32) };
}

/** A whole file as one region (a deleted file: one change, not one per function). */
export function fileRegion(path: string, content: string, languageId?: string): Region {
  const syntax = syntaxOf(path, languageId);
  return { key: 'file', name: basename(path), kind: 'file', startLine: 1, endLine: lineCountOf(content), fingerprint: digest(normalise(tokenize(content, syntax), syntax)) };
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function lineCountOf(text: string): number {
  if (text === '') return 1;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function digest(parts: string[]): string {
  return createHash('sha256').update(`v${FINGERPRINT_VERSION}\n${parts.join('\n')}`).digest('hex').slice(0, 32);
}

/**
 * The tokens that carry meaning: comments and whitespace are already gone; statement semicolons
 * and trailing commas go; JS/Python strings lose their quote style; indentation-sensitive
 * languages keep their block structure as relative indent/dedent markers.
 */
function normalise(toks: readonly Token[], syntax: Syntax): string[] {
  const out: string[] = [];
  const indents: number[] = [];
  const structural = syntax.style === 'indent';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (structural && t.first) {
      if (indents.length === 0) indents.push(t.indent);
      else if (t.indent > indents[indents.length - 1]) { indents.push(t.indent); out.push('\u21e5'); }
      else {
        while (indents.length > 1 && t.indent < indents[indents.length - 1]) { indents.pop(); out.push('\u21e4'); }
      }
    }
    if (t.kind === 'punct') {
      if (t.text === ';') continue;
      if (t.text === ',' && i + 1 < toks.length && CLOSE.has(toks[i + 1].text)) continue;
      out.push(t.text);
    } else if (t.kind === 'str' && syntax.quoteAgnostic) {
      out.push(stringValue(t.text));
    } else {
      out.push(t.text);
    }
  }
  return out;
}

/** 'it\'s' and "it's" → the same value; other strings (templates, triple quotes) as written. */
function stringValue(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw[raw.length - 1] === q && !raw.startsWith(q.repeat(3))) {
    return `"${raw.slice(1, -1).replace(/\\(['"])/g, '$1')}`;
  }
  return raw;
}

/** Words that make a brace statement a container whose members are regions of their own. */
const CONTAINER_WORDS = new Set(['class', 'impl', 'trait', 'namespace', 'object', 'record']);
/** Words that start a function in some language. */
const FUNCTION_WORDS = new Set(['function', 'func', 'fn', 'fun', 'def', 'defp', 'defmacro']);
/** Words that are not a function's name when they precede `(`. */
const CONTROL_WORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'using', 'lock', 'foreach', 'synchronized', 'return', 'new', 'else',
  'elseif', 'with', 'match', 'when', 'do', 'try', 'typeof', 'sizeof', 'await', 'yield', 'throw', 'in', 'of', 'and', 'or', 'not', 'select', 'unless', 'until']);
/** Modifiers skipped before a declaration's keyword or name. */
const MODIFIERS = new Set(['export', 'default', 'async', 'public', 'private', 'protected', 'internal', 'static', 'final', 'override', 'abstract',
  'readonly', 'declare', 'virtual', 'sealed', 'open', 'suspend', 'inline', 'pub', 'unsafe', 'extern', 'partial', 'synchronized', 'native',
  'operator', 'infix', 'tailrec', 'data', 'const', 'let', 'var', 'val', 'mut', 'crate']);
/** A statement ending in these continues on the next line (not `!`: TypeScript's non-null assertion ends lines). */
const CONTINUES_AFTER = new Set(['=', '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '?', ':', ',', '.', '(', '[', '{', '=>', '&&',
  '||', '??', '?.', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '==', '!=', '===', '!==', '<=', '>=', '::', '->', '\\', '**', '...']);
/** A line starting with these continues the statement above. */
const CONTINUES_BEFORE = new Set(['.', '?.', ')', ']', '}', ',', ':', '?', '=', '=>', '&&', '||', '??', '+', '*', '/', '%', '|', '&', '^', '{',
  '==', '!=', '===', '!==', '<', '>', '<=', '>=', '::', '->', 'else', 'catch', 'finally', 'extends', 'implements', 'throws', 'where']);
const CONTINUES_BEFORE_INDENTED: Record<string, Set<string>> = {
  python: new Set(['elif', 'else', 'except', 'finally']),
  ruby: new Set(['end', 'else', 'elsif', 'rescue', 'ensure', 'when', 'in', 'then']),
  elixir: new Set(['end', 'else', 'rescue', 'catch', 'after', 'do']),
  config: new Set(['-']),
};
const SQL_KEYWORDS = new Set(['CREATE', 'TABLE', 'INDEX', 'UNIQUE', 'ALTER', 'DROP', 'INSERT', 'INTO', 'UPDATE', 'DELETE', 'FROM', 'FUNCTION', 'TRIGGER',
  'VIEW', 'MATERIALIZED', 'SEQUENCE', 'TYPE', 'EXTENSION', 'SCHEMA', 'GRANT', 'REVOKE', 'ON', 'ADD', 'COLUMN', 'IF', 'NOT', 'EXISTS', 'OR', 'REPLACE',
  'PROCEDURE', 'SELECT', 'WITH', 'BEGIN', 'COMMIT', 'SET', 'CONSTRAINT', 'POLICY', 'ROLE', 'USER', 'DATABASE', 'COMMENT', 'CONCURRENTLY', 'TEMPORARY', 'TEMP', 'RENAME', 'TO']);
const IMPORT_WORDS = new Set(['import', 'from', 'use', 'using', 'package', 'require', 'require_relative', 'include', 'alias']);

class Builder {
  private readonly regions: Region[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly toks: readonly Token[], private readonly syntax: Syntax) {}

  finish(): Region[] {
    return this.regions.sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
  }

  /** Split toks[from, to) into statements and turn each into regions; `prefix` names the container. */
  walk(from: number, to: number, prefix: string, where: 'top' | 'members' | 'object'): void {
    const stmts = this.merged(this.split(from, to, where));
    let imports: Stmt | undefined;
    const flushImports = (): void => {
      if (imports) this.add('imports', prefix ? `${prefix}imports` : 'imports', 'imports', imports.from, imports.to);
      imports = undefined;
    };
    for (const s of stmts) {
      if (where === 'top' && this.isImport(s)) {
        imports = imports ? { from: imports.from, to: s.to } : { ...s };
        continue;
      }
      flushImports();
      this.statement(s, prefix, where);
    }
    flushImports();
  }

  private split(from: number, to: number, where: 'top' | 'members' | 'object'): Stmt[] {
    switch (this.syntax.style) {
      case 'indent': return this.splitIndented(from, to);
      // SQL statements run over many lines: only `;` ends one.
      case 'sql': return this.splitBraced(from, to, false, false);
      case 'paragraph': return this.splitParagraphs(from, to);
      default: return this.splitBraced(from, to, where === 'object', true);
    }
  }

  /** Brace languages: a statement ends at `;` (or `,` in an object literal) at its own depth, or (`lines`) at a line end that does not continue. */
  private splitBraced(from: number, to: number, commas: boolean, lines: boolean): Stmt[] {
    const out: Stmt[] = [];
    let start = from;
    let depth = 0;
    for (let i = from; i < to; i++) {
      const t = this.toks[i];
      depth = depthAfter(t, depth);
      if (depth > 0) continue;
      const next = i + 1 < to ? this.toks[i + 1] : undefined;
      let end = false;
      if (t.kind === 'punct' && (t.text === ';' || (commas && t.text === ','))) end = true;
      else if (!next) end = true;
      else if (lines && next.line > t.line && !this.continuesAfter(t) && !this.continuesBefore(next)) end = true;
      if (end) {
        // An object literal's separating comma is not part of the member.
        const stop = commas && t.text === ',' ? i : i + 1;
        if (stop > start) out.push({ from: start, to: stop });
        start = i + 1;
      }
    }
    if (start < to) out.push({ from: start, to });
    return out;
  }

  /** Python, Ruby, Elixir, YAML: a statement is a line at the block's indentation plus what is indented under it. */
  private splitIndented(from: number, to: number): Stmt[] {
    const out: Stmt[] = [];
    if (from >= to) return out;
    const level = this.toks[from].indent;
    const keep = CONTINUES_BEFORE_INDENTED[this.syntax.family] ?? new Set<string>();
    let start = from;
    let depth = 0;
    for (let i = from; i < to; i++) {
      const t = this.toks[i];
      if (i > start && t.first && depth === 0 && t.indent <= level && !keep.has(t.text) && this.toks[i - 1].text !== '\\') {
        out.push({ from: start, to: i });
        start = i;
      }
      depth = depthAfter(t, depth);
    }
    out.push({ from: start, to });
    return out;
  }

  /** Config, docs, anything else: blocks of lines separated by a blank (or comment-only) line. */
  private splitParagraphs(from: number, to: number): Stmt[] {
    const out: Stmt[] = [];
    let start = from;
    for (let i = from + 1; i <= to; i++) {
      if (i === to || this.toks[i].line > this.toks[i - 1].line + 1) {
        out.push({ from: start, to: i });
        start = i;
      }
    }
    return from < to ? out : [];
  }

  /** Decorator or attribute lines belong to the declaration below them. */
  private merged(stmts: Stmt[]): Stmt[] {
    const out: Stmt[] = [];
    let pending: number | undefined;
    for (const s of stmts) {
      if (this.isAnnotationOnly(s)) {
        pending ??= s.from;
        continue;
      }
      out.push(pending === undefined ? s : { from: pending, to: s.to });
      pending = undefined;
    }
    if (pending !== undefined) out.push({ from: pending, to: stmts[stmts.length - 1].to });
    return out;
  }

  private isAnnotationOnly(s: Stmt): boolean {
    const first = this.toks[s.from];
    if (first.text === '@') return this.annotationEnd(s.from, s.to) >= s.to;
    const f = this.syntax.family;
    if (first.text === '#' && (f === 'rust' || f === 'php') && this.toks[s.from + 1]?.text === '[') return this.bracketEnd(s.from + 1, s.to) >= s.to;
    if (first.text === '[' && f === 'csharp') return this.bracketEnd(s.from, s.to) >= s.to;
    return false;
  }

  /** End (exclusive) of consecutive `@name(...)` annotations starting at i. */
  private annotationEnd(i: number, to: number): number {
    while (i < to && this.toks[i].text === '@') {
      const line = this.toks[i].line;
      i++;
      if (i < to && this.toks[i].kind === 'word') i++;
      while (i + 1 < to && this.toks[i].text === '.' && this.toks[i + 1].kind === 'word') i += 2;
      if (i < to && this.toks[i].text === '(' && this.toks[i].line === line) i = this.bracketEnd(i, to);
    }
    return i;
  }

  /** Index after the bracket closing the one at i. */
  private bracketEnd(i: number, to: number): number {
    let depth = 0;
    for (let k = i; k < to; k++) {
      const t = this.toks[k].text;
      if (OPEN.has(t)) depth++;
      else if (CLOSE.has(t) && --depth === 0) return k + 1;
    }
    return to;
  }

  private continuesAfter(t: Token): boolean {
    if (t.kind === 'punct') return CONTINUES_AFTER.has(t.text);
    return t.kind === 'word' && (t.text === 'extends' || t.text === 'implements' || t.text === 'as' || t.text === 'instanceof' || t.text === 'new');
  }

  private continuesBefore(t: Token): boolean {
    if (t.kind === 'str' || t.kind === 'num') return false;
    if (this.syntax.family === 'csharp' && t.text === '[') return false;
    return CONTINUES_BEFORE.has(t.text);
  }

  private isImport(s: Stmt): boolean {
    const first = this.toks[s.from];
    if (first.kind !== 'word') return false;
    if (IMPORT_WORDS.has(first.text)) return this.syntax.style !== 'sql' && this.syntax.style !== 'paragraph';
    // const x = require('y')
    if ((first.text === 'const' || first.text === 'let' || first.text === 'var') && this.syntax.js) {
      for (let i = s.from; i < Math.min(s.to, s.from + 12); i++) {
        if (this.toks[i].text === 'require' && this.toks[i + 1]?.text === '(' && this.toks[i + 2]?.kind === 'str') return true;
      }
    }
    return false;
  }

  /** One statement: a function, a container (its header and its members), or a plain statement. */
  private statement(s: Stmt, prefix: string, where: 'top' | 'members' | 'object'): void {
    const t = this.toks;
    const style = this.syntax.style;
    if (style === 'sql') return this.add('sql', `sql:${this.keyWords(s, 6)}`, this.sqlName(s), s.from, s.to);
    if (style === 'paragraph') return this.add('block', `block:${this.keyWords(s, 8)}`, this.firstLineName(s), s.from, s.to);

    const body = this.skipDecl(s);
    if (style === 'indent') {
      const w = t[body]?.text;
      const name = this.nameAfter(body + 1, s.to);
      const isFn = w === 'def' || w === 'defp' || w === 'defmacro' || (w === 'async' && t[body + 1]?.text === 'def');
      if (isFn) {
        const n = w === 'async' ? this.nameAfter(body + 2, s.to) : name;
        return this.add(prefix ? 'method' : 'function', `fn:${prefix}${n}`, `${prefix}${n}`, s.from, s.to);
      }
      if ((w === 'class' || w === 'module' || w === 'defmodule') && name) {
        const inner = this.indentedBody(s);
        if (inner) {
          this.addParts('class', `class:${prefix}${name}`, `${w} ${prefix}${name}`, [[s.from, inner.from], [inner.to, s.to]]);
          this.walk(inner.from, inner.to, `${prefix}${name}.`, 'members');
          return;
        }
      }
      return this.plain(s, prefix);
    }

    // Brace languages.
    const brace = this.blockOpen(s);
    const fn = this.functionName(s, body, brace, where);
    if (fn) return this.add(prefix ? 'method' : 'function', `fn:${prefix}${fn}`, `${prefix}${fn}`, s.from, s.to);
    if (brace >= 0) {
      const close = this.bracketEnd(brace, s.to) - 1;
      const container = this.containerName(s, body, brace);
      if (container && close > brace) {
        this.addParts('class', `class:${prefix}${container.name}`, `${container.word} ${prefix}${container.name}`, [[s.from, brace + 1], [close, s.to]]);
        this.walk(brace + 1, close, `${prefix}${container.name}.`, 'members');
        return;
      }
      if (this.syntax.js && close > brace && this.isObjectLiteral(body, brace)) {
        const name = this.boundName(body, brace) ?? (t[s.from]?.text === 'export' ? 'default' : undefined);
        // A type literal's members are not code: the alias stays one region.
        if (name && !/^(type|interface|enum) /.test(name)) {
          this.addParts('statement', `obj:${prefix}${name}`, `${prefix}${name} = {…}`, [[s.from, brace + 1], [close, s.to]]);
          this.walk(brace + 1, close, `${prefix}${name}.`, 'object');
          return;
        }
      }
    }
    return this.plain(s, prefix);
  }

  private plain(s: Stmt, prefix: string): void {
    const start = this.skipDecl(s);
    const member = prefix && this.syntax.js && this.toks[start]?.kind === 'word' && [':', '?', '!', '='].includes(this.toks[start + 1]?.text ?? '') ? this.toks[start].text : undefined;
    const bound = member ?? this.boundName(start, s.to) ?? this.fieldName(start, s.to);
    if (bound) return this.add('statement', `stmt:${prefix}${bound}`, `${prefix}${bound}`, s.from, s.to);
    const named = { from: start < s.to ? start : s.from, to: s.to };
    return this.add('statement', `stmt:${prefix}${this.keyWords(named, 8)}`, this.firstLineName(named), s.from, s.to);
  }

  /** `Type name;` or `Type<T> name = …;` (a field in Java, C#, Go…): the name before `=` or the end. */
  private fieldName(i: number, to: number): string | undefined {
    if (this.syntax.js || this.syntax.style !== 'brace') return undefined;
    let last: string | undefined;
    let depth = 0;
    for (let k = i; k < to; k++) {
      const t = this.toks[k];
      if (t.text === '<') depth++;
      else if (t.text === '>') depth--;
      else if (depth === 0 && (t.text === '=' || t.text === ';')) return last;
      else if (depth === 0 && t.kind === 'word') last = t.text;
      else if (depth === 0 && t.text !== '[' && t.text !== ']' && t.text !== '?' && t.text !== '*' && t.text !== '.') return undefined;
    }
    return last;
  }

  /** Index of the first token after decorators and modifiers. */
  private skipDecl(s: Stmt): number {
    let i = s.from;
    if (this.toks[i]?.text === '@') i = this.annotationEnd(i, s.to);
    while (i < s.to && this.toks[i].text === '#' && this.toks[i + 1]?.text === '[') i = this.bracketEnd(i + 1, s.to);
    while (i < s.to && this.syntax.family === 'csharp' && this.toks[i].text === '[' && this.toks[i].first) i = this.bracketEnd(i, s.to);
    while (i < s.to && this.toks[i].kind === 'word' && MODIFIERS.has(this.toks[i].text) && !(this.toks[i + 1]?.text === '=' || this.toks[i + 1]?.text === '(')) {
      // `const name = …` keeps `const` out of the name but marks a binding: stop before the bound name.
      if ((this.toks[i].text === 'const' || this.toks[i].text === 'let' || this.toks[i].text === 'var' || this.toks[i].text === 'val') && this.toks[i + 1]?.kind === 'word') return i;
      i++;
    }
    return i;
  }

  /** The `{` that opens the statement's block at its own depth, or -1. */
  private blockOpen(s: Stmt): number {
    let depth = 0;
    for (let i = s.from; i < s.to; i++) {
      const t = this.toks[i].text;
      if (t === '{' && depth === 0) return i;
      if (OPEN.has(t)) depth++;
      else if (CLOSE.has(t)) depth--;
    }
    return -1;
  }

  /** The function's name when the statement declares one (function, method, arrow bound to a name). */
  private functionName(s: Stmt, i: number, brace: number, where: 'top' | 'members' | 'object'): string | undefined {
    const t = this.toks;
    const end = brace >= 0 ? brace : s.to;
    const w = t[i];
    if (!w) return undefined;
    if (w.kind === 'word' && FUNCTION_WORDS.has(w.text)) {
      let k = i + 1;
      if (t[k]?.text === '*') k++;
      if (w.text === 'func' && t[k]?.text === '(') k = this.bracketEnd(k, end); // Go receiver
      return t[k]?.kind === 'word' ? t[k].text : undefined;
    }
    // const name = async (…) => …, const name = function …
    if (w.kind === 'word' && (w.text === 'const' || w.text === 'let' || w.text === 'var' || w.text === 'val')) {
      const name = t[i + 1]?.kind === 'word' ? t[i + 1].text : undefined;
      if (name && this.initialisedWithFunction(i + 2, s.to)) return name;
      return undefined;
    }
    // Class and object members: name(…) {, get name(…) {, name = (…) => …, name: function …
    if (where !== 'top' || this.syntax.family !== 'js') {
      let k = i;
      if (this.syntax.js && (t[k]?.text === 'get' || t[k]?.text === 'set' || t[k]?.text === '*') && t[k + 1] && t[k + 1].text !== '(') k++;
      const nameTok = t[k];
      if (nameTok && (nameTok.kind === 'word' || (nameTok.kind === 'str' && where === 'object')) && !CONTROL_WORDS.has(nameTok.text)) {
        const name = nameTok.kind === 'str' ? nameTok.text.slice(1, -1) : nameTok.text;
        let after = k + 1;
        if (t[after]?.text === '<') after = this.angleEnd(after, end);
        if (t[after]?.text === '(' && brace >= 0 && this.signatureEndsAt(this.bracketEnd(after, end), brace)) return name;
        if (this.syntax.js && (t[after]?.text === '=' || t[after]?.text === ':') && this.initialisedWithFunction(after, s.to)) return name;
        if (this.syntax.js && t[after]?.text === '?' && t[after + 1]?.text === ':' && this.initialisedWithFunction(after + 1, s.to)) return name;
      }
    }
    // C-like: `Type name(params) {` anywhere in the header (Java, C#, PHP, Rust, Kotlin, …).
    if (brace >= 0 && !this.syntax.js) {
      let depth = 0;
      for (let k = i; k < brace; k++) {
        const x = t[k].text;
        if (x === '(' && depth === 0 && k > i && t[k - 1].kind === 'word' && !CONTROL_WORDS.has(t[k - 1].text) && !CONTAINER_WORDS.has(t[k - 1].text)) {
          if (this.signatureEndsAt(this.bracketEnd(k, brace), brace)) return t[k - 1].text;
        }
        if (OPEN.has(x)) depth++;
        else if (CLOSE.has(x)) depth--;
      }
    }
    return undefined;
  }

  /** After `=` or `:` at i: `async`? then `function`, `(…) =>`, `x =>`. */
  private initialisedWithFunction(i: number, to: number): boolean {
    const t = this.toks;
    if (t[i]?.text !== '=' && t[i]?.text !== ':') return false;
    let k = i + 1;
    // A type annotation `name: Type = …` (TypeScript): skip to the `=`.
    if (t[i].text === ':') {
      let depth = 0;
      for (; k < to; k++) {
        const x = t[k].text;
        if (OPEN.has(x) || x === '<') depth++;
        else if (CLOSE.has(x) || x === '>') depth--;
        else if (depth <= 0 && x === '=') { k++; break; }
        else if (depth <= 0 && (x === 'function' || x === '=>' || x === 'async')) break;
      }
    }
    if (t[k]?.text === 'async') k++;
    if (t[k]?.text === 'function') return true;
    if (t[k]?.kind === 'word' && t[k + 1]?.text === '=>') return true;
    if (t[k]?.text === '(' || t[k]?.text === '<') {
      const close = t[k].text === '<' ? this.bracketEnd(this.angleEnd(k, to), to) : this.bracketEnd(k, to);
      // (…) => or (…): Type =>
      for (let m = close; m < Math.min(to, close + 24); m++) {
        if (t[m].text === '=>') return true;
        if (t[m].text === '{' || t[m].text === ';' || t[m].text === '=') return false;
      }
    }
    return false;
  }

  /** Between a parameter list's end and the block's `{`: nothing, a return type, `throws …`, `where …`, `-> T`. */
  private signatureEndsAt(after: number, brace: number): boolean {
    if (after === brace) return true;
    const x = this.toks[after]?.text;
    return x === ':' || x === '->' || x === 'throws' || x === 'where' || x === 'const' || x === 'override' || x === 'noexcept' || x === 'async';
  }

  private angleEnd(i: number, to: number): number {
    let depth = 0;
    for (let k = i; k < to; k++) {
      const x = this.toks[k].text;
      if (x === '<') depth++;
      else if (x === '>') { if (--depth === 0) return k + 1; }
      else if (x === '>>') { depth -= 2; if (depth <= 0) return k + 1; }
    }
    return i + 1;
  }

  private containerName(s: Stmt, i: number, brace: number): { word: string; name: string } | undefined {
    for (let k = i; k < brace; k++) {
      const t = this.toks[k];
      if (t.kind !== 'word' || !CONTAINER_WORDS.has(t.text)) continue;
      // `object` and `record` are containers only as declarations (Kotlin/Scala objects, Java records).
      if ((t.text === 'object' || t.text === 'record') && this.syntax.family !== 'jvm' && this.syntax.family !== 'csharp') continue;
      const next = this.toks[k + 1];
      if (t.text === 'impl') {
        // impl<T> Trait for Type { … }: name it by what follows.
        const words = this.toks.slice(k + 1, brace).filter((x) => x.kind === 'word' && x.text !== 'for').map((x) => x.text);
        return { word: 'impl', name: words.join(' ') || 'impl' };
      }
      return { word: t.text, name: next?.kind === 'word' ? next.text : 'anonymous' };
    }
    return undefined;
  }

  /** `x = {`, `export default {`, `module.exports = {`. */
  private isObjectLiteral(i: number, brace: number): boolean {
    const before = this.toks[brace - 1];
    return !!before && (before.text === '=' || before.text === 'default' || before.text === ':' || before.text === '(');
  }

  /** The name a statement binds: `const X = …`, `type X`, `var X`, `X = …`, `module.exports = …`. */
  private boundName(i: number, to: number): string | undefined {
    const t = this.toks;
    const w = t[i];
    if (!w || w.kind !== 'word') return undefined;
    const declares = ['const', 'let', 'var', 'val', 'type', 'interface', 'enum', 'struct', 'typealias'];
    if (declares.includes(w.text) && t[i + 1]?.kind === 'word') return `${w.text === 'const' || w.text === 'let' || w.text === 'var' || w.text === 'val' ? '' : `${w.text} `}${t[i + 1].text}`;
    // a.b.c = …
    let k = i;
    const parts: string[] = [];
    while (k < to && t[k].kind === 'word') {
      parts.push(t[k].text);
      if (t[k + 1]?.text !== '.') break;
      k += 2;
    }
    if (parts.length && t[k + 1]?.text === '=' && k + 1 < to) return parts.join('.');
    return undefined;
  }

  /** The block of an indented container (after its header's `:` or line): null for one-liners. */
  private indentedBody(s: Stmt): Stmt | undefined {
    const headerLine = this.toks[s.from].line;
    let i = s.from;
    while (i < s.to && this.toks[i].line === headerLine) i++;
    // Ruby/Elixir close with `end` at the header's indentation.
    let to = s.to;
    const last = this.toks[to - 1];
    if (last && last.text === 'end' && last.first && last.indent === this.toks[s.from].indent) to--;
    return i < to ? { from: i, to } : undefined;
  }

  private nameAfter(i: number, to: number): string {
    const t = this.toks;
    if (i >= to) return '';
    // def self.name (Ruby)
    if (t[i].text === 'self' && t[i + 1]?.text === '.' && t[i + 2]?.kind === 'word') return `self.${t[i + 2].text}`;
    return t[i].kind === 'word' ? t[i].text : '';
  }

  /** The first words of a statement, normalised: part of the key of statements without a name. */
  private keyWords(s: Stmt, n: number): string {
    const words: string[] = [];
    for (let i = s.from; i < s.to && words.length < n; i++) {
      const t = this.toks[i];
      words.push(t.kind === 'str' && this.syntax.quoteAgnostic ? stringValue(t.text) : t.text);
    }
    return words.join(' ').slice(0, 120);
  }

  /** "router.post('/login', …)": a call by its callee and first argument, anything else by its first tokens. */
  private firstLineName(s: Stmt): string {
    const t = this.toks;
    let k = s.from;
    const callee: string[] = [];
    while (k < s.to && t[k].kind === 'word') {
      callee.push(t[k].text);
      if (t[k + 1]?.text !== '.') break;
      k += 2;
    }
    if (callee.length && t[k + 1]?.text === '(' && k + 1 < s.to) {
      const arg = t[k + 2];
      const first = arg && (arg.kind === 'str' || arg.kind === 'num' || arg.kind === 'word') && arg.text.length <= 48 ? arg.text.replace(/\s+/g, ' ') : '';
      const more = first && t[k + 3]?.text !== ')';
      return `${callee.join('.')}(${first}${more ? ', …' : first ? '' : '…'})`;
    }
    const line = this.toks[s.from].line;
    const parts: string[] = [];
    let len = 0;
    let i = s.from;
    for (; i < s.to && this.toks[i].line === line && len < 60; i++) {
      const t = this.toks[i];
      const glue = parts.length === 0 || t.text === '(' || t.text === ')' || t.text === '.' || t.text === ',' || t.text === ']' || t.text === '['
        || parts[parts.length - 1] === '(' || parts[parts.length - 1] === '.' || parts[parts.length - 1] === '[';
      const text = t.text.length > 40 ? `${t.text.slice(0, 37)}…` : t.text;
      parts.push(glue ? text : ` ${text}`);
      len += text.length + 1;
    }
    return parts.join('') + (i < s.to ? ' …' : '');
  }

  private sqlName(s: Stmt): string {
    const words: string[] = [];
    let names = 0;
    for (let i = s.from; i < s.to && words.length < 7; i++) {
      const t = this.toks[i];
      if (t.kind === 'word' || t.kind === 'str') {
        const keyword = SQL_KEYWORDS.has(t.text.toUpperCase());
        words.push(keyword ? t.text.toUpperCase() : t.text);
        // "CREATE TABLE users", "CREATE INDEX users_email ON users": up to the object and what it is on.
        if (!keyword && ++names === 2) break;
        if (!keyword && !SQL_KEYWORDS.has((this.toks[i + 1]?.text ?? '').toUpperCase())) break;
      } else if (t.text === '(' || t.text === '.') break;
    }
    return words.join(' ') || this.firstLineName(s);
  }

  private add(kind: RegionKind, key: string, name: string, from: number, to: number): void {
    this.addParts(kind, key, name, [[from, to]]);
  }

  /** A region made of token ranges (a class header without its members). */
  private addParts(kind: RegionKind, key: string, name: string, parts: Array<[number, number]>): void {
    const toks: Token[] = [];
    for (const [a, b] of parts) for (let i = a; i < b; i++) toks.push(this.toks[i]);
    if (toks.length === 0) return;
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    const first = this.toks[parts[0][0]];
    const lastRange = parts[parts.length - 1];
    const last = this.toks[Math.max(lastRange[0], lastRange[1] - 1)] ?? first;
    this.regions.push({
      key: n === 1 ? key : `${key}#${n}`,
      name: n === 1 ? name : `${name} (#${n})`,
      kind,
      startLine: first.line,
      endLine: Math.max(first.line, last.line + lineSpan(last.text)),
      fingerprint: digest(normalise(toks, this.syntax)),
    });
  }
}

/** Bracket depth after a token (never below zero: unbalanced code still splits). */
function depthAfter(t: Token, depth: number): number {
  if (t.kind !== 'punct') return depth;
  if (OPEN.has(t.text)) return depth + 1;
  if (CLOSE.has(t.text)) return Math.max(0, depth - 1);
  return depth;
}

/** Extra lines a (multi-line) token spans. */
function lineSpan(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
