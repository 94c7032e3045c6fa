/**
 * migration-alter-column-type: a column's type changed on an existing table. A change to text or an
 * unbounded varchar is usually binary-compatible (no rewrite), so it is a low-confidence hint.
 */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'alter-column-type' || cx.createdHere(op.table)) return;
    const widening = !!op.type && (/^(?:text|citext)$/i.test(op.type) || (/^(?:varchar|character varying)$/i.test(op.type) && !op.typmods));
    cx.report(op, 'type', { column: op.column ?? '?', table: op.table ?? '?', to: op.type ? `to ${op.type} ` : '' }, { confidence: widening ? 0.4 : 0.75 });
  },
}));
