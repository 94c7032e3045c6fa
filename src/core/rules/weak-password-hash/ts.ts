/** weak-password-hash for TypeScript/JavaScript: createHash('md5').update(password), md5(password), CryptoJS.SHA256(password). */
import type * as TS from 'typescript';
import { receiverOf, skipOuter, ts, calleeName } from '../lang/ts/taint';
import { functionName, isFunctionLikeNode } from '../lang/ts/util';
import { tsMatcher } from '../lang/ts/walk';
import meta from './meta';

const PASSWORD_NAME = /pass(?:word|wd|phrase)?$|^pwd$|Pwd$/i;
/** A slow password hash in the same function: the fast hash is a pre-hash (e.g. SHA-512 before PBKDF2 or bcrypt's 72-byte limit). */
const SLOW_HASH = /pbkdf2|bcrypt|scrypt|argon2|hashpw|\bkdf\b|deriveKey|deriveBits|\.exec\(\s*['"]hash['"]|worker/i;
const PROTOCOL = /pwnedpasswords|haveibeenpwned|hibp|\brealm\b|cnonce|digest\s*auth/i;
const ADVICE = 'Use argon2id (argon2), bcrypt or crypto.scrypt with a random salt, and compare with timingSafeEqual / the library\'s verify.';

export default tsMatcher(meta, (cx) => {
  // A slow hash or a protocol that mandates the fast one (HTTP Digest, HaveIBeenPwned ranges) anywhere in the file.
  const fileExcuse = SLOW_HASH.test(cx.file.text.slice(0, 50_000));
  const report = (call: TS.CallExpression, alg: string): void => {
    const fnText = enclosingFunctionText(call, cx.file.sf);
    if (fileExcuse || SLOW_HASH.test(fnText) || PROTOCOL.test(fnText)) return;
    cx.report(call, 'fastHash', { alg: alg.toUpperCase(), advice: ADVICE }, { confidence: 0.85 });
  };
  return {
    call({ node, name, recvText, args }) {
      const t = ts();
      // createHash('md5').update(password)
      if (name === 'update' && args[0]) {
        const r = receiverOf(node);
        const inner = r && skipOuter(r);
        if (inner && t.isCallExpression(inner) && calleeName(inner) === 'createHash' && inner.arguments[0] && t.isStringLiteralLike(inner.arguments[0])) {
          const alg = inner.arguments[0].text.toLowerCase();
          if (/^(?:md4|md5|sha1|sha-?1|sha224|sha256|sha384|sha512|sha-?256|sha-?512|ripemd160|sha3-\d+)$/.test(alg) && isPasswordValue(args[0], node)) report(node, alg);
        }
      }
      // md5(password), sha1(password), CryptoJS.SHA256(password)
      if (args[0] && /^(?:md5|sha1|sha256|sha512|MD5|SHA1|SHA256|SHA512|md5Hex|sha1Hex)$/.test(name) &&
        (!recvText || /^(?:CryptoJS|cryptoJs|crypto-js|hasha|jsSHA)$/i.test(recvText)) && isPasswordValue(args[0], node)) {
        report(node, name.toLowerCase());
      }
    },
  };
});

function enclosingFunctionText(n: TS.Node, sf: TS.SourceFile): string {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLikeNode(p)) return p.getText(sf);
  return sf.text.length < 20_000 ? sf.text : '';
}

function isPasswordValue(arg: TS.Expression, call: TS.Node): boolean {
  const t = ts();
  const names: string[] = [];
  const walk = (n: TS.Node): void => {
    if (t.isIdentifier(n)) names.push(n.text);
    else if (t.isPropertyAccessExpression(n)) {
      names.push(n.name.text);
      walk(n.expression);
      return;
    }
    t.forEachChild(n, walk);
  };
  walk(arg);
  if (names.some((n) => PASSWORD_NAME.test(n) && !/token|reset|hint/i.test(n))) return true;
  // Inside hashPassword(p) { … }: the data is the password whatever the parameter is called.
  for (let p = call.parent; p; p = p.parent) {
    if (isFunctionLikeNode(p)) {
      const fnName = functionName(p);
      const a = skipOuter(arg);
      return /pass(?:word|wd)/i.test(fnName) && !/token|reset/i.test(fnName) && t.isIdentifier(a) &&
        p.parameters.some((pp) => t.isIdentifier(pp.name) && pp.name.text === a.text);
    }
  }
  return false;
}
