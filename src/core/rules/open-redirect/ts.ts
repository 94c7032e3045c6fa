/** open-redirect for TypeScript/JavaScript: res.redirect, Location headers, Next redirect(). */
import type * as TS from 'typescript';
import { describeTaint } from '../taint';
import { skipOuter, ts } from '../lang/ts/taint';
import { hasLocalPrefix } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ node, name, recvText, args }) {
    const t = ts();
    let target: TS.Expression | undefined;
    if ((name === 'redirect' && /^(?:res|response|reply|ctx|h|NextResponse|Response|this)$/.test(recvText)) || (name === 'redirect' && !recvText && cx.file.imports.get('redirect')?.startsWith('next'))) {
      target = args.length > 1 && t.isNumericLiteral(skipOuter(args[0])) ? args[1] : args[0];
    } else if (name === 'location' && /^(?:res|response)$/.test(recvText)) target = args[0];
    else if ((name === 'setHeader' || name === 'header' || name === 'set') && /^(?:res|response|reply|ctx)$/.test(recvText) && args[0] && t.isStringLiteralLike(args[0]) && /^location$/i.test(args[0].text)) target = args[1];
    if (!target) return;
    const taint = cx.taintOf(target);
    if (!taint || taint.self || hasLocalPrefix(target)) return;
    if (cx.isChecked(target, taint, ['allow', 'prefix'], true)) return; // next.startsWith('/') is the local-path check
    cx.sink(taint, (tt, span) => tt.origin !== 'request' || tt.self ? null : {
      ...span(node), messageId: 'target', confidence: 0.8,
      data: { source: describeTaint(tt), advice: 'Accept only local paths (starts with "/" but not "//" or "/\\\\") or hosts on an allow-list.' },
    });
  },
}));
