/** insecure-random for TypeScript/JavaScript: Math.random() assigned to, or inside a function named like, a secret. */
import type * as TS from 'typescript';
import { ts } from '../lang/ts/taint';
import { functionName, isFunctionLikeNode } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|api_?key|apikey|verification|verify|invite|activation|(?:^|[^a-z])code$|Code$|signature/i;
/** Functions whose name says they make a secret: generateToken, newSessionId, randomPassword, makeOtp. */
/** Browser code: a random value there protects nothing on the server. */
const CLIENT_CODE = /(?:^|\/)(?:frontend|front-end|client|ui|web-ui|webapp|public|static|components|pages|views)\//i;
export const GENERATOR = /^(?:generate|gen|new|make|create|random|issue)\w*(?:token|secret|passw|otp|nonce|salt|code|key|session|csrf|invite)/i;
const NOT_SECRET = /color|colour|delay|jitter|backoff|retry|sample|shuffle|animation|position|offset|index|idx|opacity|width|height|random(?:ize)?$/i;

export default tsMatcher(meta, (cx) => {
  // UI components use Math.random for element keys and animations; it never protects anything there.
  if (!cx.file.text.includes('Math.random') || /\.[jt]sx$/i.test(cx.file.path) || CLIENT_CODE.test(cx.file.path)) return {};
  return {
    assignment(name, init, node) {
      const t = ts();
      if (t.isBinaryExpression(node)) return;
      const calls: TS.CallExpression[] = [];
      const walk = (n: TS.Node): void => {
        if (t.isCallExpression(n) && n.expression.getText(cx.file.sf).replace(/\s+/g, '') === 'Math.random') calls.push(n);
        if (isFunctionLikeNode(n)) return;
        t.forEachChild(n, walk);
      };
      walk(init);
      if (!calls.length) return;
      let context = SECRET_CONTEXT.test(name) ? name : '';
      if (!context) {
        for (let p: TS.Node | undefined = node.parent; p; p = p.parent) {
          if (isFunctionLikeNode(p)) {
            const fnName = functionName(p);
            if (GENERATOR.test(fnName)) context = fnName;
            break;
          }
        }
      }
      if (!context || NOT_SECRET.test(context)) return;
      cx.report(calls[0], 'secretContext', { call: 'Math.random', context,
        advice: 'Use crypto.randomBytes(32).toString("hex"), crypto.randomInt(), or crypto.randomUUID().' }, { confidence: 0.75 });
    },
  };
});
