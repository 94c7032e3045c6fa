/** weak-cipher for TypeScript/JavaScript: crypto.createCipher, ECB/DES/RC4/Blowfish in createCipheriv. */
import { ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ name, recvText, mod, args, node }) {
    const t = ts();
    const cryptoish = !recvText ? (mod === 'crypto' || mod === 'node:crypto')
      : /^(?:crypto|nodeCrypto|require\(['"](?:node:)?crypto['"]\))$/.test(recvText) || cx.file.imports.get(recvText)?.replace('node:', '') === 'crypto';
    if ((name === 'createCipher' || name === 'createDecipher') && cryptoish) {
      cx.report(node, 'noIv', { method: name }, { confidence: 0.95 });
      return;
    }
    if ((name === 'createCipheriv' || name === 'createDecipheriv') && args[0] && t.isStringLiteralLike(args[0])) {
      const alg = args[0].text;
      if (/ecb/i.test(alg)) cx.report(args[0], 'ecb', { what: `"${alg}"` }, { confidence: 0.95 });
      else if (/^des\b|^des-|^des3|rc4|rc2|^bf|blowfish|^cast/i.test(alg)) cx.report(args[0], 'legacy', { what: `"${alg}"` }, { confidence: 0.95, fix: "'aes-256-gcm'" });
    }
  },
}));
