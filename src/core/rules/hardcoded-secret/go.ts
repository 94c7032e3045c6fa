/** hardcoded-secret for Go: token formats and secret-named literals (consts, vars, struct fields). */
import { isSecretName, isSecretValue, matchTokenPattern, namedSecretConfidence } from '../secrets';
import { goMatcher, stringValue } from '../lang/go/walk';
import meta from './meta';

export default goMatcher(meta, (cx) => {
  if (cx.file.isTest) return {};
  return {
    assignment(name, value) {
      const v = stringValue(value);
      if (v === null || !isSecretName(name) || matchTokenPattern(v) || !isSecretValue(v, name)) return;
      cx.report(value, 'named', { name }, { confidence: namedSecretConfidence(name, v, cx.file.path),
        fix: `os.Getenv(${JSON.stringify(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/\W+/g, '_').toUpperCase())})` });
    },
    string(n) {
      const v = stringValue(n);
      if (v === null || v.length < 16) return;
      const p = matchTokenPattern(v);
      if (!p) return;
      cx.report(n, 'token', { kind: p.name.replace(/^an? /, ''), kindArticle: p.name }, { severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9 });
    },
  };
});
