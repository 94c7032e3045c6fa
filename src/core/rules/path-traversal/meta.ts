import { defineRule } from '../rule';

export default defineRule({
  id: 'path-traversal',
  title: 'File path built from request data',
  severity: 'high',
  category: 'validation',
  cwe: 'CWE-22',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/path-injection, py/path-injection, go/path-injection; OWASP Benchmark "pathtraver"',
  description: 'Request data reaching a file read/write/send without basename or a containment check after normalisation.',
  messages: {
    path: '{{call}}() uses a path built from {{source}}: "../" sequences (or an absolute path) reach files outside the intended directory. {{advice}}',
  },
});
