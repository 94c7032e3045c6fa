import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-alter-column-type',
  title: 'Column type changed in place',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'problem',
  anchor: 'Squawk changing-column-type',
  description: 'ALTER COLUMN … TYPE on an existing table takes an ACCESS EXCLUSIVE lock and usually rewrites the table (widening to text or a longer varchar does not).',
  advice: {
    default: 'Add a new column, backfill it in batches, switch the application, then drop the old one.',
  },
  messages: {
    type: 'Changing the type of "{{column}}" {{to}}takes an ACCESS EXCLUSIVE lock on "{{table}}" and, unless the change is binary-compatible (e.g. varchar(n) → text or a longer varchar), rewrites the whole table and its indexes while reads and writes wait. {{advice}}',
  },
});
