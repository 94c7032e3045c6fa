import { defineRule } from '../rule';

export default defineRule({
  id: 'weak-hash',
  title: 'Broken hash on client data',
  severity: 'medium',
  category: 'crypto',
  cwe: 'CWE-328',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL py/weak-sensitive-data-hashing, js/weak-cryptographic-algorithm; Bandit B324; OWASP Benchmark "hash"',
  description: 'MD5 or SHA-1 computed over request data (stored or compared as a digest), where collisions let a client forge a matching value; checksums of the request\'s own URL, cache keys and ETags are not reported.',
  messages: {
    weak: '{{alg}} is computed over {{source}}: collisions in {{alg}} can be produced cheaply, so a digest an attacker chooses the input of cannot prove integrity or identity. Use SHA-256 (hashlib.sha256 / crypto.createHash("sha256")), or HMAC-SHA-256 with a secret key when the digest authenticates.',
  },
});
