/** sql-injection for Python: DB-API cursors, SQLAlchemy execute/text, Django raw/extra/RawSQL, asyncpg, pandas read_sql. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint } from '../taint';
import { field, named, positionalArgs, pyMatcher, receiver, type PyFile } from '../lang/python/walk';
import { looksLikeSql, parameterize } from '../sql-text';
import meta from './meta';

const SINKS = /^(?:execute|executemany|executescript|raw|read_sql|read_sql_query|mogrify|fetch|fetchrow|fetchval)$/;
/** Receivers that are SQL connections, cursors or sessions (not Redis jobs, queues or HTTP clients). */
const SQL_RECEIVER = /(?:^|\.)(?:cursor|cur|conn|connection|con|db|session|engine|objects|pool|database|tx|transaction)$|cursor\(\)$/i;
const ASYNC_PG = /^(?:asyncpg|databases|aiopg|psycopg)/;

export default pyMatcher(meta, (cx) => ({
  call({ node, name, recv, recvText, fnText, args, kwarg }) {
    const isExtra = name === 'extra' && !!kwarg('where');
    if (!(SINKS.test(name) && (!!recv || name === 'read_sql')) && fnText !== 'RawSQL' && !isExtra) return;
    // fetch/fetchrow/fetchval are SQL only for asyncpg-style clients: a Redis job's fetch(id) is not.
    if (/^fetch/.test(name) && ![...cx.file.imports].some((m) => ASYNC_PG.test(m)) && !SQL_RECEIVER.test(recvText)) return;
    const target = isExtra ? kwarg('where') : args[0] ?? null;
    const t = cx.taintOf(target);
    // HTML escaping turns quotes into entities: the value cannot close a SQL string.
    if (!target || !t || t.origin === 'archive' || t.html || !(t.built || t.origin === 'request')) return;
    const sqlish = looksLikeSql(sqlTextOf(target));
    // The whole query taken from a value: SQL only if it looks like SQL or goes to a SQL connection.
    if (!sqlish && !(t.origin === 'request' && (SQL_RECEIVER.test(recvText) || fnText === 'RawSQL' || isExtra))) return;
    cx.sink(t, (tt, span) => {
      const fromRequest = tt.origin === 'request';
      if (!fromRequest && tt.origin !== 'param') return null;
      return {
        ...span(node), messageId: fromRequest ? 'request' : 'param', severity: fromRequest ? 'critical' : 'medium', confidence: fromRequest ? 0.9 : 0.45,
        data: { method: name, source: describeTaint(tt), how: tt.built ? 'an f-string, % formatting, .format() or concatenation' : 'using it as the query text',
          example: cx.file.placeholder === 'qmark' ? 'cursor.execute("… WHERE id = ?", (value,))' : 'cursor.execute("… WHERE id = %s", (value,))' },
        fix: pySqlFix(node, target, cx.file),
      };
    });
    void recv;
  },
}));

/**
 * The SQL text a value holds: the literal parts, or what a variable was assigned earlier in the function.
 * Only assignments that end before the use count (in `q = q.filter(…)` the inner `q` is the earlier value),
 * and the chain of variables is followed a few steps, so a long chain of reassignments stays cheap.
 */
export function sqlTextOf(n: Node, depth = 0): string {
  if (depth > MAX_SQL_TEXT_DEPTH) return '';
  if (n.type === 'string') return n.text;
  if (n.type === 'binary_operator' || n.type === 'concatenated_string') return named(n).map((c) => sqlTextOf(c, depth + 1)).join(' ');
  if (n.type === 'call') {
    const recv = receiver(n);
    if (recv) return sqlTextOf(recv, depth + 1) + ' ' + positionalArgs(n).map((c) => sqlTextOf(c, depth + 1)).join(' ');
    return positionalArgs(n).map((c) => sqlTextOf(c, depth + 1)).join(' ');
  }
  if (n.type === 'identifier') {
    let fnNode: Node | null = n.parent;
    while (fnNode && fnNode.type !== 'function_definition' && fnNode.type !== 'module') fnNode = fnNode.parent;
    if (!fnNode) return '';
    const out: string[] = [];
    for (const asg of fnNode.descendantsOfType(['assignment', 'augmented_assignment'])) {
      if (!asg || asg.endIndex > n.startIndex) continue;
      const left = field(asg, 'left');
      const right = field(asg, 'right');
      if (left?.text === n.text && right && right.type !== 'identifier') out.push(sqlTextOf(right, depth + 1));
    }
    return out.join(' ');
  }
  return '';
}

/** How many steps of expressions and earlier assignments sqlTextOf follows. */
const MAX_SQL_TEXT_DEPTH = 12;

function pySqlFix(call: Node, target: Node, file: PyFile): string | null {
  if (!file.placeholder || positionalArgs(call).length !== 1 || target.type !== 'string') return null;
  const literals: string[] = [];
  const exprs: string[] = [];
  let cur = '';
  for (const c of named(target)) {
    if (c.type === 'string_content') cur += c.text;
    else if (c.type === 'interpolation') {
      const e = field(c, 'expression') ?? named(c)[0];
      if (!e || named(c).length > 1) return null; // format specs / conversions
      literals.push(cur);
      exprs.push(e.text);
      cur = '';
    }
  }
  literals.push(cur);
  if (/%/.test(literals.join('')) && file.placeholder === 'pyformat') return null;
  const p = parameterize(literals, exprs, file.placeholder);
  if (!p || !p.params.length) return null;
  const quote = p.sql.includes('\n') ? '"""' : p.sql.includes('"') ? "'" : '"';
  const params = p.params.length === 1 ? `(${p.params[0]},)` : `(${p.params.join(', ')})`;
  return `${field(call, 'function')!.text}(${quote}${p.sql}${quote}, ${params})`;
}
