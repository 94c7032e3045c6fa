/** migration-set-not-null: SET NOT NULL on a table that existed before this migration. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => {
  const checked = new Set<string>();
  return {
    op(op) {
      // A CHECK constraint added earlier in the same migration may be the NOT NULL proof; assume the author did it right.
      if (op.kind === 'add-check' && op.table) checked.add(op.table);
      if (op.kind !== 'set-not-null' || cx.createdHere(op.table) || (op.table && checked.has(op.table))) return;
      cx.report(op, 'setNotNull', { column: op.column ?? '?', table: op.table ?? '?' }, { confidence: cx.lockHazard(op, 0.75) });
    },
  };
});
