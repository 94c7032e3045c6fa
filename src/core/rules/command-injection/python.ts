/**
 * command-injection for Python: os.system/popen, subprocess with shell=True, and subprocess with an argument
 * list that starts a shell (["sh", "-c", cmd]) or whose program is request data.
 */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint, type Taint } from '../taint';
import { named, pyMatcher, stringValue, type PyRuleContext } from '../lang/python/walk';
import meta from './meta';

const SHELL_FUNCS = /^(?:os\.system|os\.popen|os\.popen[234]|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput|popen2\.popen[234]|os\.spawnlp?e?|pty\.spawn)$/;
const SUBPROCESS = /^subprocess\.(?:call|run|Popen|check_output|check_call)$|^(?:call|run|Popen|check_output|check_call)$/;
const SHELL_PROGRAM = /^(?:sh|bash|zsh|dash|\/bin\/sh|\/bin\/bash|\/usr\/bin\/env|cmd|cmd\.exe|powershell|pwsh)$/;

export default pyMatcher(meta, (cx) => ({
  call({ node, fnText, args, kwarg }) {
    const a0 = args[0];
    if (!a0) return;
    let t: Taint | undefined;
    let what = 'a shell command';
    if (SHELL_FUNCS.test(fnText) || (SUBPROCESS.test(fnText) && kwarg('shell')?.text === 'True')) t = cx.taintOf(a0);
    else if (SUBPROCESS.test(fnText)) {
      const argv = argvOf(a0, cx);
      if (!argv) return;
      if (argv.shell) t = argv.rest;
      else {
        t = argv.program;
        what = 'a program';
      }
    }
    if (!t) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : {
      ...span(node), messageId: 'shell', confidence: 0.9,
      data: { call: fnText, what, source: describeTaint(tt), advice: 'Pass an argument list without a shell (subprocess.run([prog, arg])), and validate the value against an allow-list.' },
    });
  },
}));

/** An argv list: its program's taint, and whether it runs a shell with -c (then the rest is a command line). */
function argvOf(n: Node, cx: PyRuleContext): { program?: Taint; rest?: Taint; shell: boolean } | undefined {
  if (n.type === 'list' || n.type === 'tuple') {
    const items = named(n);
    const first = items[0] && stringValue(items[0]);
    const shell = !!first && SHELL_PROGRAM.test(first) && items.some((x) => /^(?:-c|\/c|\/C|-Command)$/.test(stringValue(x) ?? ''));
    let rest: Taint | undefined;
    for (const x of items.slice(1)) rest = rest ?? cx.taintOf(x);
    return { program: items[0] ? cx.taintOf(items[0]) : undefined, rest, shell };
  }
  if (n.type === 'identifier') {
    // argList.append("sh"); argList.append("-c"); argList.append(cmd)
    const fnText = enclosingText(n);
    const appended = [...fnText.matchAll(new RegExp(`\\b${n.text}\\.(?:append|insert)\\(\\s*(?:\\d+\\s*,\\s*)?(['"])([^'"]*)\\1`, 'g'))].map((m) => m[2]);
    const shell = appended.some((x) => SHELL_PROGRAM.test(x)) && appended.some((x) => /^(?:-c|\/c|\/C)$/.test(x));
    const t = cx.taintOf(n);
    return { program: shell ? undefined : undefined, rest: t, shell };
  }
  return undefined;
}

function enclosingText(n: Node): string {
  let p: Node | null = n.parent;
  while (p && p.type !== 'function_definition' && p.type !== 'module') p = p.parent;
  return p?.text ?? '';
}
