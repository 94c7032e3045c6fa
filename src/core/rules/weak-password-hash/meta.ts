import { defineRule } from '../rule';

export default defineRule({
  id: 'weak-password-hash',
  title: 'Password hashed with a fast hash',
  severity: 'high',
  category: 'crypto',
  cwe: 'CWE-916',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/insufficient-password-hash, py/weak-sensitive-data-hashing; OWASP Benchmark "hash"',
  description: 'A password hashed with MD5/SHA-1/SHA-2 instead of a slow, salted password hash (argon2, bcrypt, scrypt, PBKDF2); a fast pre-hash fed to a slow one is fine.',
  messages: {
    fastHash: 'The password is hashed with {{alg}}, a fast hash: GPUs try billions of guesses per second against a leaked table, and without a per-user salt equal passwords share a hash. {{advice}}',
  },
});
