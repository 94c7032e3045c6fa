/** command-injection for TypeScript/JavaScript: child_process exec/execSync, spawn/execFile with shell: true, shelljs. */
import { describeTaint } from '../taint';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ node, name, recvText, mod, args }) {
    const arg0 = args[0];
    if (!arg0) return;
    const cp = mod === 'child_process' || mod === 'node:child_process' || /child_process|^cp$|^childProcess$|^shell$/.test(recvText) || cx.file.imports.get(name)?.replace('node:', '') === 'child_process';
    const shellOpt = args.some((a) => /shell\s*:\s*true/.test(a.getText(cx.file.sf)));
    if (!((/^(?:exec|execSync)$/.test(name) && cp) || (/^(?:spawn|spawnSync|execFile|execFileSync)$/.test(name) && shellOpt) || (name === 'exec' && mod === 'shelljs'))) return;
    const taint = cx.taintOf(arg0) ?? (/^spawn|^execFile/.test(name) ? args.slice(1).map((a) => cx.taintOf(a)).find(Boolean) : undefined);
    if (!taint) return;
    cx.sink(taint, (t, span) => t.origin !== 'request' ? null : {
      ...span(node), messageId: 'shell', confidence: 0.9,
      data: { call: name, what: 'a shell command', source: describeTaint(t), advice: 'Use execFile/spawn with an argument array and no shell, and validate the value against an allow-list.' },
    });
  },
}));
