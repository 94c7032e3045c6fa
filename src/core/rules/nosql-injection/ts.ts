/** nosql-injection for TypeScript/JavaScript: Mongo filters (mongodb, mongoose) from request values that may be objects. */
import type * as TS from 'typescript';
import { describeTaint, type Taint } from '../taint';
import { MONGO_FILTER_METHODS_TS } from '../lang/ts/frameworks';
import { receiverOf, skipOuter, ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const STRING_ADVICE = 'Force a string (String(value)), validate the type, or use mongo-sanitize / sanitizeFilter.';

export default tsMatcher(meta, (cx) => {
  const rawValue = (node: TS.Node, key: string, taint: Taint, method: string, shorthand = false): void => {
    const code = node.getText(cx.file.sf);
    cx.report(node, 'rawValue', { method, key, source: describeTaint(taint), advice: STRING_ADVICE },
      { confidence: 0.75, taint, fix: shorthand ? `${code}: String(${code})` : `String(${code})` });
  };
  const walkObject = (o: TS.ObjectLiteralExpression, method: string): void => {
    const t = ts();
    for (const p of o.properties) {
      if (t.isPropertyAssignment(p)) {
        const key = p.name.getText(cx.file.sf).replace(/^['"]|['"]$/g, '');
        const v = skipOuter(p.initializer);
        if (key === '$where') continue; // the property listener reports it
        if (t.isObjectLiteralExpression(v)) {
          walkObject(v, method);
          continue;
        }
        if (t.isArrayLiteralExpression(v)) {
          for (const el of v.elements) if (t.isObjectLiteralExpression(el)) walkObject(el, method);
          continue;
        }
        const taint = cx.taintOf(p.initializer);
        if (taint?.origin === 'request' && taint.raw) rawValue(p.initializer, key, taint, method);
      } else if (t.isShorthandPropertyAssignment(p)) {
        const taint = cx.scope.lookup(p.name.text);
        if (taint?.origin === 'request' && taint.raw) rawValue(p, p.name.text, taint, method, true);
      } else if (t.isSpreadAssignment(p)) {
        const taint = cx.taintOf(p.expression);
        if (taint?.origin === 'request' && taint.raw) rawValue(p, '…', taint, method);
      }
    }
  };
  return {
    call({ node, name, recv, args }) {
      const t = ts();
      const arg0 = args[0];
      if (!arg0 || !MONGO_FILTER_METHODS_TS.has(name) || t.isFunctionLike(arg0) || (name === 'where' && !recv)) return;
      const filterArg = name === 'distinct' ? args[1] : arg0;
      if (!filterArg) return;
      const f = skipOuter(filterArg);
      if (t.isObjectLiteralExpression(f)) {
        // Sequelize/TypeORM/Prisma filters ({ where: … }) do not interpret "$" keys from strings.
        if (f.properties.some((p) => p.name && /^(?:where|select|include|relations|order|data)$/.test(p.name.getText(cx.file.sf)))) return;
        walkObject(f, name);
        return;
      }
      const taint = cx.taintOf(filterArg);
      if (taint?.origin === 'request' && taint.raw && cx.isDbReceiver(receiverOf(node) ?? filterArg)) {
        cx.report(node, 'wholeFilter', { method: name, source: describeTaint(taint) }, { confidence: 0.8, taint });
      }
    },
    property(p) {
      const t = ts();
      const key = p.name.getText(cx.file.sf).replace(/^['"]|['"]$/g, '');
      if (key !== '$where' || t.isStringLiteralLike(skipOuter(p.initializer)) || t.isFunctionLike(skipOuter(p.initializer))) return;
      const taint = cx.taintOf(p.initializer);
      cx.report(p, 'where', { source: taint ? describeTaint(taint) : 'a non-constant value' },
        { severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: taint ? 0.9 : 0.6, taint });
    },
  };
});
