/** insecure-random for Go: math/rand making tokens, codes, salts or passwords. */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { calleeParts, goMatcher } from '../lang/go/walk';
import meta from './meta';

const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|apikey|api_key|verification|Code$|^code$/i;
const GENERATOR = /^(?:generate|gen|new|make|create|random|issue)\w*(?:token|secret|passw|otp|nonce|salt|code|key|session|csrf|invite)/i;
const NOT_SECRET = /delay|jitter|backoff|retry|shuffle|sample|port|index|sleep|interval/i;

export default goMatcher(meta, (cx) => {
  if (!cx.file.imports.has('math/rand') && !cx.file.imports.has('math/rand/v2')) return {};
  return {
    values(names, values) {
      const fnName = cx.fn.name;
      const context = SECRET_CONTEXT.test(names) ? names : GENERATOR.test(fnName) ? fnName : '';
      if (!context || NOT_SECRET.test(context)) return;
      for (const v of values) {
        const call = [v, ...v.descendantsOfType('call_expression')].find((c): c is Node => !!c && c.type === 'call_expression' &&
          /^rand\.(?:Intn|Int63|Int31|Int|Read|Int63n|Int31n|Uint32|Uint64|IntN|N)$/.test(calleeParts(c).full));
        if (call) {
          cx.report(call, 'secretContext', { call: calleeParts(call).full, context, advice: 'Use crypto/rand (rand.Read, rand.Int, rand.Text).' }, { confidence: 0.75 });
          return;
        }
      }
    },
  };
});
