/** migration-unique-constraint: UNIQUE / PRIMARY KEY constraint built in place on an existing table. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-unique' || op.usingIndex || cx.createdHere(op.table)) return;
    cx.report(op, 'unique', { what: op.primary ? 'PRIMARY KEY' : 'UNIQUE', table: op.table ?? '?' }, { confidence: cx.lockHazard(op, 0.8) });
  },
}));
