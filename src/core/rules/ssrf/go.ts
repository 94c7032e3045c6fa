/** ssrf for Go: http.Get/Post/NewRequest and client.Get… with a request-chosen URL. */
import { describeTaint } from '../taint';
import { goMatcher, headOf } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => ({
  call({ node, recv, name, full, args }) {
    if (!/^(?:http\.Get|http\.Post|http\.Head|http\.PostForm|http\.NewRequest|http\.NewRequestWithContext)$/.test(full) && !(recv && /^(?:Get|Post|Head|PostForm)$/.test(name) && /client|Client/.test(recv.text))) return;
    const u = full === 'http.NewRequest' ? args[1] : full === 'http.NewRequestWithContext' ? args[2] : args[0];
    const t = u ? cx.taintOf(u) : undefined;
    if (!u || !t || t.lead === false || /^[a-z][a-z0-9+.-]*:\/\/[^/?#%]+[/?#]/i.test(headOf(u)) || cx.isChecked(u)) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : { ...span(node), messageId: 'url', data: { source: describeTaint(tt) }, confidence: 0.8 });
  },
}));
