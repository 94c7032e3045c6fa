/** missing-transaction for Python: two or more ORM writes in one function with no transaction (not in migrations: Django's are atomic). */
import type { Node } from 'web-tree-sitter';
import { dbCall } from '../lang/python/db';
import { pyMatcher, type PyFn } from '../lang/python/walk';
import { sqlTextOf } from '../sql-injection/python';
import meta from './meta';

const PY_TRANSACTION = /transaction\.atomic|\batomic\b|begin\(|begin_nested|\.commit\(|transaction\(/;

export default pyMatcher(meta, (cx) => {
  if (cx.file.isMigration) return {}; // Django and Alembic run each migration in a transaction
  const writes = (fn: PyFn): Node[] => cx.state(fn, () => [] as Node[]);
  return {
    call(c) {
      const db = dbCall(c, cx.file, sqlTextOf);
      if (db?.kind === 'write' && (cx.file.isDjango || /objects|session/.test(db.chain))) writes(cx.fn).push(c.node);
    },
    exitFunction(fn) {
      const w = writes(fn);
      const text = fn.node?.text ?? '';
      if (w.length < 2 || !fn.node || PY_TRANSACTION.test(text) || PY_TRANSACTION.test(fn.guardText)) return;
      cx.report(w[1], 'writes', { count: w.length, lines: w.map((x) => x.startPosition.row + 1).join(', '),
        advice: 'Wrap them in transaction.atomic() (Django) or one session transaction (with session.begin()).' }, { confidence: 0.6 });
    },
  };
});
