/**
 * What a name or a value says about being a secret. Shared by the context rules (redaction) and
 * usable by any caller that holds a name/value pair. Everything here is linear in its input.
 */

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The last segment of a dotted, bracketed or prefixed name: `spring.datasource.password` → `password`. */
export function lastSegment(name: string): string {
  const cleaned = name.replace(/^[$@:]+/, '').replace(/["'`\]]+$/, '');
  const parts = cleaned.split(/[.[\]'"/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? cleaned;
}

/** Words in a name, whatever its case style: `dbPassword`, `DB_PASSWORD`, `db-password` → [db, password]. */
export function nameWords(name: string): string[] {
  return lastSegment(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Words that make a name hold a password-like value whatever it looks like ("hunter2" is still a password). */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'secret', 'pw']);
/** Words that, with "key", "token" or alone, make a name hold a credential. */
const CREDENTIAL_WORDS = new Set(['token', 'apikey', 'secretkey', 'privatekey', 'accesskey', 'credential', 'credentials', 'creds', 'auth',
  'bearer', 'jwt', 'dsn', 'sas', 'signature', 'salt', 'cookie', 'session', 'pat', 'otp', 'totp', 'mfa', 'pin', 'licence', 'license']);
/** Words that, before "key", make a credential: api key, app key, access key, master key, license key… */
const KEY_QUALIFIERS = new Set(['api', 'app', 'access', 'secret', 'private', 'master', 'signing', 'encryption', 'auth', 'client', 'account',
  'license', 'licence', 'service', 'subscription', 'admin', 'write', 'read', 'ingest', 'integration', 'server', 'shared', 'hmac', 'webhook',
  'session', 'cookie', 'jwt', 'consumer', 'storage', 'primary', 'secondary', 'root', 'deploy', 'sendgrid', 'stripe', 'mailgun', 'twilio',
  'datadog', 'dd', 'newrelic', 'relic', 'algolia', 'pusher', 'openai', 'anthropic', 'gemini', 'google', 'aws', 'azure', 'heroku', 'sentry',
  'slack', 'github', 'gitlab', 'npm', 'pypi', 'nuget', 'docker', 'okta', 'auth0', 'firebase', 'supabase', 'vault', 'encrypt', 'crypt', 'sign',
  'ssh', 'gpg', 'pgp', 'rsa', 'tls', 'ssl', 'data', 'user', 'bot', 'partner', 'merchant', 'payment', 'live', 'prod', 'production']);
/**
 * Last words that make a name describe a secret without holding one: `tokenUrl`, `passwordResetPath`,
 * `csrfTokenHeader`, `secretArn`, `keyId`, `passwordHash`, `apiKeyEnv`, `POSTGRES_PASSWORD_FILE`.
 */
const DESCRIPTIVE_LAST_WORDS = new Set(['url', 'uri', 'urls', 'endpoint', 'endpoints', 'path', 'paths', 'file', 'files', 'dir', 'directory',
  'header', 'headers', 'name', 'names', 'id', 'ids', 'type', 'types', 'field', 'fields', 'label', 'labels', 'length', 'len', 'size', 'min',
  'max', 'count', 'env', 'var', 'variable', 'prefix', 'suffix', 'pattern', 'patterns', 'regex', 're', 'format', 'ttl', 'expiry', 'expires',
  'expiration', 'timeout', 'lifetime', 'age', 'hash', 'hashed', 'digest', 'arn', 'policy', 'policies', 'mode', 'strategy', 'provider',
  'version', 'algorithm', 'alg', 'algo', 'scope', 'scopes', 'param', 'params', 'parameter', 'placeholder', 'hint', 'message', 'msg', 'error',
  'errors', 'prompt', 'enabled', 'disabled', 'required', 'optional', 'valid', 'invalid', 'location', 'region', 'host', 'hostname', 'port',
  'user', 'username', 'login', 'email', 'ref', 'reference', 'source', 'store', 'manager', 'service', 'class', 'rotation', 'reset', 'route',
  'routes', 'template', 'text', 'title', 'description', 'key_name', 'keyname', 'column', 'table', 'selector', 'input', 'form', 'button',
  'link', 'page', 'view', 'component', 'handler', 'callback', 'fn', 'func', 'function', 'method', 'validator', 'validation', 'rule', 'rules',
  'strength', 'complexity', 'policy', 'count', 'index', 'idx', 'kind', 'status', 'state', 'exists', 'present', 'set', 'changed', 'updated',
  'created', 'at', 'date', 'time', 'timestamp', 'seconds', 'ms', 'minutes', 'hours', 'days', 'interval', 'length', 'bytes', 'bits',
  'encoding', 'charset', 'cipher', 'curve', 'sha', 'sha1', 'sha256', 'sha512', 'md5', 'checksum', 'integrity', 'etag', 'fingerprint',
  'thumbprint', 'kid', 'issuer', 'audience', 'subject', 'claims', 'claim', 'schema', 'spec', 'doc', 'docs', 'help', 'usage', 'example',
  'examples', 'sample', 'test', 'tests', 'mock', 'fixture', 'dummy', 'fake', 'sid', 'list', 'map', 'dict', 'array', 'set', 'cache', 'queue',
  'topic', 'channel', 'bucket', 'secretname', 'mount', 'volume', 'command', 'cmd', 'script', 'flag', 'option', 'options', 'config', 'settings',
  'props', 'properties', 'attributes', 'attr', 'meta', 'metadata', 'info', 'details', 'stats', 'metrics', 'log', 'logs', 'logger', 'event',
  'events', 'request', 'response', 'req', 'res', 'result', 'results', 'payload', 'body', 'query', 'dto', 'model', 'entity', 'schema',
  'storage_class', 'class_name', 'public', 'pub', 'pubkey', 'publickey', 'publishable', 'cert', 'certificate', 'chain', 'ca', 'csr']);

/** Glued names (`PGPASSWORD`, `clientsecret`, `apitoken`): the credential word inside one word. */
const GLUED = /(password|passwd|passphrase|secret|token|apikey|privatekey|accesskey|secretkey|credential)/;
const NOT_GLUED = /^(?:tokeni[sz]e[rd]?|tokeni[sz]ation|tokens|secretary|secretaries|passwordless|secretion)$/;

/** Split glued credential words out: `pgpassword` → [pg, password]. */
function unglue(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = GLUED.exec(w);
    if (!m || w === m[1] || NOT_GLUED.test(w)) { out.push(w); continue; }
    const before = w.slice(0, m.index);
    const after = w.slice(m.index + m[1].length);
    if (before) out.push(before);
    out.push(m[1] === 'apikey' ? 'apikey' : m[1]);
    if (after) out.push(after);
  }
  return out;
}

/** True when `name` (an identifier, key or env var) says its value is a secret. */
export function isSecretName(name: string): boolean {
  const words = unglue(nameWords(name));
  if (words.length === 0 || words.length > 8) return false;
  const last = words[words.length - 1];
  if (DESCRIPTIVE_LAST_WORDS.has(last) && !(last === 'auth' || last === 'session')) return false;
  // "client-key-data" (kubeconfig), "auth" (docker config), "_auth" (.npmrc): base64 credentials.
  const joined = words.join('');
  if (joined === 'clientkeydata' || joined === 'auth' || joined === 'authtoken' || joined === 'keydata') return true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (PASSWORD_WORDS.has(w) || CREDENTIAL_WORDS.has(w)) {
      // "auth" alone only counts as the whole name or with token/key/header-less companions
      if (w === 'auth' && words.length > 1 && !words.slice(i + 1).some((x) => x === 'key' || x === 'token' || x === 'secret' || x === 'string')) continue;
      if ((w === 'session' || w === 'cookie' || w === 'pin' || w === 'license' || w === 'licence' || w === 'signature' || w === 'sas') &&
        !words.slice(i + 1).some((x) => x === 'key' || x === 'secret' || x === 'token' || x === 'password') && !(i === words.length - 1 && (w === 'signature' || w === 'sas'))) continue;
      return true;
    }
    if (w === 'key' || w === 'keys') {
      if (i > 0 && KEY_QUALIFIERS.has(words[i - 1])) return true;
      if (i === 0 && words.length === 1) return false; // a bare "key" is a map key, a translation key…
    }
  }
  return false;
}

/** Names whose literal is a secret however short or plain it is (the password family). */
export function isPasswordName(name: string): boolean {
  const words = unglue(nameWords(name));
  return words.some((w) => PASSWORD_WORDS.has(w));
}

/** A value that refers to a secret held elsewhere (an env lookup, a template variable, a placeholder). */
export function isReference(v: string): boolean {
  const t = v.trim();
  return t === '' || /^\$\{?[A-Za-z_][\w.:-]*\}?$/.test(t) || /^\$\{[^}]{0,200}\}$/.test(t) || /^\$\([^)]{0,200}\)$/.test(t) ||
    /^(?:process\.env|os\.environ|os\.getenv|env\.|ENV\[|import\.meta\.env|config\.|settings\.|secrets\.|vars\.|\$env:)/.test(t) ||
    /^<[^<>]{1,80}>$/.test(t) || /^\{\{[^{}]{1,200}\}\}$/.test(t) || /^%\(?[\w.]{0,40}\)?[sd]?%?$/.test(t) || /^\*+$/.test(t) || /^x{3,}$/i.test(t) ||
    /^\.{3,}$|^…$/.test(t) || /^(?:null|nil|none|undefined|true|false|empty|todo|tbd|changeit_in_prod|redacted|secret_here|your[-_ ][\w -]{0,40})$/i.test(t) ||
    /^(?:<|\[)?(?:your|my|insert|enter|put|replace|paste)[-_ ][\w -]{0,60}(?:>|\])?$/i.test(t) || /^__[A-Z0-9_]+__$/.test(t) ||
    /^@(?:Value|Secret)\b/.test(t) || /^#\{[^}]{1,200}\}$/.test(t) || /^\{[A-Za-z_][\w.]*\}$/.test(t);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Values that are readable on purpose: URLs without credentials, paths, ARNs, header names, publishable keys, hashes. */
export function isReadableValue(v: string): boolean {
  const t = v.trim();
  if (/^(?:https?|wss?|ftp):\/\/[^\s@]{1,2048}$/i.test(t) && !/[?&](?:sig|signature|token|key|access_token|password|secret|client_secret)=/i.test(t)) return true;
  if (/^(?:\/|\.{1,2}\/|~\/)[\w.\-/{}:]{0,400}$/.test(t) && !/[A-Za-z0-9+/]{40,}/.test(t)) return true; // a path (not a base64 blob)
  if (/^arn:aws[\w-]*:[\w-]{1,64}:[\w-]{0,64}:\d{0,12}:[\w\-/:.+=,@*]{1,512}$/.test(t)) return true;
  if (/^(?:X-[A-Za-z0-9-]{1,64}|Authorization|Proxy-Authorization|Cookie|Set-Cookie|[A-Z][a-z]+(?:-[A-Z][a-z]+){1,5})$/.test(t)) return true;
  if (/^(?:pk_(?:live|test)_|pk\.eyJ|pub-|pk-lf-)/.test(t)) return true; // publishable keys (Stripe, Mapbox, Langfuse public)
  if (/^(?:sha(?:1|256|384|512)[-:]|md5:)[A-Za-z0-9+/=]{16,}$/.test(t)) return true; // integrity hashes, image digests
  if (/^(?:Bearer|Basic|Token|Digest|bearer|basic|token)$/.test(t)) return true;
  if (/^[\w.-]{1,80}\.(?:apps\.googleusercontent\.com)$/.test(t)) return true;
  return false;
}

/** A value a human typed as a label or a sentence rather than a credential. */
export function isProse(v: string): boolean {
  return (v.match(/\s/g) ?? []).length >= 2 && /(?<![a-z])[a-z]{3,40}\s{1,8}[a-z]{3}/i.test(v);
}

/** A sentence about a password (a form label or an error), not a passphrase: "Enter your password". */
export function isLabelProse(v: string): boolean {
  return isProse(v) && /\b(?:your|enter|please|must|should|invalid|incorrect|required|characters|least|wrong|forgot|reset|confirm|new|old|current|password|secret|token|key)\b/i.test(v);
}

/** True for a UUID (key ids, tenant ids): a secret only where the name says so (Heroku API keys). */
export function isUuid(v: string): boolean {
  return UUID.test(v.trim());
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** An enum member or field name repeated as its value: `REFRESH_TOKEN = 'refresh_token'`, `password: "password"`. */
export function isNameEcho(value: string, name: string): boolean {
  const v = squash(value);
  const n = squash(lastSegment(name));
  if (v.length >= 3 && (v === n || n.includes(v) || (v.includes(n) && /^[a-z_.:-]+$/i.test(value)))) return true;
  if (/^[a-z]+(?:[A-Z][a-z0-9]+)+$/.test(value) && /(?:Token|Password|Key|Secret|Credential)s?$/.test(value)) return true;
  return /^[a-z]+(?:[._:][a-z]+)+$/.test(value) && /(?:token|password|passwd|key|secret|credential)s?$/.test(value);
}

/**
 * Whether a literal under a secret-named target is worth masking. Password names mask any literal that
 * is not a reference; other credential names need something that looks like a key (length, no prose).
 */
export function isSecretLiteral(value: string, name: string): boolean {
  const v = value.trim();
  if (v.length === 0 || isReference(v) || isReadableValue(v) || isNameEcho(v, name)) return false;
  if (isPasswordName(name)) return v.length >= 3 && !isLabelProse(v) && !/^\d{1,3}$/.test(v);
  if (v.length < 8 || isProse(v)) return false;
  if (/^[a-z]+(?:[-_ ][a-z]+)*$/.test(v) && v.length < 16) return false; // one or two plain words
  if (/^\d+$/.test(v) && v.length < 12) return false;
  return true;
}

/** A high-entropy value, for keyword-context rules (a 32-hex string on a line that mentions Twilio). */
export function looksRandom(v: string, minLength = 16): boolean {
  return v.length >= minLength && entropy(v) >= 3 && /\d/.test(v) && /[A-Za-z]/.test(v);
}
