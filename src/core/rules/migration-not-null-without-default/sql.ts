/** migration-not-null-without-default: ADD COLUMN NOT NULL with no DEFAULT (not serial, identity or generated) on an existing table. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-column' || !op.notNull || op.hasDefault || op.generated || cx.createdHere(op.table)) return;
    cx.report(op, 'added', { column: op.column ?? '?', table: op.table ?? '?' }, { confidence: 0.9 });
  },
}));
