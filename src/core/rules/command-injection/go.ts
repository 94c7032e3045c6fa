/** command-injection for Go: exec.Command with a request-chosen program, or sh -c with request data. */
import { describeTaint } from '../taint';
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => ({
  call({ node, full, args }) {
    if (full !== 'exec.Command' && full !== 'exec.CommandContext') return;
    const rest = full === 'exec.CommandContext' ? args.slice(1) : args;
    const shell = rest[0] && /^"(?:sh|bash|\/bin\/sh|\/bin\/bash|cmd|cmd\.exe|powershell)"$/.test(rest[0].text) && rest.some((a) => /^"(?:-c|\/c|\/C|-Command)"$/.test(a.text));
    const tainted = (shell ? rest.slice(1) : rest.slice(0, 1)).map((a) => cx.taintOf(a)).find((x) => x?.origin === 'request' || x?.origin === 'param');
    if (!tainted) return;
    cx.sink(tainted, (t, span) => t.origin !== 'request' ? null : {
      ...span(node), messageId: 'shell', confidence: 0.85,
      data: { call: full, what: shell ? 'a shell command' : 'a program', source: describeTaint(t),
        advice: 'Run a fixed program with the value as a separate argument (no sh -c), and validate it against an allow-list.' },
    });
  },
}));
