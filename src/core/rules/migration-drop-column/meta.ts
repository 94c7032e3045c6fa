import { defineRule } from '../rule';

export default defineRule({
  id: 'migration-drop-column',
  title: 'Column dropped',
  severity: 'medium',
  category: 'migration',
  cwe: null,
  languages: ['sql', 'typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 3 true of 38 on production code (8%, training repositories): committed drops were deliberate (data copied first in the same migration, the field already gone from the model, or a many-to-many with no column); worth a look on a new migration, with the deploy order in mind.',
  anchor: 'Squawk ban-drop-column',
  description: 'Dropping a column breaks application code still reading it during the deploy; stop using it first, then drop it in a later release.',
  advice: {
    default: 'Stop using the column in a release first (and remove it from ORM models), then drop it in a later migration.',
    django: 'Remove the field from the model in one release (SeparateDatabaseAndState with state_operations only), drop the column in a later one.',
  },
  messages: {
    drop: 'Dropping "{{column}}" from "{{table}}" breaks every running instance that still selects or writes it (ORMs often list all columns), and the data is gone without a backup. {{advice}}',
  },
});
