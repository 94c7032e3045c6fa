import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-check-not-valid',
  title: 'CHECK constraint added without NOT VALID',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 1 true of 15 on production code (7%, training repositories, three rounds): the table was small or the same transaction already held its lock; worth a look on a new migration of a large, busy table.',
  anchor: 'Squawk constraint-missing-not-valid',
  description: 'ADD CONSTRAINT … CHECK on an existing table checks every row under an ACCESS EXCLUSIVE lock; add it NOT VALID, then VALIDATE CONSTRAINT separately.',
  advice: {
    default: 'Add it with NOT VALID (instant), then ALTER TABLE … VALIDATE CONSTRAINT … in a separate statement, which allows reads and writes while it runs.',
  },
  messages: {
    check: 'Adding a CHECK constraint to "{{table}}" scans every row while holding an ACCESS EXCLUSIVE lock. {{advice}}',
  },
});
