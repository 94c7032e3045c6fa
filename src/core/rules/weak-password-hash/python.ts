/** weak-password-hash for Python: hashlib md5/sha* of a password (not a pre-hash before a slow KDF, not an HIBP range lookup). */
import type { SyntaxNode as Node } from '../lang/syntax-tree';
import { field, identifiersIn, named, pyMatcher, stringValue, type PyFn } from '../lang/python/walk';
import meta from './meta';

const PASSWORD_NAME = /pass(?:word|wd|phrase)?$|^pwd$|_pwd$/i;
const SLOW_HASH = /pbkdf2|bcrypt|scrypt|argon2|hashpw|make_password|generate_password_hash|PasswordHasher|passlib/i;
/** Protocols that mandate a fast hash of the password: HTTP Digest auth, HaveIBeenPwned's k-anonymity range API. */
const PROTOCOL = /pwnedpasswords|haveibeenpwned|hibp|\brealm\b|digest_auth|HTTPDigestAuth/i;

export default pyMatcher(meta, (cx) => ({
  call({ node, fnText, args, kwarg }) {
    const alg = /^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\w+|blake2b|blake2s)$/.exec(fnText)?.[1] ??
      (/^(?:md5|sha1|sha256|sha512)$/.test(fnText) && cx.file.imports.has('hashlib') ? fnText : undefined) ??
      (fnText === 'hashlib.new' && args[0] ? stringValue(args[0]) ?? undefined : undefined);
    const data = fnText === 'hashlib.new' ? args[1] : args[0];
    if (!alg || !data || !isPasswordData(data, cx.fn)) return;
    if (kwarg('usedforsecurity')?.text === 'False') return;
    const fnBody = cx.fn.node?.text ?? '';
    if (SLOW_HASH.test(fnBody) || PROTOCOL.test(fnBody) || SLOW_HASH.test(cx.file.text.slice(0, 50_000))) return;
    cx.report(node, 'fastHash', { alg: alg.toUpperCase(),
      advice: 'Use argon2-cffi, bcrypt, hashlib.scrypt, or Django/werkzeug password hashers (make_password / generate_password_hash).' }, { confidence: 0.85 });
  },
}));

function isPasswordData(n: Node, fn: PyFn): boolean {
  const ids = [...identifiersIn(n), ...n.descendantsOfType('attribute').map((x) => (x ? field(x, 'attribute')?.text ?? '' : ''))];
  if (ids.some((i) => PASSWORD_NAME.test(i) && !/token|reset|hint/i.test(i))) return true;
  if (/pass(?:word|wd)/i.test(fn.name) && !/token|reset|check|verify/i.test(fn.name) && fn.node) {
    const params = field(fn.node, 'parameters');
    const pnames = params ? named(params).map((p) => (p.type === 'identifier' ? p.text : field(p, 'name')?.text ?? '')) : [];
    return identifiersIn(n).some((i) => pnames.includes(i));
  }
  return false;
}
