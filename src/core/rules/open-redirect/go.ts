/** open-redirect for Go: http.Redirect / c.Redirect to a request-chosen target (not r.URL itself, not a local format string). */
import { describeTaint } from '../taint';
import { goMatcher, headOf } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => ({
  call({ node, recv, name, full, args }) {
    if (full !== 'http.Redirect' && !(recv && cx.isRequestExpr(recv) && name === 'Redirect')) return;
    const target = full === 'http.Redirect' ? args[2] : args[1] ?? args[0];
    const t = target ? cx.taintOf(target) : undefined;
    if (!target || !t || t.self || t.lead === false || /^\/[^/\\]/.test(headOf(target)) || cx.isChecked(target)) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' || tt.self || tt.lead === false ? null : {
      ...span(node), messageId: 'target', confidence: 0.8,
      data: { source: describeTaint(tt), advice: 'Accept only local paths ("/" but not "//") or allow-listed hosts.' },
    });
  },
}));
