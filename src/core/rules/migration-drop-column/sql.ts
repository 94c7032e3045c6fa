/** migration-drop-column: a column dropped from a table that existed before this migration. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'drop-column' || cx.createdHere(op.table)) return;
    // A column this migration added or renamed, or a table it drops afterwards: nothing deployed reads it.
    if (cx.columnAddedHere(op.table, op.column) || cx.tableDroppedLater(op)) return;
    cx.report(op, 'drop', { column: op.column ?? '?', table: op.table ?? '?' }, { confidence: 0.7 });
  },
}));
