import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-not-null-without-default',
  title: 'NOT NULL column added without a default',
  severity: 'high',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 0 true of 5 on production code: a committed migration that adds a NOT NULL column without a default already ran, so its table was empty or backfilled; worth a look on new migrations only.',
  anchor: 'Squawk adding-required-field',
  description: 'ADD COLUMN … NOT NULL with no DEFAULT on a table the migration did not create fails as soon as the table has rows.',
  advice: {
    default: 'Add it with a constant DEFAULT (instant since PostgreSQL 11), or add it nullable, backfill in batches, then SET NOT NULL after a validated CHECK (col IS NOT NULL) NOT VALID constraint.',
    alembic: 'Add server_default (a Python-side default= is not sent to the database), or add the column nullable, backfill, then alter it to NOT NULL.',
    knex: 'Add .defaultTo(…), or add it nullable, backfill, then alter it to NOT NULL.',
    sequelize: 'Add defaultValue, or add it with allowNull: true, backfill, then change it to allowNull: false.',
  },
  messages: {
    added: 'Adding "{{column}}" to "{{table}}" as NOT NULL without a default fails as soon as the table has a row ("column contains null values"), so the deploy breaks in production but not on an empty dev database. {{advice}}',
  },
});
