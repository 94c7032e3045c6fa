import { defineRule } from '../rule';

export default defineRule({
  id: 'code-injection',
  title: 'Untrusted data evaluated as code',
  severity: 'critical',
  category: 'injection',
  cwe: 'CWE-94',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'CodeQL js/code-injection, py/code-injection; OWASP Benchmark "codeinj"',
  description: 'Request data reaching eval, Function, vm, exec/compile or string timers.',
  messages: {
    evaluates: '{{call}}() {{verb}} code built from {{source}}: a client can run arbitrary {{lang}} on the server. {{advice}}',
  },
});
