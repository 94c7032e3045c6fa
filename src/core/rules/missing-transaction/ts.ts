/** missing-transaction for TypeScript/JavaScript: two or more awaited writes in one function with no transaction. */
import type * as TS from 'typescript';
import { dbCallKind } from '../lang/ts/db';
import { tsMatcher, type TsFn } from '../lang/ts/walk';
import meta from './meta';

const TRANSACTION = /\$transaction|transaction|startTransaction|\bBEGIN\b|withTransaction|startSession|Transactional|runInTransaction|\btrx\b|\btx\b|\batomic/i;
const ADVICE = 'Run them in one transaction (sequelize.transaction, prisma.$transaction, knex.transaction, session.withTransaction, BEGIN/COMMIT).';

export default tsMatcher(meta, (cx) => {
  if (cx.file.isMigration) return {}; // knex and TypeORM run each migration in a transaction
  const writes = (fn: TsFn): TS.CallExpression[] => cx.state(fn, () => [] as TS.CallExpression[]);
  return {
    call(c) {
      if (dbCallKind(c, cx) !== 'write') return;
      if (/(?:tx|trx|transaction|session)\b/i.test(c.recvText) || c.args.some((a) => /\b(?:transaction|session)\s*[:,}]/.test(a.getText(cx.file.sf)))) return;
      writes(cx.fn).push(c.node);
    },
    exitFunction(fn) {
      const w = writes(fn);
      if (w.length < 2 || fn.node === cx.file.sf) return;
      if (TRANSACTION.test(fn.node.getText(cx.file.sf)) || TRANSACTION.test(fn.guardText)) return;
      const lines = w.map((x) => cx.file.sf.getLineAndCharacterOfPosition(x.getStart(cx.file.sf)).line + 1);
      cx.report(w[1], 'writes', { count: w.length, lines: lines.join(', '), advice: ADVICE }, { confidence: 0.6 });
    },
  };
});
