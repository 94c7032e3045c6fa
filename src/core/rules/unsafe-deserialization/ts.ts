/** unsafe-deserialization for TypeScript/JavaScript: node-serialize, funcster, cryo, serialize-to-js. */
import { describeTaint } from '../taint';
import { ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ node, name, recvText, mod, args }) {
    const t = ts();
    const arg0 = args[0];
    if (!arg0 || !/^(?:unserialize|deserialize|parse)$/.test(name)) return;
    if (!/^(?:node-serialize|funcster|cryo|serialize-to-js)$/.test(mod ?? cx.file.imports.get(recvText) ?? '')) return;
    if (t.isStringLiteralLike(arg0)) return;
    const taint = cx.taintOf(arg0);
    cx.report(node, 'revives', {
      why: `${recvText ? recvText + '.' : ''}${name}() revives functions from the serialized text (IIFE payloads run on deserialization)`,
      from: taint ? `, and the text comes from ${describeTaint(taint)}` : ': anything an attacker can write into that data executes on the server',
      advice: 'Use JSON.parse and validate the result.',
    }, { severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: taint ? 0.9 : 0.7, taint });
  },
}));
