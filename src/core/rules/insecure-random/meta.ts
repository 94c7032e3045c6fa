import { defineRule } from '../rule';

export default defineRule({
  id: 'insecure-random',
  title: 'Predictable random value used as a secret',
  severity: 'medium',
  category: 'crypto',
  cwe: 'CWE-338',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/insecure-randomness; Bandit B311; OWASP Benchmark "weakrand"',
  description: 'Math.random, Python random or Go math/rand used to make tokens, passwords, codes, salts or ids that must be unguessable.',
  messages: {
    secretContext: '{{call}}() makes "{{context}}", which must be unguessable: it is not a cryptographic generator and its state can be recovered from a few outputs. {{advice}}',
  },
});
