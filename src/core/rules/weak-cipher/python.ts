/** weak-cipher for Python: PyCryptodome DES/ARC4/Blowfish, ECB mode; cryptography's ECB and legacy algorithms. */
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => ({
  call({ node, name, fnText, args }) {
    const alg = fnText.split('.').slice(-2, -1)[0] ?? '';
    if (name === 'new' && /^(?:DES|DES3|ARC4|ARC2|Blowfish|CAST)$/.test(alg)) {
      cx.report(node, 'legacy', { what: alg }, { confidence: 0.9 });
    } else if (name === 'new' && args.some((x) => /MODE_ECB$/.test(x.text))) {
      cx.report(args.find((x) => /MODE_ECB$/.test(x.text))!, 'ecb', { what: 'AES.MODE_ECB' }, { confidence: 0.95 });
    } else if (/(?:^|\.)ECB$/.test(fnText) && /modes/.test(fnText + [...cx.file.imports].join(' '))) {
      cx.report(node, 'ecb', { what: 'modes.ECB()' }, { confidence: 0.95 });
    } else if (/(?:^|\.)(?:TripleDES|Blowfish|ARC4|CAST5|IDEA|SEED)$/.test(fnText) && /algorithms/.test(fnText)) {
      cx.report(node, 'legacy', { what: fnText }, { confidence: 0.9 });
    }
  },
}));
