/** weak-cipher for Go: DES, 3DES, RC4, Blowfish. */
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => ({
  call({ node, full }) {
    if (/^(?:des\.NewCipher|des\.NewTripleDESCipher|rc4\.NewCipher|blowfish\.NewCipher)$/.test(full)) cx.report(node, 'legacy', { what: `${full}()` }, { confidence: 0.9 });
  },
}));
