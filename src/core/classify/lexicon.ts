/**
 * The vocabulary a senior engineer reads when deciding what a file is about: concept lexicons over
 * the words of identifiers, strings, comments and paths. Words are lower-case and singular (see
 * `normalizeWord`); two-word entries match adjacent words of one identifier or one phrase
 * (`recovery_code`, `verifySignature`, "api key"). The learned model weighs each concept by where it
 * occurs (a declaration name counts more than a comment), so this file only says what belongs to
 * which concept, never how much it counts.
 */

export const CONCEPTS = {
  authn: [
    'auth', 'authn', 'authenticate', 'authentication', 'authenticator', 'login', 'logon', 'logout', 'signin', 'signup', 'sign in', 'sign up', 'sign out',
    'password', 'passwd', 'passphrase', 'credential', 'mfa', 'totp', 'hotp', 'otp', 'twofactor', 'two factor', '2fa', 'webauthn', 'passkey', 'fido',
    'sso', 'saml', 'oidc', 'oauth', 'oauth2', 'openid', 'ldap', 'kerberos', 'bcrypt', 'argon2', 'scrypt', 'pbkdf2', 'devise', 'warden', 'passport',
    'recovery code', 'backup code', 'magic link', 'reset token', 'reset password', 'password reset', 'verification token', 'verify email', 'email verification',
    'invite token', 'invitation token', 'confirmation token', 'api key', 'apikey', 'access key', 'personal access token', 'lockout', 'brute force',
    'impersonate', 'impersonation', 'principal', 'identity', 'current user', 'authenticated', 'unauthenticated',
  ],
  session: [
    'session', 'cookie', 'csrf', 'xsrf', 'jwt', 'jws', 'jwe', 'jwk', 'jwks', 'bearer', 'access token', 'refresh token', 'id token', 'claim', 'revoke',
    'revocation', 'token expiry', 'expires at', 'remember me', 'same site', 'samesite', 'httponly', 'secure cookie',
  ],
  authz: [
    'permission', 'authorize', 'authorization', 'authorized', 'unauthorized', 'forbidden', 'policy', 'ability', 'rbac', 'abac', 'acl', 'privilege',
    'entitlement', 'role', 'roles', 'grant', 'superuser', 'is admin', 'admin only', 'owner', 'ownership', 'tenant', 'access control', 'allowed to',
    'can access', 'can edit', 'can view', 'can manage', 'can delete', 'has permission', 'check permission', 'require permission', 'scope',
    'visibility', 'restrict', 'pundit', 'cancan', 'casbin', 'casl', 'guard', 'gate', 'deny', 'allowlist', 'denylist',
  ],
  crypto: [
    'crypto', 'cryptography', 'cipher', 'encrypt', 'decrypt', 'encryption', 'decryption', 'aes', 'gcm', 'rsa', 'ecdsa', 'ecdh', 'ed25519', 'x25519',
    'curve25519', 'hmac', 'sha256', 'sha512', 'sha1', 'md5', 'digest', 'signature', 'signing', 'verify signature', 'signed', 'keypair',
    'key pair', 'private key', 'public key', 'pem', 'x509', 'certificate', 'csr', 'tls', 'ssl', 'nonce', 'salt', 'kdf', 'hkdf', 'derive key',
    'random bytes', 'secure random', 'securerandom', 'csprng', 'constant time', 'compare digest', 'timing safe', 'timingsafeequal', 'nacl', 'sodium',
    'libsodium', 'openssl', 'hash', 'hashed', 'keyring', 'unseal', 'wrap key', 
  ],
  secrets: [
    'secret', 'secrets', 'client secret', 'secret key', 'api secret', 'vault', 'kms', 'keystore', 'keychain', 'secret manager', 'secrets manager',
    'credential', 'private key', 'encryption key', 'master key', 'signing key', 'access key id', 'secret access key', 'dotenv', 'mask', 'redact',
  ],
  money: [
    'payment', 'pay', 'payout', 'charge', 'refund', 'invoice', 'billing', 'bill', 'subscription', 'price', 'pricing', 'amount', 'currency', 'money',
    'balance', 'ledger', 'wallet', 'stripe', 'paypal', 'braintree', 'adyen', 'mollie', 'razorpay', 'paddle', 'checkout', 'tax', 'vat', 'discount',
    'coupon', 'debit', 'fee', 'cent', 'cents', 'payable', 'receivable', 'settlement', 'chargeback', 'dispute', 
    'authorize payment', 'payment intent', 'iban', 'bic', 'account number', 'exchange rate', 'minor unit', 'bigdecimal', 
    'subtotal', 'order total', 'purchase', 'quota', 'metered', 'proration', 'prorate', 'trial',
  ],
  transactions: [
    'transaction', 'transactional', 'commit', 'rollback', 'savepoint', 'begin transaction', 'lock', 'locking', 'for update', 'select for update',
    'isolation', 'serializable', 'atomic', 'atomically', 'idempotency', 'idempotent', 'idempotency key', 'optimistic lock', 'pessimistic lock',
    'advisory lock', 'row lock', 'with lock', 'dedupe', 'exactly once', 'outbox', 'two phase', 'compensate', 'compensation', 'saga',
  ],
  migrations: [
    'migration', 'migrate', 'migrator', 'schema migration', 'alter table', 'add column', 'drop column', 'remove column', 'rename column', 'create table',
    'drop table', 'create index', 'drop index', 'add index', 'remove index', 'foreign key', 'add foreign key', 'constraint', 'not null', 'backfill',
    'data migration', 'reversible', 'schema change',
  ],
  pii: [
    'email', 'phone', 'phone number', 'address', 'street', 'postal code', 'zip code', 'birth', 'birthday', 'birth date', 'date of birth', 'dob', 'ssn',
    'social security', 'national id', 'passport', 'tax id', 'gdpr', 'ccpa', 'personal data', 'pii', 'anonymize', 'anonymise', 'pseudonymize',
    'export data', 'data export', 'delete account', 'erase', 'erasure', 'retention', 'consent', 'health', 'medical', 'patient', 'gender', 'ip address',
  ],
  untrusted: [
    'upload', 'multipart', 'filename', 'file name', 'mimetype', 'mime type', 'content type', 'redirect', 'return to', 'returnto', 'return url', 'next url',
    'redirect uri', 'redirect url', 'callback url', 'safe redirect', 'open redirect', 'ssrf', 'webhook', 'deserialize', 'unmarshal', 'unpickle',
    'pickle', 'yaml load', 'sanitize', 'sanitizer', 'unescape', 'xss', 'injection', 'subprocess', 'eval',
    'user agent', 'forwarded', 'x forwarded for', 'remote addr', 'rate limit', 'ratelimit', 'throttle', 'captcha', 'zip', 'unzip',
    'path traversal', 'untrusted', 'validate url', 'allowed host', 'allowed origin', 'cors', 'referer', 'signature header',
    'raw body', 'raw sql', 'sql injection',
  ],
  routineData: [
    'dto', 'request', 'response', 'model', 'entity', 'schema', 'serializer', 'serialize', 'field', 'column', 'property', 'getter', 'setter', 'mapper',
    'mapping', 'view model', 'viewmodel', 'payload', 'enum', 
    'to json', 'from json', 'builder', 'factory', 'configuration', 
  ],
  routineTest: [
    'test', 'tests', 'spec', 'mock', 'mocked', 'stub', 'fake', 'fixture', 'factory', 'assert', 'assertion', 'expect', 'should', 'describe', 
    'before each', 'after each', 'teardown', 'dummy', 'snapshot',
  ],
  routineView: [
    'format', 'formatter', 'formatted', 'display', 'render', 'template', 'label', 'title', 'i18n', 'translate', 'translation', 'locale',
    'html', 'css', 'style', 'icon', 'color', 'component', 'widget', 'layout', 'logger', 'debug', 
  ],
  concurrency: [
    'thread', 'mutex', 'semaphore', 'goroutine', 'channel', 'chan', 'worker', 'worker pool', 'queue', 'scheduler', 'schedule', 'cron', 'retry',
    'backoff', 'exponential backoff', 'cache', 'invalidate', 'invalidation', 'evict', 'concurrent', 'concurrency', 'parallel', 'race', 'deadlock',
    'wait group', 'waitgroup', 'deadline', 'context cancel', 'debounce', 'backpressure', 'leader',
    'election', 'consensus', 'raft', 'replica', 'replication', 'shard', 'partition', 'synchronize', 'state machine', 'transition',
  ],
  parsing: [
    'token', 'tokenizer', 'tokenize', 'lexer', 'parser', 'parse', 'ast', 'grammar', 'expression', 'compile', 'compiler', 'interpreter',
    'planner', 'optimizer', 'query builder', 'visitor', 'traverse', 'diff', 'merge', 'conflict', 'algorithm',
  ],
} as const;

export type Concept = keyof typeof CONCEPTS;
export const CONCEPT_NAMES = Object.keys(CONCEPTS) as Concept[];

/** Lower-case, singular: `permissions` → `permission`, `policies` → `policy`; short words stay. */
export function normalizeWord(w: string): string {
  if (w.length > 4) {
    if (w.endsWith('ies')) return w.slice(0, -3) + 'y';
    if (w.endsWith('sses')) return w.slice(0, -2);
    if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  }
  return w;
}

/** One word → the concepts it belongs to; two-word entries under their first word. */
export interface LexiconIndex {
  single: Map<string, Concept[]>;
  pairs: Map<string, Map<string, Concept[]>>;
}

let index: LexiconIndex | undefined;
export function lexiconIndex(): LexiconIndex {
  if (index) return index;
  const single = new Map<string, Concept[]>();
  const pairs = new Map<string, Map<string, Concept[]>>();
  const add = <K>(m: Map<K, Concept[]>, k: K, c: Concept) => {
    const list = m.get(k);
    if (!list) m.set(k, [c]);
    else if (!list.includes(c)) list.push(c);
  };
  for (const c of CONCEPT_NAMES) {
    for (const entry of CONCEPTS[c]) {
      const words = entry.split(' ').map(normalizeWord);
      if (words.length === 1) add(single, words[0], c);
      else {
        // Entries of three words match on their last two (the distinctive part: "secret access key").
        const [a, b] = words.slice(-2);
        let inner = pairs.get(a);
        if (!inner) pairs.set(a, (inner = new Map()));
        add(inner, b, c);
      }
    }
  }
  index = { single, pairs };
  return index;
}
