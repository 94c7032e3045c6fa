/** code-injection for Python: eval/exec/compile of request data. */
import { describeTaint } from '../taint';
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => ({
  call({ node, fnText, args }) {
    if (!args[0] || !/^(?:eval|exec|compile|builtins\.eval|builtins\.exec)$/.test(fnText)) return;
    const t = cx.taintOf(args[0]);
    if (!t) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : {
      ...span(node), messageId: 'evaluates', confidence: 0.9,
      data: { call: fnText, verb: 'runs', source: describeTaint(tt), lang: 'Python', advice: 'Use ast.literal_eval or json.loads for data.' },
    });
  },
}));
