/** ssrf for TypeScript/JavaScript: fetch, axios, got, undici, http(s).request… with a request-chosen URL. */
import type * as TS from 'typescript';
import { describeTaint } from '../taint';
import { HTTP_CLIENT_MODULES } from '../lang/ts/frameworks';
import { skipOuter, ts } from '../lang/ts/taint';
import { hasFixedOrigin } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => ({
  call({ node, name, recvText, mod, args }) {
    const t = ts();
    const arg0 = args[0];
    if (!arg0) return;
    const root = recvText.split('.')[0];
    const rootMod = cx.file.imports.get(root) ?? mod;
    const isClient = (name === 'fetch' && !recvText) || (!!rootMod && HTTP_CLIENT_MODULES.test(rootMod) &&
      (!recvText ? true : /^(?:get|post|put|patch|delete|head|request|options|fetch|stream)$/.test(name)));
    if (!isClient) return;
    let urlExpr: TS.Expression = arg0;
    const a0 = skipOuter(arg0);
    if (t.isObjectLiteralExpression(a0)) {
      const p = a0.properties.find((pp) => t.isPropertyAssignment(pp) && /^(?:url|uri|host|hostname|baseURL|prefixUrl)$/.test(pp.name.getText(cx.file.sf))) as TS.PropertyAssignment | undefined;
      if (!p) return;
      urlExpr = p.initializer;
    }
    const taint = cx.taintOf(urlExpr);
    if (!taint || taint.lead === false || hasFixedOrigin(urlExpr) || cx.isChecked(urlExpr, taint, ['allow'])) return;
    cx.sink(taint, (tt, span) => tt.origin !== 'request' ? null : { ...span(node), messageId: 'url', data: { source: describeTaint(tt) }, confidence: 0.8 });
  },
}));
