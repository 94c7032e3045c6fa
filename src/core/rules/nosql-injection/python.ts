/** nosql-injection for Python (pymongo, motor): filters with request values parsed from JSON, or client JSON as the filter. */
import { describeTaint } from '../taint';
import { field, named, pyMatcher, stringValue } from '../lang/python/walk';
import { MONGO_FILTER_METHODS } from '../lang/python/frameworks';
import meta from './meta';

export default pyMatcher(meta, (cx) => ({
  call({ node, name, recv, recvText, args }) {
    const a0 = args[0];
    if (!MONGO_FILTER_METHODS.has(name) || !recv || !a0 || !/collection|coll|col\b|db\b|mongo|users|\]$/i.test(recvText)) return;
    if (a0.type === 'dictionary') {
      for (const p of named(a0)) {
        if (p.type !== 'pair') continue;
        const key = field(p, 'key');
        const v = field(p, 'value');
        if (!v || stringValue(key ?? v) === '$where') continue;
        const t = cx.taintOf(v);
        if (t?.origin === 'request' && t.raw) {
          cx.report(v, 'rawValue', { method: name, key: stringValue(key) ?? key?.text ?? 'a value', source: describeTaint(t), advice: 'Force a string (str(...)) or validate the type.' },
            { confidence: 0.75, fix: `str(${v.text})`, taint: t });
        }
      }
      return;
    }
    const t = cx.taintOf(a0);
    if (t?.origin === 'request' && t.raw) cx.report(node, 'wholeFilter', { method: name, source: describeTaint(t) }, { confidence: 0.8, taint: t });
  },
  pair(key, value, node) {
    if (key !== '$where' || value.type === 'string') return;
    const t = cx.taintOf(value);
    cx.report(node, 'where', { source: t ? describeTaint(t) : 'a non-constant value' }, { severity: t?.origin === 'request' ? 'critical' : 'high', confidence: t ? 0.9 : 0.6, taint: t });
  },
}));
