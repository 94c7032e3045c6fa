import { defineRule } from '../rule';

export default defineRule({
  id: 'missing-transaction',
  title: 'Several writes without a transaction',
  severity: 'medium',
  category: 'transactions',
  cwe: null,
  languages: ['typescript', 'python'],
  tier: 'problem',
  description: 'A delete followed by other writes, two updates of the same field, or a row created for a parent created just before, with no transaction: a failure between them loses data, orphans a row or breaks an invariant. Other unwrapped write sequences, and ones a rerun repairs (replacing a one-time token, a cleanup job\'s deletes), are AI-audit hints; timestamp touches do not count.',
  messages: {
    writes: 'This function makes {{count}} database writes (lines {{lines}}) with no transaction around them: if a later one fails (or the process dies between them), ' +
      'the earlier ones stay committed and the data is left half-updated. {{advice}}',
  },
});
