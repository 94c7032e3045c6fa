/** unsafe-deserialization for Python: pickle/marshal/shelve/dill/jsonpickle, yaml.load without a safe loader. */
import { describeTaint } from '../taint';
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => ({
  call({ node, fnText, args, kwarg }) {
    const a0 = args[0];
    if (!a0 || a0.type === 'string') return;
    let why = '';
    if (/^(?:pickle|cPickle|_pickle|dill|cloudpickle|marshal|shelve)\.(?:loads|load|Unpickler|open)$/.test(fnText) || /^(?:jsonpickle)\.(?:decode|loads)$/.test(fnText)) {
      why = `${fnText}() runs code chosen by whoever wrote the data (__reduce__)`;
    } else if (/^(?:yaml|ruamel\.yaml)\.(?:load|load_all)$/.test(fnText)) {
      const loader = kwarg('Loader')?.text ?? args[1]?.text ?? '';
      if (!/Safe|BaseLoader|CSafeLoader/.test(loader)) why = `${fnText}() ${loader ? `with ${loader}` : 'without a safe Loader'} constructs arbitrary Python objects (!!python/object/apply)`;
    } else if (/^yaml\.(?:unsafe_load|unsafe_load_all|full_load|full_load_all)$/.test(fnText)) why = `${fnText}() constructs arbitrary Python objects`;
    if (!why) return;
    const t = cx.taintOf(a0);
    const fix = /^yaml\.load$/.test(fnText) && args.length === 1 && !kwarg('Loader') ? `yaml.safe_load(${a0.text})` : null;
    const advice = 'Use json, or yaml.safe_load for YAML; never unpickle data that crossed a trust boundary.';
    if (!t) {
      // Data of unknown origin (a cache, a model file the app wrote): worth a look, not a finding.
      cx.report(node, 'revives', { why, from: '', advice }, { severity: 'high', confidence: 0.5, fix });
      return;
    }
    cx.sink(t, (tt, span) => ({
      ...span(node), messageId: 'revives', data: { why, from: `, and the data comes from ${describeTaint(tt)}`, advice },
      severity: tt.origin === 'request' ? 'critical' : 'high', confidence: tt.origin === 'request' ? 0.9 : 0.5, fix,
    }));
  },
}));
