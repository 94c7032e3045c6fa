/** sql-injection for Go: database/sql, sqlx, gorm, pgx with SQL built by fmt.Sprintf or concatenation. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint } from '../taint';
import { argsOf, calleeParts, field, goMatcher, stringValue, textOf, type GoFile } from '../lang/go/walk';
import { looksLikeSql, parameterize } from '../sql-text';
import meta from './meta';

const SQL_METHODS = new Set(['Query', 'QueryRow', 'Exec', 'QueryContext', 'QueryRowContext', 'ExecContext', 'Prepare', 'PrepareContext',
  'Get', 'Select', 'Queryx', 'QueryRowx', 'NamedExec', 'Raw', 'Where', 'Order', 'MustExec', 'GetContext', 'SelectContext']);

export default goMatcher(meta, (cx) => ({
  call({ node, recv, name, args }) {
    if (!recv || !SQL_METHODS.has(name)) return;
    const q = /Context$/.test(name) ? args[1] : args[0];
    const t = q ? cx.taintOf(q) : undefined;
    if (!q || !t || !(t.built || t.origin === 'request')) return;
    if (!looksLikeSql(textOf(q)) && !(t.origin === 'request' && name !== 'Get')) return;
    cx.sink(t, (tt, span) => {
      const fromRequest = tt.origin === 'request';
      if (!fromRequest && tt.origin !== 'param') return null;
      return {
        ...span(node), messageId: fromRequest ? 'request' : 'param', severity: fromRequest ? 'critical' : 'medium', confidence: fromRequest ? 0.9 : 0.45,
        data: { method: name, source: describeTaint(tt), how: 'fmt.Sprintf or concatenation', example: 'db.Query("… WHERE id = $1", id)' },
        fix: args.length === (/Context$/.test(name) ? 2 : 1) ? goSqlFix(node, q, cx.file) : null,
      };
    });
  },
}));

function goSqlFix(call: Node, q: Node, file: GoFile): string | null {
  if (q.type !== 'call_expression' || calleeParts(q).full !== 'fmt.Sprintf') return null;
  const [fmtArg, ...vals] = argsOf(q);
  const fmt = stringValue(fmtArg);
  if (!fmt || fmtArg.type !== 'interpreted_string_literal') return null;
  const pieces = fmt.split(/%[sdvq]/);
  if (pieces.length !== vals.length + 1 || /%/.test(pieces.join(''))) return null;
  const style = [...file.imports].some((m) => /lib\/pq|pgx/.test(m)) ? 'dollar' : [...file.imports].some((m) => /mysql|sqlite/.test(m)) ? 'question' : null;
  if (!style) return null;
  const p = parameterize(pieces, vals.map((v) => v.text), style);
  if (!p) return null;
  const fnText = field(call, 'function')!.text;
  const lead = /Context$/.test(calleeParts(call).name) ? `${argsOf(call)[0].text}, ` : '';
  return `${fnText}(${lead}${JSON.stringify(p.sql)}, ${p.params.join(', ')})`;
}
