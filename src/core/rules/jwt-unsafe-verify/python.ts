/**
 * jwt-unsafe-verify for Python (PyJWT, python-jose): verification off, 'none' accepted, no algorithms list.
 * Reading an unverified token on purpose (a variable named unverified_…, or the file verifies it too) is a hint.
 */
import { field, named, pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => {
  const verifiesElsewhere = (): boolean => /\bdecode\s*\([^)]*(?:key|secret|public|jwk)/i.test(cx.file.text) || /\.verify\s*\(|verify_signature["']\s*:\s*True|jwks?_client|PyJWKClient/.test(cx.file.text);
  return {
    call({ node, name, recvText, args, kwarg }) {
      if (name === 'decode' && /^(?:jwt|pyjwt|jose\.jwt|PyJWT)$/.test(recvText)) {
        const opts = kwarg('options')?.text ?? '';
        const verifyFalse = kwarg('verify')?.text === 'False' || /["']verify_signature["']\s*:\s*False/.test(opts);
        const algs = kwarg('algorithms');
        if (verifyFalse) {
          const deliberate = /unverified|untrusted|insecure/i.test(args[0]?.text ?? '') || verifiesElsewhere();
          cx.report(node, 'verifyOff', { how: 'verify_signature is False' }, { severity: 'high', confidence: deliberate ? 0.5 : 0.85 });
        } else if (algs && /["']none["']/i.test(algs.text)) {
          cx.report(algs.parent ?? node, 'acceptsNone', {}, { severity: 'critical', confidence: 0.95 });
        } else if (!algs && args.length >= 2 && !(recvText === 'jwt' && (cx.file.project?.major('pyjwt') ?? 0) >= 2)) {
          // PyJWT 2 refuses to decode without algorithms=; python-jose (and PyJWT 1) let the header choose, which matters with a public key.
          const publicKey = /public|pem|cert|jwk|rsa|ec_?key/i.test(args[1].text);
          const kws = named(field(node, 'arguments')!).filter((c) => c.type === 'keyword_argument').map((c) => c.text);
          cx.report(node, 'noAlgorithms', { call: `${recvText}.decode`, option: 'algorithms=[...]', key: args[1].text.slice(0, 40) }, {
            severity: 'medium', confidence: publicKey ? 0.75 : 0.45,
            fix: `${field(node, 'function')!.text}(${[...args.map((x) => x.text), ...kws, 'algorithms=["HS256"]'].join(', ')})`,
          });
        }
      }
      if (/^(?:get_unverified_claims|decode_complete|get_unverified_header)$/.test(name) && /jwt/.test(recvText) && name !== 'get_unverified_header' && !verifiesElsewhere()) {
        cx.report(node, 'unverifiedClaims', { call: name }, { severity: 'high', confidence: 0.6 });
      }
    },
  };
});
