/**
 * Placeholder normalization. Application code writes parameters as `$1`, `?`, `?1`, `:name`,
 * `%s`, `%(name)s` or `@p1`; engines want one style (`$n` for PostgreSQL, `?` for MySQL, `?n` for
 * SQLite). Only code segments are rewritten: strings, comments and quoted identifiers are left alone.
 */
import { segmentSql, isIdentChar } from './lexer';
import type { Placeholder, PlaceholderStyle } from './types';

export type PlaceholderTarget = 'dollar' | 'question' | 'question-numbered';

export interface NormalizedSql {
  sql: string;
  placeholders: Placeholder[];
  /** For 'question' targets: which placeholder (1-based) each `?` stands for, in order. */
  order: number[];
}

/** Rewrites every placeholder to the target style. Named placeholders used twice share one number. */
export function normalizePlaceholders(sql: string, target: PlaceholderTarget = 'dollar', known: Placeholder[] = []): NormalizedSql {
  const placeholders: Placeholder[] = known.map((p) => ({ ...p }));
  const byKey = new Map<string, number>();
  for (const p of placeholders) byKey.set(keyOf(p.style, p.name ?? p.original, p.index), p.index);
  const order: number[] = [];
  let positional = 0;
  let out = '';
  const emit = (n: number): string => {
    order.push(n);
    return target === 'dollar' ? `$${n}` : target === 'question-numbered' ? `?${n}` : '?';
  };
  const number = (style: PlaceholderStyle, original: string, name: string | undefined, explicit?: number): number => {
    const key = keyOf(style, name ?? original, explicit);
    const existing = byKey.get(key);
    if (existing !== undefined) return existing;
    const index = explicit ?? (name === undefined ? nextPositional() : placeholders.length + 1);
    const p: Placeholder = { index, original, style, ...(name !== undefined ? { name } : {}) };
    placeholders.push(p);
    byKey.set(key, index);
    return index;
  };
  const nextPositional = (): number => {
    positional++;
    while (placeholders.some((p) => p.index === positional)) positional++;
    return positional;
  };
  for (const seg of segmentSql(sql)) {
    const piece = sql.slice(seg.start, seg.end);
    if (seg.kind !== 'code') {
      // `$1` inside a dollar-quoted body belongs to a function, not to us.
      out += piece;
      continue;
    }
    let i = 0;
    while (i < piece.length) {
      const rest = piece.slice(i);
      const prev = i > 0 ? piece[i - 1] : sql[seg.start - 1];
      let m: RegExpExecArray | null;
      if (piece[i] === '$' && (m = /^\$(\d+)/.exec(rest)) && !isIdentChar(prev)) {
        const n = Number(m[1]);
        out += emit(number('dollar', m[0], undefined, n));
        i += m[0].length;
      } else if (piece[i] === '?' && isQuestionPlaceholder(sql, seg.start + i)) {
        const numbered = /^\?(\d+)/.exec(rest);
        if (numbered) {
          out += emit(number('question', numbered[0], undefined, Number(numbered[1])));
          i += numbered[0].length;
        } else {
          out += emit(number('question', '?', `#${order.length}`, undefined));
          i++;
        }
      } else if (piece[i] === ':' && prev !== ':' && piece[i + 1] !== ':' && (m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)) && !isIdentChar(prev) && prev !== ']') {
        out += emit(number('named-colon', m[0], m[1]));
        i += m[0].length;
      } else if (piece[i] === '%' && (m = /^%\(([A-Za-z_][A-Za-z0-9_]*)\)s/.exec(rest))) {
        out += emit(number('percent-named', m[0], m[1]));
        i += m[0].length;
      } else if (piece[i] === '%' && rest.startsWith('%s') && !isIdentChar(piece[i + 2])) {
        out += emit(number('percent', '%s', `#${order.length}`));
        i += 2;
      } else if (piece[i] === '@' && prev !== '@' && prev !== '<' && (m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)) && !isIdentChar(prev)) {
        out += emit(number('at', m[0], m[1]));
        i += m[0].length;
      } else {
        out += piece[i];
        i++;
      }
    }
  }
  // Positional '?'/'%s' were keyed by occurrence; give them back a clean name-less shape.
  for (const p of placeholders) if (p.name?.startsWith('#')) delete p.name;
  placeholders.sort((a, b) => a.index - b.index);
  return { sql: out, placeholders, order };
}

function keyOf(style: PlaceholderStyle, nameOrOriginal: string, explicit?: number): string {
  if (style === 'dollar' || (style === 'question' && explicit !== undefined)) return `n:${explicit}`;
  return `${style}:${nameOrOriginal}`;
}

/** `?` is a placeholder unless it is a PostgreSQL jsonb operator (`?|`, `?&`, `data ? 'key'`). */
function isQuestionPlaceholder(sql: string, at: number): boolean {
  const next = sql[at + 1];
  if (next === '|' || next === '&') return false;
  return !/^\?\s*'/.test(sql.slice(at, at + 64));
}

/** Highest $n in the SQL (PostgreSQL style), 0 when it has none. */
export function countDollarParams(sql: string): number {
  let max = 0;
  for (const seg of segmentSql(sql)) {
    if (seg.kind !== 'code') continue;
    const piece = sql.slice(seg.start, seg.end);
    const re = /(^|[^A-Za-z0-9_$])\$(\d+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(piece))) max = Math.max(max, Number(m[2]));
  }
  return max;
}
