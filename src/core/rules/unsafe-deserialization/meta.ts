import { defineRule } from '../rule';

export default defineRule({
  id: 'unsafe-deserialization',
  title: 'Unsafe deserialization',
  severity: 'high',
  category: 'injection',
  cwe: 'CWE-502',
  languages: ['typescript', 'python'],
  tier: 'problem',
  anchor: 'Bandit B301/B506; CodeQL py/unsafe-deserialization; OWASP Benchmark "deserialization"',
  description: 'node-serialize, pickle, marshal, shelve, jsonpickle or yaml.load without a safe loader on data that may come from outside.',
  messages: {
    revives: '{{why}}{{from}}. {{advice}}',
  },
});
