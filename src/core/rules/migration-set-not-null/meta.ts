import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-set-not-null',
  title: 'NOT NULL set on an existing column',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 2 true of 20 on production code (10%, training repositories, three rounds): the column was almost always added and backfilled in the same migration, the table was small, or the lock was already held; worth a look on a new migration of a large, busy table.',
  anchor: 'Squawk adding-not-nullable-field',
  description: 'ALTER COLUMN … SET NOT NULL on an existing table scans every row under an ACCESS EXCLUSIVE lock (unless a validated CHECK (col IS NOT NULL) exists).',
  advice: {
    default: 'Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a separate step, then SET NOT NULL (PostgreSQL 12+ uses the constraint and skips the scan) and drop the check.',
  },
  messages: {
    setNotNull: 'Setting "{{column}}" NOT NULL makes PostgreSQL scan all of "{{table}}" to check it while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole scan. {{advice}}',
  },
});
