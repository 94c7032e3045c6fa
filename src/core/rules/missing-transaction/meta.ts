import { defineRule } from '../rule';

export default defineRule({
  id: 'missing-transaction',
  title: 'Several writes without a transaction',
  severity: 'medium',
  category: 'transactions',
  cwe: null,
  languages: ['typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 4 true of 23 on production code (17%): callers open the transaction, ORMs stage writes in a unit of work, or the writes are deliberately independent.',
  description: 'A function performs two or more database writes with no transaction around them: a failure between them leaves partial data.',
  messages: {
    writes: 'This function makes {{count}} database writes (lines {{lines}}) with no transaction around them: if a later one fails (or the process dies between them), ' +
      'the earlier ones stay committed and the data is left half-updated. {{advice}}',
  },
});
