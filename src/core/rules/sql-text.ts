/** SQL text helpers shared by the language analyzers: recognising SQL in strings and writing parameterised fixes. */

const SQL_SHAPE = /^\s*(?:\(?\s*)(?:select\b[\s\S]*\bfrom\b|select\s+[\w*]|insert\s+into\b|update\s+[\w."`[\]]+\s+set\b|delete\s+from\b|with\s+\w+\s+as\s*\(|replace\s+into\b|merge\s+into\b|create\s+(?:table|index|view)\b|alter\s+table\b|drop\s+(?:table|index)\b|truncate\b|call\s+\w+)/i;
/** Fragments that only appear inside SQL: used when the string does not start at the statement beginning. */
const SQL_FRAGMENT = /\b(?:where\s+[\w."`]+\s*(?:=|<|>|like|in\b|is\b)|order\s+by\b|group\s+by\b|values\s*\(|limit\s+\d|from\s+[\w."`]+\s+where\b)/i;

export function looksLikeSql(text: string): boolean {
  return SQL_SHAPE.test(text) || SQL_FRAGMENT.test(text);
}

export function isWriteSql(text: string): boolean {
  return /^\s*(?:insert|update|delete|merge|replace|upsert)\b/i.test(text);
}

export type PlaceholderStyle = 'dollar' | 'question' | 'pyformat' | 'qmark';

/**
 * Rebuild SQL from literal parts and interpolated expressions as a parameterised query.
 * `parts` alternates literal text and expressions: [lit0, expr1, lit1, expr2, lit2…].
 * Quotes directly around a placeholder are removed ('${x}' → $1). Returns null when a value sits
 * inside a larger literal (LIKE '%${x}%') or in an identifier position, where a placeholder would change meaning.
 */
export function parameterize(literals: string[], exprs: string[], style: PlaceholderStyle): { sql: string; params: string[] } | null {
  if (literals.length !== exprs.length + 1) return null;
  let sql = literals[0];
  const params: string[] = [];
  for (let i = 0; i < exprs.length; i++) {
    let next = literals[i + 1];
    const quoted = /['"]$/.test(sql) && /^['"]/.test(next);
    if (quoted) {
      sql = sql.slice(0, -1);
      next = next.slice(1);
    } else if (/['"%]$/.test(sql) || /^['"%]/.test(next)) {
      return null;
    }
    // A value must follow an operator, a comma, an opening parenthesis or a keyword that takes a value.
    if (!/(?:[=<>(,]|\b(?:in|like|ilike|values|limit|offset|is|between|and|then|else|when|set|not)\s*)\s*$/i.test(sql)) return null;
    params.push(exprs[i]);
    const n = params.length;
    sql += style === 'dollar' ? `$${n}` : style === 'pyformat' ? '%s' : '?';
    sql += next;
  }
  return { sql, params };
}
