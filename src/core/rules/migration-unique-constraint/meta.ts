import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-unique-constraint',
  title: 'Unique constraint built under a table lock',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 2 true of 13 on production code (15%, training repositories, three rounds): the table was small, new or already locked by the same migration; worth a look on a new migration of a large, busy table.',
  anchor: 'Squawk disallowed-unique-constraint',
  description: 'ADD CONSTRAINT … UNIQUE (or PRIMARY KEY) on an existing table builds its index under an ACCESS EXCLUSIVE lock; build the index concurrently, then add the constraint USING INDEX.',
  advice: {
    default: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX …, which is instant.',
  },
  messages: {
    unique: 'Adding a {{what}} constraint to "{{table}}" builds a unique index while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build. {{advice}}',
  },
});
