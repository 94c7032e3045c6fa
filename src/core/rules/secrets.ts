/** Heuristics shared by every language for hard-coded secrets: known token formats and secret-named literals. */

export interface TokenPattern {
  name: string;
  pattern: RegExp;
}

/** Formats that are secrets whatever the variable is called. Anchored loosely: matched inside one string literal. */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { name: 'a private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----/ },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255})\b/ },
  { name: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,250}/ },
  { name: 'a Stripe secret key', pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,255}/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'an Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,256}/ },
  { name: 'an OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,256}/ },
  { name: 'a SendGrid API key', pattern: /\bSG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64}/ },
  // Bounded quantifiers and a start that cannot sit inside a scheme run: linear on any input (a 300 KB "a-a-a-…" literal).
  { name: 'a password in a connection string', pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@]{1,256}:([^\s@/$<{]{3,256})@[^\s/]/i },
];

const SECRET_NAME = /(?:^|[^a-z]|[a-z](?=[A-Z]))(pass(?:word|wd|phrase)?|pwd|secret(?:_?key)?|api_?key|access_?key(?:_?id)?|secret_?access_?key|private_?key|client_?secret|auth_?token|access_?token|refresh_?token|bearer_?token|token|credentials?|jwt_?secret|session_?secret|signing_?key|encryption_?key|secret_?or_?key|secret_?or_?private_?key)$/i;
/** Names that describe a secret without holding one (labels, field names, lengths, hashes, patterns…). */
const NOT_A_SECRET_NAME = /(?:field|label|name|type|header|param|url|uri|path|endpoint|policy|length|len|regex|pattern|column|placeholder|message|msg|error|prompt|hint|id|key_?name|hash|hashed|digest|count|min|max|env|var|prefix|suffix|format|rule|expires?|expiry|ttl|mode|strategy|provider|input|selector|route|template|i18n|text|title|description)$/i;

const PLACEHOLDER = /^(?:\$\{.*\}|<[^>]*>|%[A-Za-z_(]|\{\{.*\}\}|x{3,}|\*{3,}|\.{3,}|-+|null|none|undefined|true|false|todo|tbd|redacted|your[-_ ].*|process\.env.*|env:.*)$/i;
/** An environment variable's name (config.get('JWT_SECRET')), not its value. */
const ENV_NAME = /^[A-Z][A-Z0-9_]{2,}$/;
/** Well-known default secrets from docs and tutorials: always real findings when shipped. */
const KNOWN_DEFAULTS = new Set(['keyboard cat', 'secret', 'changeme', 'change me', 'shhhhh', 'mysecret', 'supersecret', 'password', 'admin', 'root', 'secretkey', 'secret_key']);

export function isSecretName(name: string): boolean {
  const last = name.replace(/^.*[.[\]'"]/, '');
  if (!last || NOT_A_SECRET_NAME.test(last)) return false;
  return SECRET_NAME.test(last);
}

/**
 * Whether a literal assigned to a secret-named target is plausibly a real secret, not a placeholder, a label,
 * a field or template name, a format string or a type name. `fallback`: the value is what is used when an
 * environment variable is missing (os.getenv('SECRET_KEY', 'dev-secret')), where even a word is a real secret.
 */
export function isSecretValue(value: string, name?: string, fallback = false): boolean {
  const v = value.trim();
  if (name && isNameLike(v, name)) return false;
  if (KNOWN_DEFAULTS.has(v.toLowerCase())) return true;
  if (v.length < 6) return false;
  if (PLACEHOLDER.test(v) || ENV_NAME.test(v) || /placeholder|redacted|example|dummy|\bfake\b|xxxx|\bmock|^test[-_]|[-_]test$/i.test(v)) return false;
  if (/\s/.test(v)) return false; // prose, a label, an OAuth response type ("code id_token")
  if (/^(?:https?:)?\/\//.test(v) || /^\.{0,2}\//.test(v)) return false; // a URL or a path, not a key
  if (/%[sdvqfx]|%\(|\{\{?[\w.]*\}|\$\{|^\$\w|<%/.test(v)) return false; // a format string, a template, a shell variable
  if (/\.(?:html?|txt|json|ya?ml|jsx?|tsx?|css|png|svg|jinja2?|j2|tmpl|tpl|md|eml|xml|py|go)$/i.test(v)) return false; // a template or file name
  if (/^@?[\w-]+\/[A-Z_]+$/.test(v) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return false; // an action type or a constant's name
  if (/^[a-z][a-z0-9]*(?:[.:/][a-z0-9_-]+)+$/i.test(v) && !/\d{3}|[A-Z].*[a-z].*\d|\d.*[A-Z]/.test(v)) return false; // an i18n key, a permission, a dotted path
  if (/\w\[\w*\]|\{\}|::|=>|^\w+\(.*\)$/.test(v)) return false; // a type or an expression ("map[string]interface{}", "serde_json::Value")
  // Words joined by - or _ under a password/token/credential/api-key name ("background-primary" design tokens, "password-over-SSH",
  // "internal-agent") or as an environment fallback ("secret-key"): a label or a placeholder. Under a secret name it is a weak secret.
  if (/^[A-Za-z]+(?:[_+-][A-Za-z]+)+$/.test(v) && ((name && /(?:pass(?:word|wd|phrase)?|pwd|token|credentials?|api_?key)$/i.test(name.replace(/^.*[.[\]'"]/, ''))) || fallback)) return false;
  if (/^[a-z]+\d{0,2}$/i.test(v) && v.length < 12 && !/pass|secret/i.test(v) && !fallback) return false; // one plain word ("float64", "String")
  if (/^(.)\1+$/.test(v)) return false;
  return true;
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Enum members and protocol field names: `REFRESH_TOKEN = 'refresh_token'`, `loadAccessToken: "loadAccessToken"`,
 * `invalidPassword: "invalidUserNameOrPassword"`, `CACHE_KEY = "msal.cache.encryption"`.
 */
function isNameLike(value: string, name: string): boolean {
  const v = squash(value);
  const n = squash(name.replace(/^.*[.[\]'"]/, ''));
  if (v.length >= 3 && (v === n || n.includes(v) || (n.length >= 10 && v.includes(n)))) return true;
  if (/^[a-z]+(?:[A-Z][a-z0-9]+)+$/.test(value) || /^[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+$/.test(value)) return true; // an identifier
  if (/^[a-z]+(?:[._][a-z]+)+$/.test(value) && /(?:token|password|passwd|key|secret|credential)s?$/.test(value)) return true; // a field name
  return /^[a-z]+(?:\.[a-z_]+)+$/i.test(value); // a dotted key
}

export function matchTokenPattern(value: string): TokenPattern | undefined {
  for (const p of TOKEN_PATTERNS) {
    const m = p.pattern.exec(value);
    if (!m || /EXAMPLE|example|xxxx|XXXX|placeholder/.test(m[0])) continue; // documentation keys (AKIAIOSFODNN7EXAMPLE)
    // Connection strings: the password part itself must not be a placeholder or an interpolation.
    if (p.name.includes('connection string') && (!m[1] || !isSecretValue(m[1]) && !KNOWN_DEFAULTS.has(m[1].toLowerCase()))) continue;
    if (p.name.includes('connection string') && m[1] && isDevDatabaseUrl(value.slice(m.index), m[1])) continue;
    return p;
  }
  return undefined;
}

/**
 * A development database's URL: a loopback host (a container or dev server on this machine), or a
 * host filled in at run time with one of the well-known default passwords
 * ("postgres://postgres:password@%s/app" for a throwaway test container). Not a leaked credential.
 */
function isDevDatabaseUrl(url: string, password: string): boolean {
  const host = /@(\[[^\]]*\]|[^\s:/?#'"\x60]*)/.exec(url)?.[1] ?? '';
  if (/^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal)$/i.test(host)) return true;
  return /^(?:%[sdv]|\{[^}]*\}|\$\{[^}]*\}|)$/.test(host) && KNOWN_DEFAULTS.has(password.toLowerCase());
}

/** ENV_NAME for a target name: apiKey → API_KEY, jwt_secret → JWT_SECRET. */
export function envNameFor(name: string): string {
  const last = name.replace(/^.*[.[\]'"]/, '') || 'SECRET';
  return last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** Tests, fixtures and examples hold fake credentials on purpose. */
export function isTestPath(path: string): boolean {
  return /(?:^|\/)(?:tests?|__tests__|spec|specs|fixtures?|__fixtures__|__mocks__|mocks?|examples?|samples?|testdata|testutils?|test[-_]utils|testing|e2e|seeds?|seed[-_]data|seeders?|bench(?:marks?)?|unittests|integration[-_]tests?|playwright|cypress|__snapshots__)\//i.test(path) ||
    /\.(?:test|spec|e2e|stories|story)\.[a-z]+$/i.test(path) || /(?:^|\/)(?:test_[^/]*|[^/]*_test)\.py$/.test(path) || /(?:^|\/)conftest\.py$/.test(path) ||
    /_test\.go$|(?:^|\/)testing\.go$|(?:^|\/)vitest[.-]?setup\.[jt]s$|(?:^|\/)vitestSetup\.[jt]s$|(?:^|\/)jest\.setup\.[jt]s$|(?:^|\/)setupTests\.[jt]s$/i.test(path);
}

/**
 * How sure a secret-named literal is a real secret: a strong name (SECRET_KEY, *_PASSWORD, API_KEY, CLIENT_SECRET,
 * PRIVATE_KEY) holding a long value with several character classes is; anything else is a hint.
 */
export function namedSecretConfidence(name: string, value: string, path = ''): number {
  // Base/development settings modules carry dev defaults that production settings override.
  if (/(?:^|\/)(?:settings|config)\/(?:common|base|defaults?|dev|development|local|test)\.py$|(?:^|\/)(?:settings|config)_(?:dev|local|test)\.py$/.test(path)) return 0.6;
  const strongName = /(?:secret(?:_?key)?|passw(?:or)?d|api_?key|client_?secret|private_?key|access_?key|signing_?key|encryption_?key)$/i.test(name.replace(/^.*[.[\]'"]/, ''));
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return strongName && value.length >= 16 && classes >= 3 ? 0.8 : 0.6;
}
