/** path-traversal for TypeScript/JavaScript: fs/fs-extra calls and res.sendFile/download with request data, unless checked. */
import type * as TS from 'typescript';
import { describeTaint, type Taint } from '../taint';
import { ts } from '../lang/ts/taint';
import { tsMatcher, type TsCall, type TsRuleContext } from '../lang/ts/walk';
import meta from './meta';

const FS_SINKS = /^(?:readFile|readFileSync|createReadStream|writeFile|writeFileSync|createWriteStream|appendFile|appendFileSync|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|copyFile|copyFileSync|rename|renameSync|mkdir|mkdirSync|access|accessSync|stat|statSync|lstat|exists|existsSync|truncate|outputFile|outputFileSync|readJson|readJSON|readJsonSync|writeJson|remove|removeSync|move|copy|ensureFile|rmdir|rmdirSync|symlink|chmod)$/;

/** The path argument of a file sink, when the call is one (shared with zip-slip). */
export function fileSinkTarget(c: TsCall, cx: TsRuleContext): { target: TS.Expression; taint: Taint } | undefined {
  const t = ts();
  const { name, recv, recvText, mod, args } = c;
  const arg0 = args[0];
  if (!arg0) return undefined;
  let sink = false;
  if (FS_SINKS.test(name)) {
    const fsMod = mod ?? cx.file.imports.get(recvText);
    sink = (!!fsMod && /^(?:node:)?fs(?:\/promises)?$|^fs-extra$|^graceful-fs$/.test(fsMod)) || /^(?:fs|fsp|fse|fsPromises|fs\.promises|fsExtra|promises)$/.test(recvText);
  } else if ((name === 'sendFile' || name === 'download' || name === 'sendfile') && recv && /^(?:res|response|reply|ctx)$/.test(recvText)) {
    // res.sendFile(name, { root }) resolves inside root and rejects "..".
    const opts = args[1];
    if (opts && t.isObjectLiteralExpression(opts) && opts.properties.some((p) => p.name?.getText(cx.file.sf) === 'root')) return undefined;
    sink = true;
  }
  if (!sink) return undefined;
  const taint = cx.taintOf(arg0);
  if (!taint) return undefined;
  if (cx.isChecked(arg0, taint, ['prefix', 'dotdot', 'allow'])) return undefined;
  return { target: arg0, taint };
}

export default tsMatcher(meta, (cx) => ({
  call(c) {
    const s = fileSinkTarget(c, cx);
    if (!s || s.taint.origin === 'archive') return;
    cx.sink(s.taint, (t, span) => t.origin !== 'request' ? null : {
      ...span(c.node), messageId: 'path', confidence: 0.85,
      data: { call: `${c.recvText ? c.recvText + '.' : ''}${c.name}`, source: describeTaint(t),
        advice: 'Take path.basename() of the name, or resolve it and check the result starts with the allowed root (path.resolve(root) + path.sep).' },
    });
  },
}));
