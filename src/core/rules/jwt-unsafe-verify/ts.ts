/**
 * jwt-unsafe-verify for TypeScript/JavaScript (jsonwebtoken, jwt-decode). Algorithm confusion needs a public
 * key used as the verification secret: with a string secret the attacker would need the secret, and
 * jsonwebtoken 9+ limits a string secret to HS* and a public key to its own family anyway.
 */
import type * as TS from 'typescript';
import { skipOuter, ts } from '../lang/ts/taint';
import { isFunctionLikeNode } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const PUBLIC_KEY = /public|\.pub\b|pem|cert|jwks|getSigningKey|secretOrPublicKey|rsa|ecdsa|spki/i;
/** Decoded claims that decide who the caller is. */
const TRUSTED_USE = /\b(?:req|request|ctx\.state|ctx|res\.locals)\s*\.\s*(?:user|auth|session|account|identity)\s*=|\buserId\s*[:=]|\.(?:role|isAdmin|permissions)\b/;

export default tsMatcher(meta, (cx) => {
  const text = cx.file.text;
  const hasVerify = VERIFY_CALL.test(text);
  const major = cx.file.project?.major('jsonwebtoken');
  const decodeOnly = (call: TS.CallExpression, name: string): void => {
    if (readsHeaderOnly(call)) return;
    const fn = enclosingFunctionText(call, cx.file.sf);
    // The decoded claims are checked the way a verifier would (expiry, type, issuer) and rejected
    // on failure, with no verification in that function: the decode is the verification.
    if (fn !== undefined && !VERIFY_CALL.test(fn) && !SIGN_CALL.test(fn) && CLAIM_CHECK.test(fn)) {
      cx.report(call, 'decodeOnly', { call: name, use: 'are checked as if verified (expiry, type) and then trusted', where: 'in this function' }, { confidence: 0.8 });
      return;
    }
    // Peeks (header, issuer, a client showing the user) are the common case: verified elsewhere.
    if (hasVerify) return;
    const use = claimUse(call, cx.file.sf);
    cx.report(call, 'decodeOnly', { call: name, use: use ? 'decide who the caller is' : 'are used', where: 'in this file' }, { confidence: use ? 0.65 : 0.45 });
  };
  return {
    call({ node, name, recvText, mod, args }) {
      const t = ts();
      const jwtRecv = recvText && (/^(?:jwt|jsonwebtoken|JWT|jws)$/.test(recvText) || cx.file.imports.get(recvText) === 'jsonwebtoken');
      const jwtFree = !recvText && mod === 'jsonwebtoken';
      if (!jwtRecv && !jwtFree) {
        if (/^(?:jwtDecode|jwt_decode|decodeJwt)$/.test(name)) decodeOnly(node, name);
        return;
      }
      if (name === 'verify') {
        const opts = args[2] && !t.isFunctionLike(args[2]) ? skipOuter(args[2]) : undefined;
        if (opts && !t.isObjectLiteralExpression(opts)) return; // options built elsewhere: cannot tell
        const algProp = opts?.properties.find((p) => p.name?.getText(cx.file.sf) === 'algorithms');
        if (algProp && /['"]none['"]/i.test(algProp.getText(cx.file.sf))) {
          cx.report(algProp, 'acceptsNone', {}, { severity: 'critical', confidence: 0.95 });
          return;
        }
        const key = args[1] ? keyText(args[1], cx.file.sf) : '';
        if (!algProp && PUBLIC_KEY.test(key) && !(major !== undefined && major >= 9)) {
          const signed = /\balgorithm\s*:\s*['"]([A-Z]{2}\d{3})['"]/.exec(text)?.[1] ?? 'RS256';
          cx.report(node, 'noAlgorithms', { call: `${recvText || 'jwt'}.verify`, option: '{ algorithms: [...] }', key: `a public key (${args[1].getText(cx.file.sf).slice(0, 40)})` }, {
            severity: 'medium', confidence: major === undefined ? 0.6 : 0.8,
            fix: args.length === 2 ? `${node.expression.getText(cx.file.sf)}(${args.map((a) => a.getText(cx.file.sf)).join(', ')}, { algorithms: ['${signed}'] })` : null,
          });
        }
        const ign = opts?.properties.find((p) => p.name?.getText(cx.file.sf) === 'ignoreExpiration' && t.isPropertyAssignment(p) && p.initializer.kind === t.SyntaxKind.TrueKeyword);
        if (ign) cx.report(ign, 'ignoreExpiration', {}, { severity: 'medium', confidence: 0.9, fix: 'ignoreExpiration: false' });
      } else if (name === 'sign') {
        const opts = args[2] && skipOuter(args[2]);
        if (opts && t.isObjectLiteralExpression(opts)) {
          const a = opts.properties.find((p) => p.name?.getText(cx.file.sf) === 'algorithm');
          if (a && /['"]none['"]/i.test(a.getText(cx.file.sf))) cx.report(a, 'signsNone', {}, { severity: 'critical', confidence: 0.95 });
        }
      } else if (name === 'decode') {
        decodeOnly(node, `${recvText || 'jwt'}.decode`);
      }
    },
  };
});

/** Decoding the token this function just signed, to read its expiry back. */
const SIGN_CALL = /\.sign\s*\(|\bsign\w*\s*\(/;
/** A verification call: jwt.verify(…), jwtVerify(…), or the project's own verifyToken(…) helper. */
const VERIFY_CALL = /\.verify\s*\(|jwtVerify\s*\(|\bverify\w*\s*\(/;
/** `if (!payload.exp || payload.exp * 1000 < Date.now()) throw …`, `if (claims.typ !== 'refresh') return …`. */
const CLAIM_CHECK = /\bif\s*\([^{};]*\.(?:exp|typ|iss|aud|nbf)\b[^{};]*\)\s*\{?\s*(?:throw\b|return\s+(?:null|undefined|false|res\.status|reply\.code|next\())/;

function enclosingFunctionText(call: TS.CallExpression, sf: TS.SourceFile): string | undefined {
  for (let p = call.parent; p; p = p.parent) if (isFunctionLikeNode(p)) return p.getText(sf);
  return undefined;
}

/** What the key argument is called or built from (an identifier's initializer when it is a const). */
function keyText(e: TS.Expression, sf: TS.SourceFile): string {
  return e.getText(sf);
}

/** jwt.decode(token, { complete: true }).header / decode(token).kid: reading the header to pick the key, before verifying. */
function readsHeaderOnly(call: TS.CallExpression): boolean {
  const t = ts();
  const opts = call.arguments[1] && skipOuter(call.arguments[1]);
  if (opts && t.isObjectLiteralExpression(opts) && /complete\s*:\s*true/.test(opts.getText())) return true;
  const p = call.parent;
  return !!p && t.isPropertyAccessExpression(p) && /^(?:header|kid|alg|exp|iat|iss)$/.test(p.name.text);
}

/** Whether the enclosing function puts decoded claims where authorization reads them. */
function claimUse(call: TS.CallExpression, sf: TS.SourceFile): boolean {
  const fn = enclosingFunctionText(call, sf);
  return fn !== undefined && TRUSTED_USE.test(fn);
}
