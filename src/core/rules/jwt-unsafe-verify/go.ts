/**
 * jwt-unsafe-verify for Go (golang-jwt). golang-jwt checks the key's type against the method (an HMAC method
 * needs a []byte key), so a key function without a method check is a hint, not a confirmed confusion.
 */
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => ({
  call({ node, recv, name, full, args }) {
    if (/^jwt\.ParseUnverified$/.test(full) || (recv && name === 'ParseUnverified')) {
      cx.report(node, 'goUnverified', {}, { confidence: 0.55 });
    } else if (/^jwt\.(?:Parse|ParseWithClaims)$/.test(full)) {
      const keyFn = args.find((a) => a.type === 'func_literal');
      const opts = args.map((a) => a.text).join(' ');
      if (!/WithValidMethods/.test(opts) && keyFn && !/\.Method\b|SigningMethod/.test(keyFn.text)) {
        const publicKey = /public|PublicKey|pem|Parse(?:RSA|EC|ED)PublicKey/i.test(keyFn.text);
        cx.report(node, 'goMethodUnchecked', { key: publicKey ? 'a public key' : 'the key' }, { severity: 'medium', confidence: publicKey ? 0.65 : 0.45 });
      }
    }
  },
}));
