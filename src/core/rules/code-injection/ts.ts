/** code-injection for TypeScript/JavaScript: eval, Function, vm, string timers. */
import { describeTaint } from '../taint';
import { ts, skipOuter } from '../lang/ts/taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const ADVICE = 'Parse data with JSON.parse, or map the input to a fixed set of operations.';

export default tsMatcher(meta, (cx) => ({
  call({ node, args, calleeText }) {
    const t = ts();
    const arg0 = args[0];
    if (!arg0) return;
    if (!(calleeText === 'eval' || calleeText === 'Function' || /^(?:vm\.)?(?:runInNewContext|runInThisContext|runInContext|compileFunction)$/.test(calleeText) ||
      ((calleeText === 'setTimeout' || calleeText === 'setInterval') && !t.isFunctionLike(arg0) && !t.isIdentifier(arg0)))) return;
    const taint = cx.taintOf(arg0);
    if (!taint) return;
    cx.sink(taint, (tt, span) => tt.origin !== 'request' ? null : {
      ...span(node), messageId: 'evaluates', data: { call: calleeText, verb: 'evaluates', source: describeTaint(tt), lang: 'JavaScript', advice: ADVICE }, confidence: 0.9,
    });
  },
  newExpression(node) {
    const t = ts();
    const callee = skipOuter(node.expression);
    const args = node.arguments ?? [];
    if (t.isIdentifier(callee) && callee.text === 'Function' && args.length) {
      const taint = args.map((a) => cx.taintOf(a)).find((x) => x?.origin === 'request');
      if (taint) cx.report(node, 'evaluates', { call: 'new Function', verb: 'compiles', source: describeTaint(taint), lang: 'JavaScript', advice: 'Map the input to fixed operations instead.' }, { confidence: 0.9, taint });
    } else if (t.isPropertyAccessExpression(callee) && callee.name.text === 'Script' && args[0]) {
      const taint = cx.taintOf(args[0]);
      if (taint?.origin === 'request') {
        cx.report(node, 'evaluates', { call: 'new vm.Script', verb: 'compiles', source: describeTaint(taint), lang: 'JavaScript', advice: 'The vm module is not a security boundary: do not run client-supplied code.' }, { confidence: 0.9, taint });
      }
    }
  },
}));
