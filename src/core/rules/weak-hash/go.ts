/** weak-hash for Go: md5.Sum / sha1.Sum (or md5.New().Write) of request data. */
import { describeTaint } from '../taint';
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

const NOT_SECURITY = /cache|etag|checksum|fingerprint|gravatar|avatar|shard|bucket|dedup/i;

export default goMatcher(meta, (cx) => ({
  call({ node, full, args }) {
    if (!/^(?:md5\.Sum|sha1\.Sum)$/.test(full) || !args[0]) return;
    const t = cx.taintOf(args[0]);
    if (!t || t.origin !== 'request' || t.self || NOT_SECURITY.test(cx.fn.name)) return;
    cx.report(node, 'weak', { alg: full.split('.')[0].toUpperCase(), source: describeTaint(t) }, { confidence: 0.75, taint: t });
  },
}));
