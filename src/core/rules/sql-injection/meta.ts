import { defineRule } from '../rule';

export default defineRule({
  id: 'sql-injection',
  title: 'SQL built from untrusted data',
  severity: 'critical',
  category: 'injection',
  cwe: 'CWE-89',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'Semgrep tainted-sql-string; CodeQL js/sql-injection, py/sql-injection, go/sql-injection',
  description: 'SQL text built by concatenation, interpolation or formatting with request data (directly or through local helpers) that reaches a query call of a SQL client.',
  messages: {
    request: {
      title: 'SQL built from request data',
      text: 'The SQL passed to {{method}}() is built from {{source}} by {{how}}. A quote in the value changes the statement. ' +
        'Keep the SQL text constant and pass values as bind parameters: {{example}}.',
    },
    param: {
      title: 'SQL built by concatenation from a function parameter',
      text: 'The SQL passed to {{method}}() is built from {{source}} by {{how}}. If a caller passes request data, a quote in it changes the statement. ' +
        'Keep the SQL text constant and pass values as bind parameters: {{example}}.',
    },
  },
});
