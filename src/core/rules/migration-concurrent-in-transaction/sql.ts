/** migration-concurrent-in-transaction: CONCURRENTLY in a migration the tool (or an explicit BEGIN) wraps in a transaction. */
import { migrationMatcher } from '../lang/sql/ops';
import meta from './meta';

const WHY: Record<string, string> = {
  django: 'Django migrations are atomic unless atomic = False', alembic: 'Alembic runs migrations in a transaction on PostgreSQL',
  knex: 'knex wraps each migration in a transaction', typeorm: 'TypeORM runs migrations in a transaction', 'node-pg-migrate': 'node-pg-migrate wraps each migration in a transaction',
  goose: 'goose wraps each migration in a transaction',
};

export default migrationMatcher(meta, (cx) => ({
  op(op) {
    if ((op.kind !== 'create-index' && op.kind !== 'drop-index') || !op.concurrently || !cx.inTransaction(op)) return;
    cx.report(op, 'inTx', { what: op.kind === 'create-index' ? 'CREATE INDEX CONCURRENTLY' : 'DROP INDEX CONCURRENTLY', why: WHY[cx.unit.framework] ?? 'it is inside BEGIN … COMMIT' }, { confidence: 0.9 });
  },
}));
