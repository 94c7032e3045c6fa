/** weak-hash for TypeScript/JavaScript: createHash('md5' | 'sha1').update(request data). */
import { describeTaint } from '../taint';
import { calleeName, receiverOf, skipOuter, ts } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const NOT_SECURITY = /cache|etag|checksum|fingerprint|gravatar|avatar|shard|bucket|dedup/i;

export default tsMatcher(meta, (cx) => ({
  call({ node, name, args }) {
    const t = ts();
    if (name !== 'update' || !args[0]) return;
    const r = receiverOf(node);
    const inner = r && skipOuter(r);
    if (!inner || !t.isCallExpression(inner) || calleeName(inner) !== 'createHash' || !inner.arguments[0] || !t.isStringLiteralLike(inner.arguments[0])) return;
    const alg = inner.arguments[0].text.toLowerCase();
    if (!/^(?:md4|md5|sha1|sha-1|ripemd160)$/.test(alg)) return;
    const taint = cx.taintOf(args[0]);
    if (!taint || taint.origin !== 'request' || taint.self || NOT_SECURITY.test(cx.fn.name) || NOT_SECURITY.test(node.parent?.getText(cx.file.sf).slice(0, 120) ?? '')) return;
    cx.report(node, 'weak', { alg: alg.toUpperCase(), source: describeTaint(taint) }, { confidence: 0.75, taint });
  },
}));
