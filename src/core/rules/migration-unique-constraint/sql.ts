/** migration-unique-constraint: UNIQUE / PRIMARY KEY constraint built in place on an existing table. */
import { migrationMatcher, SUBSUMED_CONFIDENCE } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-unique' || op.usingIndex || cx.createdHere(op.table)) return;
    cx.report(op, 'unique', { what: op.primary ? 'PRIMARY KEY' : 'UNIQUE', table: op.table ?? '?' }, { confidence: cx.rewrittenHere(op) ? SUBSUMED_CONFIDENCE : 0.8 });
  },
}));
