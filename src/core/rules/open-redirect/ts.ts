/** open-redirect for TypeScript/JavaScript: res.redirect, Location headers, Next redirect(). */
import type * as TS from 'typescript';
import { describeTaint } from '../taint';
import { skipOuter, ts } from '../lang/ts/taint';
import { hasLocalPrefix } from '../lang/ts/util';
import { tsMatcher, type TsRuleContext } from '../lang/ts/walk';
import meta from './meta';

/**
 * Whether request data can decide the start of the URL (its scheme and host). `${base}/path?next=${x}` and
 * BASE + '/p/' + id keep the host of their untainted first part: only a path or query value is the client's.
 */
function leadsWithTaint(e: TS.Expression, cx: TsRuleContext): boolean {
  const t = ts();
  const x = skipOuter(e);
  if (t.isTemplateExpression(x)) return x.head.text === '' && !!cx.taintOf(x.templateSpans[0].expression);
  if (t.isBinaryExpression(x) && x.operatorToken.kind === t.SyntaxKind.PlusToken) {
    let l: TS.Expression = x;
    while (t.isBinaryExpression(l) && l.operatorToken.kind === t.SyntaxKind.PlusToken) l = skipOuter(l.left);
    return t.isStringLiteralLike(l) ? l.text === '' : !!cx.taintOf(l);
  }
  return true;
}

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
    if (!taint || taint.self || taint.lead === false || hasLocalPrefix(target) || !leadsWithTaint(target, cx)) return;
    if (cx.isChecked(target, taint, ['allow', 'prefix'], true)) return; // next.startsWith('/') is the local-path check
    cx.sink(taint, (tt, span) => tt.origin !== 'request' || tt.self || tt.lead === false ? null : {
      ...span(node), messageId: 'target', confidence: 0.8,
      data: { source: describeTaint(tt), advice: 'Accept only local paths (starts with "/" but not "//" or "/\\\\") or hosts on an allow-list.' },
    });
  },
}));
