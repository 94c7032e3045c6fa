/**
 * Column references in predicates: from PostgreSQL plan expressions (`((o.status)::text = 'paid'::text)`),
 * MySQL `attached_condition`s and, for SQLite (whose plans carry no filter text), the SQL itself.
 * Used to pick index candidates and to spot predicates that defeat an index.
 */
import { codeOnly } from './lexer';

export type PredicateKind = 'equality' | 'range' | 'like-prefix' | 'other';

export interface ColumnPredicate {
  /** Qualifier as written (alias or table), lower-case; undefined when unqualified. */
  qualifier?: string;
  column: string;
  kind: PredicateKind;
  /** The column is wrapped in a function or a non-trivial cast: an index on the bare column cannot serve it. */
  wrapped?: string;
  /** A cast to a text type (harmless for text columns, not for numbers or dates cast to text). */
  textCast?: string;
}

const COMPARISON = /(=\s*ANY|<>|!=|<=|>=|=|<|>|~~\*|~~|!~~|\bNOT\s+LIKE\b|\bLIKE\b|\bILIKE\b|\bIN\b|\bBETWEEN\b|\bIS\s+NOT\s+NULL\b|\bIS\s+NULL\b)/i;
// Casts between text types are binary-compatible and do not stop an index on a varchar column.
const HARMLESS_CAST = /^(text|character varying|varchar|bpchar|character|name|citext)(\[\])?$/i;
const KEYWORDS = new Set(['and', 'or', 'not', 'null', 'true', 'false', 'is', 'in', 'any', 'all', 'like', 'ilike', 'between', 'case', 'when', 'then', 'else', 'end', 'select', 'from', 'where', 'exists', 'text', 'integer', 'numeric', 'date', 'timestamp', 'with', 'time', 'zone', 'interval', 'array', 'row', 'cast', 'as', 'on', 'using', 'escape']);

/**
 * Finds `col op …` and `… op col` in an expression. Works on plan text and on SQL WHERE/ON clauses.
 * String literals are blanked first so their contents are never mistaken for columns.
 */
export function predicateColumns(expr: string): ColumnPredicate[] {
  const text = codeOnly(expr.replace(/'(?:[^']|'')*'/g, (m) => `'${' '.repeat(Math.max(0, m.length - 2))}'`));
  const out: ColumnPredicate[] = [];
  const seen = new Set<string>();
  // Split on AND/OR and commas at any depth: each piece is one comparison in practice.
  const pieces = text.split(/\bAND\b|\bOR\b/i);
  for (const piece of pieces) {
    const m = COMPARISON.exec(piece);
    if (!m) continue;
    const op = m[1].toUpperCase().replace(/\s+/g, ' ');
    const left = piece.slice(0, m.index);
    const right = piece.slice(m.index + m[0].length);
    const kind: PredicateKind = op === '=' || op === '= ANY' || op === 'IN' || op === 'IS NULL' ? 'equality'
      : ['<', '>', '<=', '>=', 'BETWEEN'].includes(op) ? 'range'
        : (op === '~~' || op === 'LIKE') ? (/^\s*'[^%_\s]/.test(expr.slice(expr.indexOf(right.trim()))) ? 'like-prefix' : 'other') : 'other';
    for (const side of [left, right]) {
      const ref = columnOf(side);
      if (!ref) continue;
      const key = `${ref.qualifier ?? ''}.${ref.column}`;
      if (seen.has(key + kind)) continue;
      seen.add(key + kind);
      out.push({ ...ref, kind });
    }
  }
  return out;
}

/** The single column an operand refers to, with any wrapping function/cast noted. */
function columnOf(operandRaw: string): Omit<ColumnPredicate, 'kind'> | undefined {
  let operand = operandRaw.trim();
  // Strip unbalanced outer parentheses left by the split (plan text is fully parenthesized).
  operand = operand.replace(/^\(+/, (m) => m).trim();
  if (/^'|^\$\d|^\?|^:\w|^\d/.test(operand.replace(/^\(+/, ''))) return undefined;
  const refs = [...operand.matchAll(/(?:([A-Za-z_][\w$]*|"[^"]+"|`[^`]+`)\s*\.\s*)?(?:([A-Za-z_][\w$]*)|"([^"]+)"|`([^`]+)`)(\s*\()?/g)];
  const cols: Array<{ qualifier?: string; column: string }> = [];
  let fn: string | undefined;
  for (const r of refs) {
    const name = (r[2] ?? r[3] ?? r[4] ?? '').toLowerCase();
    if (r[5]) { if (!KEYWORDS.has(name) || name === 'date') fn = fn ?? name; continue; }
    if (!name || KEYWORDS.has(name)) continue;
    // Drop db/schema prefixes of MySQL's `db`.`table`.`col`: keep only the last qualifier.
    cols.push({ qualifier: r[1]?.replace(/["`]/g, '').toLowerCase(), column: name });
  }
  // Cast types look like identifiers after `::`: remove them.
  const castTypes = [...operand.matchAll(/::\s*("?[\w ]+"?(?:\[\])?)/g)].map((m) => m[1].trim().toLowerCase());
  const realCols = cols.filter((c) => !castTypes.some((t) => t === c.column || t.split(' ').includes(c.column)));
  if (realCols.length !== 1) return undefined;
  const col = realCols[0];
  const badCast = castTypes.find((t) => !HARMLESS_CAST.test(t.replace(/"/g, '')));
  const textCast = castTypes.find((t) => HARMLESS_CAST.test(t.replace(/"/g, '')));
  const wrapped = fn ? `${fn}()` : badCast ? `::${badCast}` : undefined;
  return { ...(col.qualifier ? { qualifier: col.qualifier } : {}), column: col.column, ...(wrapped ? { wrapped } : {}), ...(!wrapped && textCast ? { textCast: `::${textCast}` } : {}) };
}

/** Column names in a PostgreSQL `Sort Key` / SQL ORDER BY item: `o.created_at DESC` → created_at. */
export function sortColumns(keys: string[]): Array<{ qualifier?: string; column: string }> {
  const out: Array<{ qualifier?: string; column: string }> = [];
  for (const k of keys) {
    const m = /^\(?\s*(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)\)?\s*(ASC|DESC|NULLS|USING|$)/i.exec(k.trim());
    if (m && !KEYWORDS.has(m[2].toLowerCase())) out.push({ ...(m[1] ? { qualifier: m[1].toLowerCase() } : {}), column: m[2].toLowerCase() });
  }
  return out;
}

export interface SqlTableRef { table: string; alias?: string }

/** Tables and aliases in FROM/JOIN clauses (SQL text, best effort, for engines without plan filters). */
export function tableRefs(sql: string): SqlTableRef[] {
  const text = codeOnly(sql);
  const out: SqlTableRef[] = [];
  const re = /\b(FROM|JOIN|UPDATE|INTO)\s+((?:[\w"`]+\.)?[\w"`]+)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?/gi;
  const notAlias = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'on', 'using', 'group', 'order', 'limit', 'set', 'values', 'natural', 'offset', 'for', 'union', 'returning', 'having', 'window', 'lateral', 'select']);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const table = m[2].replace(/["`]/g, '').split('.').pop()!.toLowerCase();
    if (table === 'select' || table === '(') continue;
    const alias = m[3] && !notAlias.has(m[3].toLowerCase()) ? m[3].toLowerCase() : undefined;
    out.push({ table, ...(alias ? { alias } : {}) });
    // Comma joins: FROM a x, b y
    const after = text.slice(re.lastIndex);
    const comma = /^\s*,\s*([\w"`.]+)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?/i.exec(after);
    if (comma && m[1].toUpperCase() === 'FROM') {
      const t2 = comma[1].replace(/["`]/g, '').split('.').pop()!.toLowerCase();
      out.push({ table: t2, ...(comma[2] && !notAlias.has(comma[2].toLowerCase()) ? { alias: comma[2].toLowerCase() } : {}) });
    }
  }
  return out;
}

/** The WHERE and ON clauses' text and the ORDER BY items of a statement (SQL text). */
export function sqlClauses(sql: string): { where: string[]; orderBy: string[] } {
  const text = codeOnly(sql).replace(/\s+/g, ' ');
  const where: string[] = [];
  const re = /\b(WHERE|ON|HAVING)\b([\s\S]*?)(?=\bGROUP BY\b|\bORDER BY\b|\bLIMIT\b|\bOFFSET\b|\b(?:INNER |LEFT |RIGHT |FULL |CROSS )?JOIN\b|\bUNION\b|\bRETURNING\b|\bWINDOW\b|\bFOR UPDATE\b|\)\s*$|$)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) where.push(m[2]);
  const ob = /\bORDER BY\b([\s\S]*?)(?=\bLIMIT\b|\bOFFSET\b|\bFOR\b|\)|$)/i.exec(text);
  const orderBy = ob ? ob[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
  return { where, orderBy };
}

/** `LIKE '%…'` / `ILIKE '%…'`: a pattern that starts with a wildcard cannot use a btree index. */
export function leadingWildcardLikes(sqlOrFilter: string): Array<{ column?: string; pattern: string }> {
  const out: Array<{ column?: string; pattern: string }> = [];
  const re = /(?:([\w.")]+)\s*(?:::\s*\w+)?\)?\s*)?(?:\bNOT\s+)?(?:\bI?LIKE\b|~~\*?)\s*\(*\s*'(%[^']*)'(?:::\w+)?(\)?\s*\|\|)?/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sqlOrFilter))) {
    const col = m[1]?.replace(/[()"]/g, '').split('.').pop();
    // '%' || $1 || '%': a pattern built from a parameter, still with a leading wildcard.
    out.push({ ...(col ? { column: col.toLowerCase() } : {}), pattern: m[3] ? `'${m[2]}' || …` : `'${m[2]}'` });
  }
  return out;
}
