import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-fk-not-valid',
  title: 'Foreign key added without NOT VALID',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'problem',
  anchor: 'Squawk adding-foreign-key-constraint',
  description: 'ADD CONSTRAINT … FOREIGN KEY on an existing table validates every row while locking both tables; add it NOT VALID, then VALIDATE CONSTRAINT separately.',
  advice: {
    default: 'Add it with NOT VALID (instant), then run ALTER TABLE … VALIDATE CONSTRAINT … in a separate statement, which only takes a light lock.',
    alembic: 'Add it with op.execute("ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID") and VALIDATE CONSTRAINT in a separate step.',
  },
  messages: {
    fk: 'Adding a foreign key on "{{table}}" checks every existing row while holding a SHARE ROW EXCLUSIVE lock on both tables, blocking writes for the whole scan. {{advice}}',
  },
});
