/** migration-index-not-concurrent: an index built without CONCURRENTLY on a table that already exists. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if (op.kind !== 'create-index' || op.concurrently || !op.table || cx.createdHere(op.table)) return;
    cx.report(op, 'index', { what: op.via === 'SQL' ? 'CREATE INDEX' : op.via, table: op.table }, { confidence: cx.lockHazard(op, op.onNewColumn ? 0.6 : 0.85) });
  },
}));
