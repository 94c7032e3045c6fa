/** migration-check-not-valid: CHECK constraint validated at once on an existing table. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'add-check' || op.notValid || cx.createdHere(op.table)) return;
    cx.report(op, 'check', { table: op.table ?? '?' }, { confidence: cx.lockHazard(op, 0.8) });
  },
}));
