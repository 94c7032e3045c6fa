import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-index-not-concurrent',
  title: 'Index created without CONCURRENTLY',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'problem',
  anchor: 'Squawk require-concurrent-index-creation',
  description: 'CREATE INDEX on a table the migration did not create blocks every write to the table for the whole build; CREATE INDEX CONCURRENTLY does not.',
  advice: {
    default: "Use CREATE INDEX CONCURRENTLY, which must run outside a transaction block (disable the migration tool's transaction for this migration).",
    django: 'Use django.contrib.postgres.operations.AddIndexConcurrently in a migration with atomic = False.',
    alembic: 'Pass postgresql_concurrently=True and run it outside the migration transaction (with op.get_context().autocommit_block():).',
    knex: "knex cannot build it concurrently: use knex.raw('CREATE INDEX CONCURRENTLY …') in a migration with exports.config = { transaction: false }.",
    sequelize: 'Pass { concurrently: true } to addIndex (Sequelize runs migrations outside a transaction unless you open one).',
    typeorm: 'Use queryRunner.query("CREATE INDEX CONCURRENTLY …") in a migration with transaction = false.',
    'node-pg-migrate': 'Pass { concurrently: true } and call pgm.noTransaction() in this migration.',
  },
  messages: {
    index: '{{what}} on "{{table}}" (not created in this migration) takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits until the whole index is built. {{advice}}',
  },
});
