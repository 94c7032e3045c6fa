/** path-traversal for Python: open/codecs.open/os.remove/shutil…, send_file/FileResponse, pathlib methods, with request data unless checked. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint, type Taint } from '../taint';
import { pyMatcher, type PyCall, type PyRuleContext } from '../lang/python/walk';
import meta from './meta';

const FILE_FUNCS = /^(?:open|io\.open|codecs\.open|os\.remove|os\.unlink|os\.rmdir|os\.listdir|os\.makedirs|os\.mkdir|os\.rename|os\.replace|shutil\.rmtree|shutil\.copy|shutil\.copyfile|shutil\.copy2|shutil\.move|send_file|flask\.send_file|FileResponse|aiofiles\.open|os\.open|os\.stat|os\.path\.exists|os\.path\.isfile|os\.path\.getsize|builtins\.open)$/;
const PATH_METHODS = /^(?:read_text|read_bytes|write_text|write_bytes|open|unlink|rmdir|mkdir|touch|iterdir|exists|is_file)$/;

/** The path a file call uses and its taint, unless a containment check covers it (shared with zip-slip). */
export function fileSinkTarget(c: PyCall, cx: PyRuleContext): { target: Node; taint: Taint } | undefined {
  const { name, recv, fnText, args } = c;
  const recvTaint = recv ? cx.taintOf(recv) : undefined;
  const isMethod = PATH_METHODS.test(name) && !!recv && recvTaint !== undefined && !FILE_FUNCS.test(fnText);
  if (!FILE_FUNCS.test(fnText) && !isMethod) return undefined;
  const target = isMethod ? recv : args[0];
  if (!target) return undefined;
  const t = isMethod ? recvTaint : cx.taintOf(target);
  if (!t || cx.isChecked(target, t, ['prefix', 'dotdot', 'allow'])) return undefined;
  return { target, taint: t };
}

export default pyMatcher(meta, (cx) => ({
  call(c) {
    const s = fileSinkTarget(c, cx);
    if (!s || s.taint.origin === 'archive') return;
    cx.sink(s.taint, (t, span) => t.origin !== 'request' ? null : {
      ...span(c.node), messageId: 'path', confidence: 0.85,
      data: { call: c.fnText, source: describeTaint(t),
        advice: 'Use werkzeug.utils.secure_filename / os.path.basename, or send_from_directory / safe_join, or resolve and check containment (Path.resolve().is_relative_to(root)).' },
    });
  },
}));
