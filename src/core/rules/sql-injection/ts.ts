/** sql-injection for TypeScript/JavaScript: mysql/pg/sqlite clients, Sequelize/TypeORM/Prisma/knex raw SQL. */
import type * as TS from 'typescript';
import { describeTaint } from '../taint';
import { NOT_SQL_MODULE, SQL_MODULE } from '../lang/ts/frameworks';
import { skipOuter, ts } from '../lang/ts/taint';
import { isDbReceiver, sqlTextOf, type DbFacts } from '../lang/ts/util';
import { tsMatcher, type TsFile } from '../lang/ts/walk';
import { looksLikeSql, parameterize, type PlaceholderStyle } from '../sql-text';
import meta from './meta';

const SQL_METHODS = new Set(['query', 'execute', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orWhereRaw', 'havingRaw',
  'orHavingRaw', 'orderByRaw', 'groupByRaw', 'joinRaw', 'selectRaw', 'fromRaw', 'unsafe', 'sql', 'exec', 'prepare', 'all', 'get', 'run', 'each',
  'queryRaw', 'executeRaw', 'literal', 'mapToModel']);
/** Methods whose first argument is SQL whatever it looks like (on a database receiver). */
const RAW_SQL_METHODS = new Set(['query', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orWhereRaw', 'havingRaw',
  'orderByRaw', 'groupByRaw', 'joinRaw', 'selectRaw', 'fromRaw', 'unsafe']);

export default tsMatcher(meta, (cx) => {
  const placeholder = placeholderStyle(cx.file.modules);
  // A file that imports Redis, a queue or an HTTP client and no SQL client: query-like names there are not SQL.
  const notSql = [...cx.file.modules].some((m) => NOT_SQL_MODULE.test(m)) && ![...cx.file.modules].some((m) => SQL_MODULE.test(m));
  return {
    call({ node, name, recv, args, mod }) {
      const arg0 = args[0];
      if (!arg0 || !SQL_METHODS.has(name) || (name === 'get' && !recv)) return;
      if (name === 'exec' && mod === 'child_process') return;
      const taint = cx.taintOf(arg0);
      if (!taint || taint.origin === 'archive' || !(taint.built || taint.origin === 'request')) return;
      const sqlish = looksLikeSql(sqlTextOf(arg0));
      if (!sqlish && !(RAW_SQL_METHODS.has(name) && taint.origin === 'request' && !!recv && isSqlReceiver(recv, cx.file))) return;
      if (!sqlish && notSql) return;
      cx.sink(taint, (t, span) => {
        const fromRequest = t.origin === 'request';
        if (!fromRequest && t.origin !== 'param') return null;
        return {
          ...span(node), messageId: fromRequest ? 'request' : 'param',
          data: { method: name, source: describeTaint(t), how: t.built ? 'string concatenation/interpolation' : 'using it as the query text',
            example: placeholder === 'question' ? "db.query('… WHERE id = ?', [id])" : "db.query('… WHERE id = $1', [id])" },
          severity: fromRequest ? 'critical' : 'medium', confidence: fromRequest ? 0.9 : 0.45,
          fix: fromRequest || t.origin === 'param' ? sqlFix(node, arg0, placeholder, cx.file) : null,
        };
      });
    },
  };
});

function isSqlReceiver(recv: TS.Expression, cx: DbFacts & { modules: Set<string> }): boolean {
  return isDbReceiver(recv, cx) && !/redis|queue|cache|job|client\.(?:get|fetch)/i.test(recv.getText());
}

function placeholderStyle(modules: Set<string>): PlaceholderStyle | null {
  const has = (re: RegExp): boolean => [...modules].some((m) => re.test(m));
  if (has(/^(?:pg|pg-promise|postgres|@neondatabase\/serverless|@vercel\/postgres|pg-pool)$/)) return 'dollar';
  if (has(/^(?:mysql|mysql2|mysql2\/promise|sqlite3|better-sqlite3|sqlite|@libsql\/client|mariadb)$/)) return 'question';
  return null;
}

function sqlFix(call: TS.CallExpression, arg0: TS.Expression, placeholder: PlaceholderStyle | null, file: TsFile): string | null {
  const t = ts();
  if (!placeholder) return null;
  const e = skipOuter(arg0);
  const literals: string[] = [];
  const exprs: string[] = [];
  if (t.isTemplateExpression(e)) {
    literals.push(e.head.text);
    for (const s of e.templateSpans) {
      exprs.push(s.expression.getText(file.sf));
      literals.push(s.literal.text);
    }
  } else if (t.isBinaryExpression(e) && e.operatorToken.kind === t.SyntaxKind.PlusToken) {
    const parts: TS.Expression[] = [];
    const flatten = (x: TS.Expression): void => {
      x = t.isParenthesizedExpression(x) ? x.expression : x;
      if (t.isBinaryExpression(x) && x.operatorToken.kind === t.SyntaxKind.PlusToken) {
        flatten(x.left);
        flatten(x.right);
      } else parts.push(x);
    };
    flatten(e);
    let cur = '';
    for (const p of parts) {
      if (t.isStringLiteralLike(p)) cur += p.text;
      else {
        literals.push(cur);
        exprs.push(p.getText(file.sf));
        cur = '';
      }
    }
    literals.push(cur);
  } else return null;
  const rest = call.arguments.slice(1);
  if (rest.length > 1 || (rest[0] && !t.isFunctionLike(rest[0]))) return null;
  const p = parameterize(literals, exprs, placeholder);
  if (!p || !p.params.length) return null;
  const sqlLit = p.sql.includes('\n') || p.sql.includes("'") ? '`' + p.sql.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${') + '`' : `'${p.sql}'`;
  const callee = call.expression.getText(file.sf);
  return `${callee}(${[sqlLit, `[${p.params.join(', ')}]`, ...rest.map((r) => r.getText(file.sf))].join(', ')})`;
}
