/** weak-hash for Python: hashlib.md5/sha1 (or hashlib.new('md5')) fed request data, directly or through .update(). */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint, type Taint } from '../taint';
import { pyMatcher, stringValue, field } from '../lang/python/walk';
import meta from './meta';

const WEAK = /^(?:md5|sha1|md4|sha|ripemd160)$/i;
/** Uses where a broken hash is fine: cache keys, ETags, checksums, Gravatar, sharding. */
const NOT_SECURITY = /cache|etag|checksum|fingerprint|gravatar|avatar|shard|bucket|dedup|content_hash/i;

export default pyMatcher(meta, (cx) => {
  /** hash = hashlib.new('md5') / hashlib.md5(): variables holding a weak hash object. */
  const objects = new Map<string, string>();
  const report = (node: Node, alg: string, t: Taint): void => {
    if (t.origin !== 'request' || t.self || NOT_SECURITY.test(cx.fn.name) || NOT_SECURITY.test(node.parent?.text.slice(0, 80) ?? '')) return;
    cx.report(node, 'weak', { alg: alg.toUpperCase(), source: describeTaint(t) }, { confidence: 0.75, taint: t });
  };
  const algOf = (fnText: string, args: Node[]): string | undefined =>
    /^hashlib\.(\w+)$/.exec(fnText)?.[1] === 'new' ? stringValue(args[0] ?? null) ?? undefined : /^hashlib\.(\w+)$/.exec(fnText)?.[1];
  return {
    assignment(left, right) {
      if (left.type !== 'identifier' || right.type !== 'call') return;
      const fnText = field(right, 'function')?.text.replace(/\s+/g, '') ?? '';
      const argList = field(right, 'arguments');
      const args = argList ? argList.namedChildren.filter((x): x is Node => !!x && x.type !== 'keyword_argument') : [];
      const alg = algOf(fnText, args);
      if (alg && WEAK.test(alg) && !/usedforsecurity\s*=\s*False/.test(right.text)) objects.set(left.text, alg);
      else objects.delete(left.text);
    },
    call({ node, name, recv, fnText, args, kwarg }) {
      if (kwarg('usedforsecurity')?.text === 'False') return;
      const alg = algOf(fnText, args);
      if (alg && WEAK.test(alg)) {
        const data = fnText === 'hashlib.new' ? args[1] : args[0];
        const t = data ? cx.taintOf(data) : undefined;
        if (t) report(node, alg, t);
        return;
      }
      if (name === 'update' && recv?.type === 'identifier' && objects.has(recv.text) && args[0]) {
        const t = cx.taintOf(args[0]);
        if (t) report(node, objects.get(recv.text)!, t);
      }
    },
  };
});
