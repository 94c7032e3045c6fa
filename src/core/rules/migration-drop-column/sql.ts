/** migration-drop-column: a column dropped from a table that existed before this migration. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'drop-column' || cx.createdHere(op.table)) return;
    cx.report(op, 'drop', { column: op.column ?? '?', table: op.table ?? '?' }, { confidence: 0.7 });
  },
}));
