import { defineRule } from '../rule';

export default defineRule({
  id: 'n-plus-one',
  title: 'Query inside a loop (N+1)',
  severity: 'medium',
  category: 'performance',
  cwe: null,
  languages: ['typescript', 'python'],
  tier: 'hint',
  tierReason: 'judged 1 true of 21 on production code (5%): most loops are one-off scripts, migrations, retries or small fixed sets.',
  description: 'A database call made once per iteration of a loop over data (not over a few constants) instead of one batched query.',
  messages: {
    read: { title: 'Query inside a loop (N+1)', text: '{{call}}() runs once per {{per}}: N items cost N round-trips. {{advice}} and look the results up in memory.' },
    write: { title: 'Database write inside a loop', text: '{{call}}() runs once per {{per}}: N items cost N round-trips. {{advice}}.' },
  },
});
