/** hardcoded-secret for TypeScript/JavaScript: token formats, secret-named literals and fallbacks, literal cipher/HMAC/JWT keys. */
import type * as TS from 'typescript';
import { envNameFor, isSecretName, isSecretValue, matchTokenPattern, namedSecretConfidence } from '../secrets';
import { skipOuter, ts } from '../lang/ts/taint';
import { literalInitializer } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

export default tsMatcher(meta, (cx) => {
  if (cx.file.isTest) return {}; // tests and fixtures hold fake credentials on purpose
  const cryptoMod = (recvText: string): boolean => /^(?:crypto|nodeCrypto|require\(['"](?:node:)?crypto['"]\))$/.test(recvText) || cx.file.imports.get(recvText)?.replace('node:', '') === 'crypto';
  return {
    assignment(name, value) {
      const t = ts();
      let v = skipOuter(value);
      // process.env.JWT_SECRET || 'dev-secret': the fallback ships to production when the variable is missing.
      let fallback = false;
      if (t.isBinaryExpression(v) && (v.operatorToken.kind === t.SyntaxKind.BarBarToken || v.operatorToken.kind === t.SyntaxKind.QuestionQuestionToken)) {
        v = skipOuter(v.right);
        fallback = true;
      }
      if (!t.isStringLiteralLike(v) || !isSecretName(name) || matchTokenPattern(v.text) || !isSecretValue(v.text, name, fallback)) return;
      cx.report(v, fallback ? 'fallback' : 'named', { name: name.replace(/\s+/g, ' ') },
        { confidence: fallback ? 0.8 : namedSecretConfidence(name, v.text, cx.file.path), fix: fallback ? null : `process.env.${envNameFor(name)}` });
    },
    string(node) {
      const t = ts();
      if (t.isTemplateExpression(node) || node.text.length < 16) return;
      // <input placeholder="sk-…"> and { placeholder: '…' } show what a key looks like.
      const parent = node.parent;
      const slot = parent && (t.isJsxAttribute(parent) || t.isPropertyAssignment(parent)) ? parent.name.getText(cx.file.sf) : '';
      if (/^(?:placeholder|example|hint|label|title|helperText|description)$/i.test(slot.replace(/['"]/g, ''))) return;
      const p = matchTokenPattern(node.text);
      if (!p) return;
      cx.report(node, 'token', { kind: p.name.replace(/^an? /, ''), kindArticle: p.name },
        { severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9 });
    },
    call({ name, recvText, mod, args }) {
      // Literal keys: createCipheriv(alg, 'key…', iv), createHmac('sha256', 'secret'), jwt.sign(payload, 'secret').
      const t = ts();
      const cryptoish = !recvText ? (mod === 'crypto' || mod === 'node:crypto') : cryptoMod(recvText);
      const keyArg = (name === 'createCipheriv' || name === 'createDecipheriv' || name === 'createHmac') && cryptoish ? args[1]
        : (name === 'sign' || name === 'verify') && (/^(?:jwt|jsonwebtoken|JWT)$/.test(recvText) || cx.file.imports.get(recvText) === 'jsonwebtoken') ? args[1] : undefined;
      if (!keyArg) return;
      let k = skipOuter(keyArg);
      if (t.isBinaryExpression(k) && (k.operatorToken.kind === t.SyntaxKind.BarBarToken || k.operatorToken.kind === t.SyntaxKind.QuestionQuestionToken)) k = skipOuter(k.right);
      const lit: TS.StringLiteralLike | undefined = t.isStringLiteralLike(k) ? k : t.isIdentifier(k) ? literalInitializer(k) : undefined;
      if (lit && lit.text.length >= 6 && isSecretValue(lit.text)) {
        cx.report(lit, 'key', { call: `${recvText ? recvText + '.' : ''}${name}` }, { confidence: 0.85 });
      }
    },
  };
});
