/** migration-check-not-valid: CHECK constraint validated at once on an existing table. */
import { migrationMatcher, SUBSUMED_CONFIDENCE } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-check' || op.notValid || cx.createdHere(op.table)) return;
    cx.report(op, 'check', { table: op.table ?? '?' }, { confidence: cx.rewrittenHere(op) ? SUBSUMED_CONFIDENCE : 0.8 });
  },
}));
