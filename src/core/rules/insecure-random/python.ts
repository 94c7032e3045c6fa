/** insecure-random for Python: random.* making tokens, codes, salts or passwords. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { field, pyMatcher } from '../lang/python/walk';
import meta from './meta';

const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|api_?key|verification|verify|invite|activation|(?:^|_)code$|signature/i;
const GENERATOR = /^_*(?:generate|gen|new|make|create|random|issue)_?\w*(?:token|secret|passw|otp|nonce|salt|code|key|session|csrf|invite)/i;
const NOT_SECRET = /color|delay|jitter|backoff|retry|sample|shuffle|index|idx|width|height|weight|sleep|interval|port|offset/i;

export default pyMatcher(meta, (cx) => {
  if (!cx.file.usesRandom) return {};
  const check = (name: string, value: Node): void => {
    const calls = [value, ...value.descendantsOfType('call')].filter((c): c is Node => !!c && c.type === 'call' &&
      /^random\.(?:random|randint|choice|choices|randrange|getrandbits|sample|uniform)$/.test(field(c, 'function')?.text ?? ''));
    if (!calls.length) return;
    const fnName = cx.fn.name;
    const context = SECRET_CONTEXT.test(name) ? name : GENERATOR.test(fnName) ? fnName : '';
    if (!context || NOT_SECRET.test(context)) return;
    cx.report(calls[0], 'secretContext', { call: field(calls[0], 'function')!.text, context,
      advice: 'Use the secrets module (secrets.token_urlsafe(32), secrets.randbelow, secrets.choice).' }, { confidence: 0.75 });
  };
  return {
    assignment(left, right) {
      check(left.text, right);
    },
    keyword(name, value) {
      check(name, value);
    },
    return(value) {
      check(cx.fn.name, value);
    },
  };
});
