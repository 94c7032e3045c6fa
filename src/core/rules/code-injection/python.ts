/** code-injection for Python: eval/exec/compile of request data. */
import { describeTaint } from '../taint';
import { pyMatcher } from '../lang/python/walk';
import meta from './meta';

/** The function refuses any value that is not one quoted string literal before evaluating it. */
function literalGuard(name: string, fnText: string): boolean {
  const q = String.raw`(?:'\\''|"'"|'"'|"\\"")`;
  const n = name.replace(/\W/g, '');
  return new RegExp(String.raw`not\s+${n}\.startswith\(\s*${q}\s*\)`).test(fnText) && new RegExp(String.raw`not\s+${n}\.endswith\(\s*${q}\s*\)`).test(fnText) &&
    new RegExp(String.raw`${q}\s+in\s+${n}\[\s*1\s*:\s*-1\s*\]`).test(fnText) && /return\b/.test(fnText);
}

export default pyMatcher(meta, (cx) => ({
  call({ node, fnText, args }) {
    if (!args[0] || !/^(?:eval|exec|compile|builtins\.eval|builtins\.exec)$/.test(fnText)) return;
    const t = cx.taintOf(args[0]);
    if (!t) return;
    // if not s.startswith("'") or not s.endswith("'") or "'" in s[1:-1]: return — only a quoted literal is evaluated.
    if (args[0].type === 'identifier' && literalGuard(args[0].text, cx.fn.node?.text ?? '')) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : {
      ...span(node), messageId: 'evaluates', confidence: 0.9,
      data: { call: fnText, verb: 'runs', source: describeTaint(tt), lang: 'Python', advice: 'Use ast.literal_eval or json.loads for data.' },
    });
  },
}));
