/**
 * open-redirect for Python: redirect / HttpResponseRedirect / RedirectResponse to a client-chosen target.
 * Not: the request's own path (request.path, get_full_path()), targets that start with reverse()/url_for(),
 * a local literal path, or a checked value (url_has_allowed_host_and_scheme, the app's safe_for_redirect()).
 */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { describeTaint } from '../taint';
import { calleeName, field, headText, named, pyMatcher } from '../lang/python/walk';
import meta from './meta';

const REDIRECTS = /^(?:redirect|HttpResponseRedirect|HttpResponsePermanentRedirect|RedirectResponse)$/;
const LOCAL_URL_BUILDERS = /^(?:reverse|reverse_lazy|url_for|resolve_url|url_path_for|build_absolute_uri|get_full_path)$/;

/** A value that starts with a local path or a URL the app builds itself (reverse(…) + "?next=…"). */
function startsLocal(n: Node): boolean {
  const h = headText(n);
  if (/^\/[^/\\]/.test(h) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#{]+[/?#]/i.test(h)) return true;
  let first: Node | null = n;
  while (first && (first.type === 'binary_operator' || first.type === 'parenthesized_expression')) first = first.type === 'binary_operator' ? field(first, 'left') : named(first)[0] ?? null;
  if (first?.type === 'string') {
    const interp = named(first).find((c) => c.type === 'interpolation');
    const leading = named(first)[0];
    if (interp && leading?.id === interp.id) first = field(interp, 'expression') ?? named(interp)[0] ?? null;
  }
  return !!first && first.type === 'call' && LOCAL_URL_BUILDERS.test(calleeName(first));
}

/** The first part of a concatenation or f-string, when the value is built (else null). */
function firstPart(n: Node): Node | null {
  let x: Node | null = n;
  while (x && x.type === 'parenthesized_expression') x = named(x)[0] ?? null;
  if (x?.type === 'binary_operator') {
    while (x && x.type === 'binary_operator') x = field(x, 'left');
    return x;
  }
  if (x?.type === 'string') {
    const parts = named(x).filter((c) => c.type === 'string_content' || c.type === 'interpolation');
    const p0 = parts[0];
    if (!p0 || p0.type === 'string_content') return null;
    return field(p0, 'expression') ?? named(p0)[0] ?? null;
  }
  return null;
}

export default pyMatcher(meta, (cx) => ({
  call({ node, name, args }) {
    const a0 = args[0];
    if (!a0 || !REDIRECTS.test(name) || /url_for/.test(a0.text)) return;
    const t = cx.taintOf(a0);
    if (!t || t.self || t.lead === false || startsLocal(a0) || cx.isChecked(a0, t, ['allow', 'prefix'])) return;
    // model.local_path + "?page=" + request.GET['p']: the untainted first part fixes the host.
    const first = firstPart(a0);
    if (first && first.type !== 'string' && !cx.taintOf(first)) return;
    cx.sink(t, (tt, span) => tt.origin !== 'request' || tt.self || tt.lead === false ? null : {
      ...span(node), messageId: 'target', confidence: 0.8,
      data: { source: describeTaint(tt), advice: 'Check it with url_has_allowed_host_and_scheme (Django) or accept only local paths ("/" but not "//").' },
    });
  },
}));
