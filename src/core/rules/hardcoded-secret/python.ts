/** hardcoded-secret for Python: token formats, secret-named literals, os.getenv/config defaults, literal cipher/HMAC/JWT keys. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { envNameFor, isSecretName, isSecretValue, matchTokenPattern, namedSecretConfidence } from '../secrets';
import { field, pyMatcher, stringValue } from '../lang/python/walk';
import meta from './meta';

export default pyMatcher(meta, (cx) => {
  if (cx.file.isTest) return {}; // tests and fixtures hold fake credentials on purpose
  const check = (name: string, v: Node, fallback: boolean): void => {
    if (v.type !== 'string') return;
    const value = stringValue(v);
    if (value === null || !isSecretName(name) || matchTokenPattern(value) || !isSecretValue(value, name, fallback)) return;
    cx.report(v, fallback ? 'fallback' : 'named', { name }, { confidence: fallback ? 0.8 : namedSecretConfidence(name, value, cx.file.path), fix: fallback ? null : `os.environ["${envNameFor(name)}"]` });
  };
  return {
    assignment(left, right) {
      let name = left.text;
      if (left.type === 'subscript') {
        const kv = stringValue(field(left, 'subscript'));
        if (!kv) return;
        name = kv;
      } else if (left.type === 'attribute') name = field(left, 'attribute')?.text ?? '';
      else if (left.type !== 'identifier') return;
      let v = right;
      let fallback = false;
      if (v.type === 'boolean_operator' && v.children.some((c) => c?.type === 'or')) {
        v = field(v, 'right') ?? v;
        fallback = true;
      }
      check(name, v, fallback);
    },
    keyword(name, value) {
      check(name, value, false);
    },
    pair(key, value) {
      check(key, value, false);
    },
    string(n) {
      if (n.text.length < 18) return;
      const value = stringValue(n);
      if (value === null) return;
      const p = matchTokenPattern(value);
      if (!p) return;
      cx.report(n, 'token', { kind: p.name.replace(/^an? /, ''), kindArticle: p.name }, { severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9 });
    },
    call({ node, name, fnText, args, kwarg }) {
      // os.getenv('SECRET_KEY', 'fallback'), os.environ.get(...), decouple config('X', default='…')
      if (/^(?:os\.getenv|os\.environ\.get|getenv|config|env|env\.str)$/.test(fnText) && args[0]) {
        const k = stringValue(args[0]);
        if (k && args[1]) check(k, args[1], true);
        const dflt = kwarg('default');
        if (k && dflt) check(k, dflt, true);
      }
      // Keys passed to ciphers, HMAC and JWT signing as literals: key = b'thisisakey123456'; AES.new(key, …).
      let keyArg: Node | undefined;
      if (name === 'new' && /(?:^|\.)(?:AES|DES|DES3|ARC4|Blowfish|ChaCha20|ChaCha20_Poly1305|Salsa20|HMAC|CAST)\.new$/.test(fnText)) keyArg = args[0];
      else if (fnText === 'hmac.new' || fnText === 'Fernet' || /(?:^|\.)(?:AESGCM|ChaCha20Poly1305|AESCCM)$/.test(fnText)) keyArg = args[0];
      else if (/^(?:jwt|jose\.jwt)\.(?:encode|decode)$/.test(fnText)) keyArg = args[1];
      if (!keyArg) return;
      if (keyArg.type === 'boolean_operator') keyArg = field(keyArg, 'right') ?? keyArg; // os.environ.get('KEY') or 'fallback'
      const lit = cx.literalOf(keyArg);
      const value = lit ? stringValue(lit) : null;
      if (!lit || value === null || value.length < 6 || !isSecretValue(value)) return;
      cx.report(lit, 'key', { call: fnText }, { confidence: 0.85 });
      void node;
    },
  };
});
