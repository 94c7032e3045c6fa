/** migration-fk-not-valid: a foreign key validated at once on an existing table (a new all-NULL column validates fast: low confidence). */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-foreign-key' || op.notValid || cx.createdHere(op.table)) return;
    // On a column this migration added (all NULL), validating is quick: the lock is short.
    cx.report(op, 'fk', { table: op.table ?? '?' }, { confidence: cx.lockHazard(op, op.onNewColumn || cx.columnAddedHere(op.table, op.column) ? 0.5 : 0.85, { keepAfterRewrite: true }) });
  },
}));
