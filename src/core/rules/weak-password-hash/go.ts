/** weak-password-hash for Go: md5/sha1/sha256/sha512 sums of a password-named value. */
import { goMatcher } from '../lang/go/walk';
import meta from './meta';

const PASSWORD_NAME = /pass(?:word|wd)?$|^pwd$|Pwd$/i;

export default goMatcher(meta, (cx) => ({
  call({ node, full, args }) {
    if (!/^(?:md5\.Sum|sha1\.Sum|sha256\.Sum256|sha512\.Sum512)$/.test(full) || !args[0]) return;
    const a = args[0];
    if (!(a.descendantsOfType('identifier').some((id) => !!id && PASSWORD_NAME.test(id.text)) || PASSWORD_NAME.test(a.text.replace(/\W+$/, '')))) return;
    if (/bcrypt|scrypt|argon2|pbkdf2/i.test(cx.fn.node?.text ?? '')) return;
    cx.report(node, 'fastHash', { alg: full.split('.')[0].toUpperCase(), advice: 'Use golang.org/x/crypto/bcrypt or argon2.IDKey with a random salt.' }, { confidence: 0.85 });
  },
}));
