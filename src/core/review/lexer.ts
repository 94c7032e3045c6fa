/**
 * A small lexer per language family, for review regions and their fingerprints: words, numbers,
 * strings and punctuation with their line and indentation; comments and whitespace dropped. It is
 * not a parser: it only has to see brackets, strings and line starts the same way every time, so
 * that the same code always splits into the same regions and reformatting changes nothing.
 */
import { familyOf, type Family } from '../classify/languages';

export type TokenKind = 'word' | 'num' | 'str' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line of the token's first character. */
  line: number;
  /** Indentation width of the token's line (a tab counts 4). */
  indent: number;
  /** First token on its line. */
  first: boolean;
}

/** How regions are found in a family (regions.ts). */
export type RegionStyle = 'brace' | 'indent' | 'sql' | 'paragraph';

export interface Syntax {
  family: Family;
  style: RegionStyle;
  lineComments: string[];
  /** Line comments only at a line start or after whitespace (`#` in config files, not in `a#b`). */
  lineCommentNeedsSpace: boolean;
  blockComments: Array<[string, string]>;
  /** Quote characters of strings that end at the line end. */
  quotes: string;
  /** `'` is a character literal only when it closes within a few characters (Rust lifetimes, Java/Go runes). */
  charQuote: boolean;
  /** Multi-line strings: backtick raw strings, triple quotes. */
  multiline: string[];
  /** JavaScript template literals (`${…}` nests code) and regular expression literals. */
  js: boolean;
  /** PostgreSQL dollar quoting ($$ … $$, $tag$ … $tag$). */
  dollarQuotes: boolean;
  /** `'x'` and `"x"` mean the same string (JS, Python): the fingerprint ignores the quote style. */
  quoteAgnostic: boolean;
}

const C_LIKE = { lineComments: ['//'], lineCommentNeedsSpace: false, blockComments: [['/*', '*/']] as Array<[string, string]> };

/** The syntax of a file, from its path (and VS Code language id when known). */
export function syntaxOf(path: string, languageId?: string): Syntax {
  const family = familyOf(path, languageId);
  const base: Syntax = {
    family, style: 'brace', ...C_LIKE, quotes: '"\'', charQuote: false, multiline: [], js: false, dollarQuotes: false, quoteAgnostic: false,
  };
  switch (family) {
    case 'js':
      return { ...base, quotes: '"\'', js: true, quoteAgnostic: true };
    case 'go':
      return { ...base, quotes: '"', charQuote: true, multiline: ['`'] };
    case 'jvm': case 'csharp':
      return { ...base, quotes: '"', charQuote: true, multiline: ['"""'] };
    case 'rust':
      return { ...base, quotes: '"', charQuote: true };
    case 'php':
      return { ...base, lineComments: ['//', '#'] };
    case 'python':
      return { ...base, style: 'indent', lineComments: ['#'], blockComments: [], multiline: ['"""', "'''"], quoteAgnostic: true };
    case 'ruby': case 'elixir':
      return { ...base, style: 'indent', lineComments: ['#'], blockComments: [], multiline: family === 'elixir' ? ['"""'] : [] };
    case 'sql':
      return { ...base, style: 'sql', lineComments: ['--'], quotes: '\'"`', dollarQuotes: true };
    case 'spec':
      return { ...base, lineComments: ['#', '//'], lineCommentNeedsSpace: true, quotes: '"' };
    case 'markdown':
      return { ...base, style: 'paragraph', lineComments: [], blockComments: [['<!--', '-->']], quotes: '' };
    case 'config': {
      const yaml = /\.ya?ml$/i.test(path);
      return { ...base, style: yaml ? 'indent' : 'paragraph', lineComments: ['#', '//'], lineCommentNeedsSpace: true, blockComments: [] };
    }
    default:
      return { ...base, style: 'paragraph', lineComments: ['#'], lineCommentNeedsSpace: true, blockComments: [] };
  }
}

/** Multi-character operators, longest first: one token each, so `=>` and `?.` are seen as such. */
const OPERATORS = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '::', '->',
  '++', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', ':=', '<-', '**'];
/** After these a `/` starts a regular expression in JavaScript, not a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
const isWordPart = (c: number): boolean => isWordStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Tokens of `text`; never throws, whatever the input (unterminated strings end at the line or file end). */
export function tokenize(text: string, syntax: Syntax): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let indent = 0;
  let atLineStart = true;
  let firstOnLine = true;
  const push = (kind: TokenKind, value: string, startLine: number): void => {
    out.push({ kind, text: value, line: startLine, indent, first: firstOnLine });
    firstOnLine = false;
  };
  /** Advance over text[i..end), counting newlines. */
  const skipTo = (end: number): void => {
    for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) { line++; firstOnLine = true; }
    i = end;
  };
  const lineEnd = (from: number): number => {
    const e = text.indexOf('\n', from);
    return e === -1 ? n : e;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      atLineStart = true;
      firstOnLine = true;
      indent = 0;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      if (atLineStart) indent += c === 9 ? 4 : c === 32 ? 1 : 0;
      i++;
      continue;
    }
    const wasLineStart = atLineStart;
    atLineStart = false;
    const prevChar = i > 0 ? text.charCodeAt(i - 1) : 10;

    // Comments.
    let comment = false;
    for (const lc of syntax.lineComments) {
      if (text.startsWith(lc, i) && (!syntax.lineCommentNeedsSpace || wasLineStart || prevChar === 32 || prevChar === 9)) {
        i = lineEnd(i);
        comment = true;
        break;
      }
    }
    if (comment) continue;
    for (const [open, close] of syntax.blockComments) {
      if (text.startsWith(open, i)) {
        const e = text.indexOf(close, i + open.length);
        skipTo(e === -1 ? n : e + close.length);
        comment = true;
        break;
      }
    }
    if (comment) continue;

    const startLine = line;
    // Multi-line strings (triple quotes, raw backtick strings).
    let multi: string | undefined;
    for (const m of syntax.multiline) if (text.startsWith(m, i)) { multi = m; break; }
    if (multi) {
      const e = findClose(text, i + multi.length, multi, multi.length === 1 ? false : true);
      const end = e === -1 ? n : e + multi.length;
      const value = text.slice(i, end);
      skipTo(end);
      push('str', value, startLine);
      continue;
    }
    // JavaScript template literals and regular expressions.
    if (syntax.js && c === 96) {
      const end = templateEnd(text, i + 1);
      const value = text.slice(i, end);
      skipTo(end);
      push('str', value, startLine);
      continue;
    }
    if (syntax.js && c === 47 && regexAllowed(out[out.length - 1])) {
      const end = regexEnd(text, i + 1);
      if (end > 0) {
        push('str', text.slice(i, end), startLine);
        i = end;
        continue;
      }
    }
    if (syntax.dollarQuotes && c === 36) {
      const tag = /^\$[A-Za-z_]?\w*\$/.exec(text.slice(i, i + 64));
      if (tag) {
        const e = text.indexOf(tag[0], i + tag[0].length);
        const end = e === -1 ? n : e + tag[0].length;
        const value = text.slice(i, end);
        skipTo(end);
        push('str', value, startLine);
        continue;
      }
    }
    // Single-line strings.
    if (syntax.quotes.includes(text[i])) {
      const q = text[i];
      if (q === "'" && syntax.charQuote) {
        const m = /^'(?:\\.[^'\n]{0,8}|[^'\\\n]{1,2})'/.exec(text.slice(i, i + 16));
        if (!m) { push('punct', q, startLine); i++; continue; }
        push('str', m[0], startLine);
        i += m[0].length;
        continue;
      }
      const end = stringEnd(text, i + 1, q);
      push('str', text.slice(i, end), startLine);
      i = end;
      continue;
    }
    if (isWordStart(c)) {
      let e = i + 1;
      while (e < n && isWordPart(text.charCodeAt(e))) e++;
      push('word', text.slice(i, e), startLine);
      i = e;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let e = i + 1;
      while (e < n && (isWordPart(text.charCodeAt(e)) || text.charCodeAt(e) === 46)) e++;
      push('num', text.slice(i, e), startLine);
      i = e;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    const value = op ?? text[i];
    push('punct', value, startLine);
    i += value.length;
  }
  return out;
}

/** Index of `close` after `from`, skipping backslash escapes when `escapes`; -1 when absent. */
function findClose(text: string, from: number, close: string, escapes: boolean): number {
  for (let k = from; k < text.length; k++) {
    if (escapes && text.charCodeAt(k) === 92) { k++; continue; }
    if (text.startsWith(close, k)) return k;
  }
  return -1;
}

/** End (exclusive) of a quoted string: the closing quote, or the line end for an unterminated one. */
function stringEnd(text: string, from: number, quote: string): number {
  for (let k = from; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\\') { k++; continue; }
    if (ch === quote) return k + 1;
    if (ch === '\n') return k;
  }
  return text.length;
}

/** End (exclusive) of a template literal whose body starts at `from`; `${…}` may hold strings and templates. */
function templateEnd(text: string, from: number): number {
  let k = from;
  while (k < text.length) {
    const ch = text[k];
    if (ch === '\\') { k += 2; continue; }
    if (ch === '`') return k + 1;
    if (ch === '$' && text[k + 1] === '{') {
      k += 2;
      let depth = 1;
      while (k < text.length && depth > 0) {
        const d = text[k];
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === '`') { k = templateEnd(text, k + 1); continue; }
        else if (d === '"' || d === "'") { k = stringEnd(text, k + 1, d); continue; }
        else if (d === '/' && /[(,=:[!&|?{};]/.test(previousCodeChar(text, k))) {
          const end = regexEnd(text, k + 1);
          if (end > 0) { k = end; continue; }
        }
        k++;
      }
      continue;
    }
    k++;
  }
  return text.length;
}

/** The last non-blank character before `at` (inside a template's `${…}`, where there are no tokens yet). */
function previousCodeChar(text: string, at: number): string {
  for (let k = at - 1; k >= 0; k--) if (!/\s/.test(text[k])) return text[k];
  return '';
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'word') return REGEX_AFTER_WORDS.has(prev.text);
  if (prev.kind === 'num' || prev.kind === 'str') return false;
  return !(prev.text === ')' || prev.text === ']' || prev.text === '}' || prev.text === '++');
}

/** End (exclusive) of a regular expression literal starting after its `/`, with flags; 0 when it is not one. */
function regexEnd(text: string, from: number): number {
  const first = text[from];
  if (first === '/' || first === '*' || first === undefined) return 0;
  let inClass = false;
  for (let k = from; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\n') return 0;
    if (ch === '\\') { k++; continue; }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      let e = k + 1;
      while (e < text.length && /[a-z]/i.test(text[e])) e++;
      return e;
    }
  }
  return 0;
}
