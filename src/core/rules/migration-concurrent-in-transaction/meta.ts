import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-concurrent-in-transaction',
  title: 'CONCURRENTLY inside a transaction',
  severity: 'high',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'problem',
  anchor: 'Squawk ban-concurrent-index-creation-in-transaction',
  description: 'CREATE/DROP INDEX CONCURRENTLY in a migration that runs in a transaction: PostgreSQL refuses it and the migration fails.',
  advice: {
    default: 'Run this migration outside a transaction.',
    django: 'Set atomic = False on this Migration class (AddIndexConcurrently requires it).',
    alembic: 'Wrap it in with op.get_context().autocommit_block():.',
    knex: 'Export config = { transaction: false } from this migration.',
    typeorm: 'Set transaction = false on this migration class.',
    'node-pg-migrate': 'Call pgm.noTransaction() in this migration.',
    goose: 'Add -- +goose NO TRANSACTION at the top of the file.',
  },
  messages: {
    inTx: '{{what}} cannot run inside a transaction block, and this migration runs in one ({{why}}): the migration fails with "CREATE INDEX CONCURRENTLY cannot run inside a transaction block". {{advice}}',
  },
});
