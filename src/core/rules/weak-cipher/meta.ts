import { defineRule } from '../rule';

export default defineRule({
  id: 'weak-cipher',
  title: 'Broken or misused cipher',
  severity: 'high',
  category: 'crypto',
  cwe: 'CWE-327',
  languages: ['typescript', 'python', 'go'],
  tier: 'problem',
  anchor: 'CodeQL js/weak-cryptographic-algorithm, py/weak-cryptographic-algorithm; Bandit B304/B305',
  description: 'createCipher/createDecipher (no IV, MD5 key derivation), ECB mode, DES/3DES/RC4/Blowfish.',
  messages: {
    noIv: 'crypto.{{method}}() derives the key with a single MD5 and uses no IV, so equal plaintexts give equal ciphertexts and the key is cheap to brute-force (removed in Node 22). ' +
      'Use createCipheriv("aes-256-gcm", key, randomBytes(12)) with a key from scrypt/HKDF, and store the IV and auth tag.',
    ecb: '{{what}} is ECB mode: identical blocks encrypt identically and leak patterns. Use AES-GCM with a random 12-byte nonce per message.',
    legacy: '{{what}} is a broken or 64-bit-block cipher. Use AES-GCM (or ChaCha20-Poly1305) with a random nonce per message.',
  },
});
