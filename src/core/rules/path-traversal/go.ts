/** path-traversal for Go: os/ioutil file calls, http.ServeFile, c.File/SendFile with request data unless checked. */
import { describeTaint } from '../taint';
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

const FILE_SINK = /^(?:os\.Open|os\.OpenFile|os\.ReadFile|ioutil\.ReadFile|os\.Create|os\.WriteFile|ioutil\.WriteFile|os\.Remove|os\.RemoveAll|os\.ReadDir|ioutil\.ReadDir|os\.Stat|os\.Lstat|os\.MkdirAll|os\.Rename)$/;

export default goMatcher(meta, (cx) => ({
  call({ node, recv, name, full, args }) {
    const serve = full === 'http.ServeFile' || (recv && cx.isRequestExpr(recv) && /^(?:File|Attachment|SendFile|Download|FileFromFS)$/.test(name));
    if (!FILE_SINK.test(full) && !serve) return;
    const target = full === 'http.ServeFile' ? args[2] : args[0];
    const t = target ? cx.taintOf(target) : undefined;
    if (!target || !t || cx.isChecked(target)) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' ? null : {
      // r.URL.Path has been cleaned by the router (and http.ServeFile refuses ".."): worth a look, not a finding.
      ...span(node), messageId: 'path', confidence: tt.self ? 0.5 : 0.85,
      data: { call: full, source: describeTaint(tt), advice: 'Use filepath.Base for a file name, or resolve the path and require strings.HasPrefix(abs, root+string(os.PathSeparator)).' },
    });
  },
}));
