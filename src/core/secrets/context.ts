/**
 * Our own context rules: secrets that a format library cannot recognise by shape alone because the
 * context says what they are. Secret-named assignments in every common syntax (code, YAML, JSON,
 * .env, properties, INI/TOML, XML, PHP define, Dockerfile ENV/ARG, shell), env lookups with a literal
 * fallback, shell and CLI flags (curl -u, mysql -p, sshpass -p, docker login -p, --password=…),
 * Authorization headers, connection strings (URL userinfo, `Password=…;`, JDBC parameters), SQL
 * `IDENTIFIED BY`, base64-wrapped credentials (kubeconfig, docker config, Basic auth), private keys in
 * PEM, SSH2 and PuTTY form (also inside JSON strings), and the secret half of an AWS key pair.
 *
 * Linear time: every regex is anchored by a look-behind or literal and uses bounded quantifiers only;
 * private keys are found with indexOf. Lines longer than the caller's cut-off are not given here.
 */
import { isDummy, keywordFormatsFor, TOKEN_FORMATS } from './formats';
import { isPasswordName, isReadableValue, isReference, isSecretLiteral, isSecretName, looksRandom } from './values';

export interface SecretSpan {
  start: number;
  end: number;
  kind: string;
}

/** Files whose unquoted `name: value` / `name=value` lines are configuration, not code. */
export function isConfigLike(path: string): boolean {
  const base = (path.split('/').pop() ?? '').toLowerCase();
  return /\.(?:ya?ml|properties|ini|cfg|conf|config|env|envrc|toml|sh|bash|zsh|fish|ps1|bat|cmd|txt|tf|tfvars|hcl|service|desktop|plist|npmrc|pypirc|netrc|pgpass|gradle|cnf|list)$/.test(base) ||
    /^(?:dockerfile|containerfile|makefile|procfile|\.env.*|\.envrc|\.npmrc|\.pypirc|\.netrc|_netrc|\.pgpass|\.my\.cnf|\.htpasswd|jenkinsfile|vagrantfile)$/.test(base) ||
    /\.dockerfile$|^dockerfile\./.test(base);
}

/** Every KEY=value of a .env-style file is a secret. */
export function isEnvFile(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return /^\.env(\..*)?$/.test(base) || base.endsWith('.env');
}

// ---------------------------------------------------------------- building blocks

const NAME = String.raw`[$@]?[A-Za-z_][\w.$-]{0,80}`;
const QUOTED = String.raw`(?:[rbufRBUF]{0,2})(?:"((?:\\.|[^"\\\n]){0,1024})"|'((?:\\.|[^'\\\n]){0,1024})'|\x60([^\x60\n]{0,1024})\x60)`;
/** Assignment operators: =, :, :=, =>, ->, ==, ===, !=, ?=, ||= and TypeScript's `name: Type =`. */
const OP = String.raw`\s{0,4}(?::\s{0,4}[A-Za-z_][\w<>\[\]|.]{0,40}\s{0,4}=(?!=)|:=|=>|->|===?|!==?|\?=|\|\|=|=|:)\s{0,4}`;
const UNQUOTED = String.raw`([^\s"'\x60,;&(){}\[\]<>]{1,512})`;

/**
 * `name <op> value` with the name bare, quoted, or as a `["key"]` subscript. The value is matched in a
 * look-ahead so that scanning resumes inside it: `conn = "Server=x;Password=y;"` finds `Password=y`.
 */
const ASSIGNMENT = new RegExp(
  String.raw`(?<![\w$@.\-])(?:(${NAME})|["'](${NAME.replace('[$@]?', '')})["']\]?)${OP}(?=${QUOTED}|${UNQUOTED})`, 'g');
/** `<password>v</password>`, `<add key="Password" value="v"/>`, `<property name="db.password" value="v"/>`. */
const XML_ELEMENT = /<([A-Za-z_][\w.:-]{0,80})(?:\s[^<>]{0,200})?>([^<\n]{1,1024})<\/\1\s{0,4}>/g;
const XML_KEY_VALUE = /\b(?:key|name)\s{0,4}=\s{0,4}["']([^"'\n]{1,120})["'][^<>\n]{0,200}?\bvalue\s{0,4}=\s{0,4}["']([^"'\n]{0,1024})["']/g;
/** A call whose first argument names the secret and whose second is its value: define, env, get, setenv, setProperty, put… */
const NAMED_PAIR = new RegExp(String.raw`\(\s{0,4}["']([A-Za-z_][\w.:-]{0,80})["']\s{0,4},\s{0,4}${QUOTED}`, 'g');
/** `getenv("X") or "v"`, `ENV["X"] || "v"`, `GetEnvironmentVariable("X") ?? "v"`, `cmp.Or(os.Getenv("X"), "v")`. */
const ENV_FALLBACK = new RegExp(String.raw`["']([A-Za-z_][\w.:-]{0,80})["']\s{0,4}[)\]]\s{0,4}(?:\|\||\?\?|\?:|\bor\b|,)\s{0,4}${QUOTED}`, 'g');
const PROCESS_ENV_FALLBACK = new RegExp(String.raw`\b(?:process\.env|import\.meta\.env|Deno\.env)(?:\.([A-Za-z_]\w{0,80})|\[\s{0,4}["']([^"'\n]{1,80})["']\s{0,4}\])\s{0,4}(?:\|\||\?\?)\s{0,4}${QUOTED}`, 'g');
const SHELL_DEFAULT = /\$\{([A-Za-z_]\w{0,80}):?[-=]([^}\s]{1,512})\}/g;
/** A one-argument builder call on a secret-named method: `.password("x")`, `setApiKey("x")`, `withToken("x")`. */
const SECRET_CALL = new RegExp(String.raw`(?<![\w$])([A-Za-z_$][\w$]{0,60})\(\s{0,4}${QUOTED}\s{0,4}\)`, 'g');
const NOT_A_SETTER = /^(?:get|fetch|read|load|find|lookup|has|is|validate|check|hash|verify|compare|encrypt|decrypt|require|assert|expect|describe|it|test|log|print|t|i18n|translate|label|placeholder|header|field|param|query|sanitize|mask|redact|env|secret|secrets|Secret|SecretStr|getenv)/i;
/** Positional secrets: `jwt.sign(payload, 'key')`, `createHmac('sha256', 'key')`. */
const JWT_SECRET_ARG = new RegExp(String.raw`\b(?:jwt|jsonwebtoken|JWT|jose)\.(?:sign|verify)\([^()\n]{1,200}?,\s{0,4}${QUOTED}`, 'g');
const HMAC_KEY_ARG = new RegExp(String.raw`\b(?:createHmac|hmac\.new|HMAC|Hmac)\(\s{0,4}(?:["'][\w-]{1,20}["']|[\w.]{1,40})\s{0,4},\s{0,4}(?:b|bytes\()?${QUOTED}`, 'g');

// Shell and CLI flags
const CURL_USER = /(?<![\w-])(?:-u|--user|--proxy-user)\s{1,4}["']?([^\s"':]{1,128}):([^\s"']{1,256})/g;
const MYSQL_P = /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlshow|mysqlcheck)\b[^\n]{0,300}?\s-p(?:["']([^"'\n]{1,256})["']|([^\s"'-][^\s"']{0,255}))/g;
const SSHPASS = /\bsshpass\s{1,4}-p\s{0,4}(?:["']([^"'\n]{1,256})["']|(\S{1,256}))/g;
const DOCKER_LOGIN = /\b(?:docker|podman|buildah|skopeo|helm\s+registry)\s+login\b[^\n]{0,300}?\s(?:-p|--password)(?:=|\s{1,4})(?:["']([^"'\n]{1,256})["']|([^\s"'-]\S{0,255}))/g;
const REDIS_CLI = /\bredis-cli\b[^\n]{0,300}?\s(?:-a|--pass)\s{1,4}(?:["']([^"'\n]{1,256})["']|([^\s"'-]\S{0,255}))/g;
const SHORT_PASS_FLAG = /(?<![\w-])-(?:P|pw|(?:src|dest|new)?(?:store|key)?pass(?:word|phrase|wd)?|passin|passout)\s{1,4}(?:pass:|env:(?=))?(?:["']([^"'\n]{1,256})["']|([^\s"'-]\S{0,255}))/g;
const OPENSSL_PASS = /(?<![\w-])-pass(?:in|out)?\s{1,4}pass:(?:["']([^"'\n]{1,256})["']|(\S{1,256}))/g;
const LONG_SECRET_FLAG = /(?<![\w-])--([a-z][\w-]{1,40})(?:=|\s{1,4})(?:["']([^"'\n]{1,512})["']|([^\s"'-][^\s"']{0,511}))/g;
const JAVA_PROPERTY = /(?<![\w-])-D([\w.-]{1,120})=(?:["']([^"'\n]{1,512})["']|([^\s"']{1,512}))/g;
const HTPASSWD = /\bhtpasswd\s{1,4}-[a-zA-Z]{0,4}b[a-zA-Z]{0,4}\s{1,4}\S{1,256}\s{1,4}\S{1,128}\s{1,4}(?:["']([^"'\n]{1,256})["']|(\S{1,256}))/g;
const SMB_USER = /(?<![\w-])-U\s{1,4}["']?[^\s%"']{1,128}%([^\s"']{1,256})/g;
const NETRC = /\bmachine\s{1,4}\S{1,256}\s{1,4}(?:login\s{1,4}\S{1,256}\s{1,4})?password\s{1,4}(\S{1,256})/g;
const DOCKERFILE_ENV = /^\s{0,8}(?:ENV|ARG)\s{1,4}([A-Za-z_]\w{0,80})\s{1,4}([^\s=][^\n]{0,1023})$/g;
const SQL_PASSWORD = /\b(?:IDENTIFIED\s{1,4}(?:WITH\s{1,4}\w{1,40}\s{1,4})?BY|PASSWORD)\s{1,4}(?:=\s{0,4})?'((?:''|[^'\n]){1,256})'/gi;

// Headers and connection strings
const AUTH_HEADER = /\b(?:Proxy-)?Authorization\b["']?\s{0,4}[:=,]\s{0,4}(?:\[\s{0,4})?["'\x60]?\s{0,4}(?:(?:Basic|Bearer|Token|token|bearer|basic|Digest|Bot|SSWS|ApiKey|Key|Splunk|GenieKey|OAuth|Negotiate|AWS4-HMAC-SHA256|Klaviyo-API-Key)\s{1,4})?([A-Za-z0-9._~+/=:-]{8,4096})/g;
const BEARER = /\bBearer\s{1,4}([A-Za-z0-9._~+/-]{16,4096}=*)/g;
const BASIC = /\bBasic\s{1,4}([A-Za-z0-9+/]{8,4096}={0,2})(?![A-Za-z0-9+/=])/g;
const URL_USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:/@'"\x60<>]{0,256}):([^\s@'"\x60<>]{1,256})@(?=[A-Za-z0-9[\]._-])/gi;
const BASE64_RUN = /(?<![A-Za-z0-9+/=_-])([A-Za-z0-9+/]{20,8192}={0,2})(?![A-Za-z0-9+/=_-])/g;
const QUOTED_40 = /["'\x60]([A-Za-z0-9/+=]{40})["'\x60]/g;
const AWS_KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/;

// Private keys
const KEY_BEGIN = /-{4,5} ?BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?) ?-{4,5}/g;

/** The first defined capture among `groups` with its offset inside the match. */
function captured(m: RegExpExecArray, groups: number[]): { value: string; index: number } | null {
  for (const g of groups) {
    const v = m[g];
    if (v === undefined) continue;
    // Offsets of groups: indices are on when the regex has the `d` flag; otherwise find it from the end.
    const at = m[0].lastIndexOf(v);
    return { value: v, index: m.index + (at < 0 ? 0 : at) };
  }
  return null;
}

function withIndices(r: RegExp): RegExp {
  return r.flags.includes('d') ? r : new RegExp(r.source, `${r.flags}d`);
}

/** Value of the first defined group among `groups`, with its exact offset (needs the `d` flag). */
function group(m: RegExpExecArray, groups: number[]): { value: string; index: number } | null {
  const ind = (m as RegExpExecArray & { indices?: Array<[number, number] | undefined> }).indices;
  for (const g of groups) {
    if (m[g] === undefined) continue;
    const at = ind?.[g];
    if (at) return { value: m[g]!, index: at[0] };
    return captured(m, [g]);
  }
  return null;
}

const R = {
  assignment: withIndices(ASSIGNMENT), xmlElement: withIndices(XML_ELEMENT), xmlKeyValue: withIndices(XML_KEY_VALUE),
  namedPair: withIndices(NAMED_PAIR), envFallback: withIndices(ENV_FALLBACK), processEnv: withIndices(PROCESS_ENV_FALLBACK),
  shellDefault: withIndices(SHELL_DEFAULT), secretCall: withIndices(SECRET_CALL), jwt: withIndices(JWT_SECRET_ARG), hmac: withIndices(HMAC_KEY_ARG),
  curlUser: withIndices(CURL_USER), mysqlP: withIndices(MYSQL_P), sshpass: withIndices(SSHPASS), dockerLogin: withIndices(DOCKER_LOGIN),
  redis: withIndices(REDIS_CLI), shortPass: withIndices(SHORT_PASS_FLAG), openssl: withIndices(OPENSSL_PASS), longFlag: withIndices(LONG_SECRET_FLAG),
  javaProp: withIndices(JAVA_PROPERTY), htpasswd: withIndices(HTPASSWD), smb: withIndices(SMB_USER), netrc: withIndices(NETRC),
  dockerEnv: withIndices(DOCKERFILE_ENV), sql: withIndices(SQL_PASSWORD), authHeader: withIndices(AUTH_HEADER), bearer: withIndices(BEARER),
  basic: withIndices(BASIC), url: withIndices(URL_USERINFO), base64: withIndices(BASE64_RUN), quoted40: withIndices(QUOTED_40),
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const KEYWORDS = new Set(['true', 'false', 'null', 'nil', 'none', 'None', 'undefined', 'yes', 'no', 'on', 'off', 'required', 'optional', 'string', 'str', 'int', 'number', 'boolean', 'bool', 'any', 'object', 'bytes']);

/** Decode a base64 run when it is text; null for binary. */
function decodeBase64Text(b64: string): string | null {
  if (b64.length % 4 === 1) return null;
  let text: string;
  try {
    text = Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return null;
  }
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9) printable++;
  }
  return text.length >= 4 && printable / text.length > 0.95 ? text : null;
}

/** What a decoded base64 blob holds, if it is a credential: a private key, `user:password`, a known token, a secret-named setting. */
function decodedSecretKind(decoded: string, depth: number): string | null {
  if (/PRIVATE KEY/.test(decoded) && /BEGIN/.test(decoded)) return 'base64-encoded private key';
  if (/^[\x21-\x39\x3b-\x7e]{1,128}:[\x21-\x7e]{3,256}$/.test(decoded.trim()) && !/^https?:/.test(decoded)) return 'base64-encoded user:password';
  if (depth >= 2) return null;
  const inner = detectInText('decoded.conf', decoded, depth + 1);
  return inner.length ? `base64-encoded ${inner[0].kind}` : null;
}

/** Detect with our own rules in `text`. `path` decides the file kind (.env, config or code). */
export function detectInText(path: string, text: string, depth = 0, maxLine = Infinity): SecretSpan[] {
  const spans: SecretSpan[] = [];
  const add = (start: number, end: number, kind: string): void => {
    if (end > start) spans.push({ start, end, kind });
  };
  findPrivateKeys(text, add);
  const configLike = isConfigLike(path);
  const envFile = isEnvFile(path);
  const base = (path.split('/').pop() ?? '').toLowerCase();
  let awsKeyLine = -10;
  let lineNo = 0;
  for (let at = 0; at <= text.length; lineNo++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end - at <= maxLine) {
      const line = text.slice(at, end);
      if (AWS_KEY_ID.test(line)) awsKeyLine = lineNo;
      scanLine(line, at, { configLike, envFile, base, depth, nearAwsKey: lineNo - awsKeyLine <= 3 }, add);
    }
    at = end + 1;
    if (end >= text.length) break;
  }
  return spans;
}

interface LineContext {
  configLike: boolean;
  envFile: boolean;
  base: string;
  depth: number;
  nearAwsKey: boolean;
}

type Add = (start: number, end: number, kind: string) => void;

/** Every match of a global regex. matchAll works on a copy, so nested scans (decoded blobs) cannot disturb an outer one. */
function each(r: RegExp, line: string, fn: (m: RegExpExecArray) => void): void {
  for (const m of line.matchAll(r)) fn(m as RegExpExecArray);
}

function scanLine(line: string, offset: number, ctx: LineContext, add: Add): void {
  if (line.length < 6) return;
  const put = (v: { value: string; index: number } | null, kind: string, trim = true): void => {
    if (!v) return;
    let { value, index } = v;
    if (trim) {
      const lead = value.length - value.trimStart().length;
      value = value.trim();
      index += lead;
    }
    if (value) add(offset + index, offset + index + value.length, kind);
  };

  // Provider formats (also covered by the library; kept here so the rules work alone and in decoded blobs).
  for (const f of TOKEN_FORMATS) {
    each(f.re, line, (m) => {
      const value = m[f.group ?? 0];
      if (value && (!f.accept || f.accept(value)) && !isDummy(value)) {
        const index = m.index + (f.group ? m[0].lastIndexOf(value) : 0);
        add(offset + index, offset + index + value.length, f.kind);
      }
    });
  }
  const lower = line.toLowerCase();
  for (const f of keywordFormatsFor(lower)) {
    each(f.re, line, (m) => {
      if (!f.accept || f.accept(m[0])) add(offset + m.index, offset + m.index + m[0].length, f.kind);
    });
  }

  // name <op> value
  each(R.assignment, line, (m) => {
    const name = m[1] ?? m[2];
    if (!name || !isSecretName(name)) return;
    // Colon-separated identifiers (ARNs, URNs: `…:secret:prod/db`) are not assignments.
    if (line[m.index - 1] === ':' && /^:[^\s=]/.test(line.slice(m.index + name.length))) return;
    const quoted = group(m, [3, 4, 5]);
    if (quoted) {
      if (isSecretLiteral(unescape(quoted.value), name)) put(quoted, 'secret assigned to a secret-like name', false);
      return;
    }
    const bare = group(m, [6]);
    if (!bare) return;
    const lineStart = /^\s{0,16}(?:-\s{1,4})?(?:export\s{1,4}|set\s{1,4}|setx\s{1,4}|\$env:)?["']?$/.test(line.slice(0, m.index + (m[0].length - m[0].trimStart().length)));
    const opText = line.slice(m.index + name.length + (m[2] ? 2 : 0), bare.index);
    // Configuration: take the rest of the line (YAML and properties values may hold spaces), minus a trailing comment.
    if (ctx.configLike && lineStart && /^\s{0,4}(?:=|:)/.test(opText)) {
      const from = bare.index;
      let rest = withoutComment(line.slice(from));
      if (/^["']/.test(rest)) return;
      if (/^[|>][-+]?$/.test(rest)) return; // a YAML block scalar: the value is on the next lines
      if (rest.length > 1024) rest = rest.slice(0, 1024);
      if (isSecretLiteral(rest, name) && !KEYWORDS.has(rest) && !/^[\w.]+\(/.test(rest)) add(offset + from, offset + from + rest.length, 'secret assigned to a secret-like name');
      return;
    }
    const v = bare.value;
    const prev = line[m.index - 1] ?? '';
    const next = line[bare.index + v.length] ?? '';
    const identifierLike = IDENTIFIER.test(v) || KEYWORDS.has(v) || /^-?\d+(?:\.\d+)?$/.test(v);
    const inConnectionString = /[;?&]/.test(prev) || (/^\s{0,1}=/.test(opText) && (next === ';' || next === '&'));
    if (!identifierLike || ctx.configLike || inConnectionString || looksRandom(v, 16)) {
      if (/^[\w.$]+\($/.test(v + next)) return; // a call: password = getPassword()
      if (isSecretLiteral(v, name)) put(bare, 'secret assigned to a secret-like name', false);
    }
  });
  each(R.xmlElement, line, (m) => {
    if (isSecretName(m[1]) && isSecretLiteral(m[2], m[1])) put(group(m, [2]), 'secret in an XML element');
  });
  each(R.xmlKeyValue, line, (m) => {
    if (isSecretName(m[1]) && isSecretLiteral(m[2], m[1])) put(group(m, [2]), 'secret in an XML setting');
  });
  each(R.namedPair, line, (m) => {
    const v = group(m, [2, 3, 4]);
    if (v && isSecretName(m[1]) && isSecretLiteral(unescape(v.value), m[1])) put(v, 'secret passed with its name', false);
  });
  each(R.envFallback, line, (m) => {
    const v = group(m, [2, 3, 4]);
    if (v && isSecretName(m[1]) && isSecretLiteral(unescape(v.value), m[1])) put(v, 'fallback secret in an env lookup', false);
  });
  each(R.processEnv, line, (m) => {
    const name = m[1] ?? m[2];
    const v = group(m, [3, 4, 5]);
    if (v && name && isSecretName(name) && isSecretLiteral(unescape(v.value), name)) put(v, 'fallback secret in an env lookup', false);
  });
  each(R.shellDefault, line, (m) => {
    if (isSecretName(m[1]) && !isReference(m[2]) && isSecretLiteral(m[2].replace(/^["']|["']$/g, ''), m[1])) put(group(m, [2]), 'fallback secret in a shell default');
  });
  each(R.secretCall, line, (m) => {
    const fn = m[1];
    if (NOT_A_SETTER.test(fn) && !/^(?:secret|Secret)$/.test(fn)) return;
    const name = fn.replace(/^(?:set|with|use|add|put)(?=[A-Z_])/, '');
    const v = group(m, [2, 3, 4]);
    if (v && isSecretName(name) && /key|token|secret|pass|pwd|credential|auth/i.test(name) && isSecretLiteral(unescape(v.value), name)) put(v, 'secret passed to a secret-named setter', false);
  });
  each(R.jwt, line, (m) => {
    const v = group(m, [1, 2, 3]);
    if (v && v.value.length >= 4 && !isReference(v.value)) put(v, 'JWT signing secret', false);
  });
  each(R.hmac, line, (m) => {
    const v = group(m, [1, 2, 3]);
    if (v && v.value.length >= 4 && !isReference(v.value)) put(v, 'HMAC key', false);
  });

  // Shell and CLI flags
  const flag = (r: RegExp, kind: string, groups: number[]): void => each(r, line, (m) => {
    const v = group(m, groups);
    if (v && !isReference(v.value) && !/^\$/.test(v.value) && v.value.length >= 2) put(v, kind);
  });
  each(R.curlUser, line, (m) => {
    const v = group(m, [2]);
    if (v && !isReference(v.value) && !/^\$/.test(v.value)) put(v, 'password in a -u user:password flag');
  });
  flag(R.mysqlP, 'password in a mysql -p flag', [1, 2]);
  flag(R.sshpass, 'password in an sshpass -p flag', [1, 2]);
  flag(R.dockerLogin, 'password in a docker login flag', [1, 2]);
  flag(R.redis, 'password in a redis-cli flag', [1, 2]);
  flag(R.openssl, 'password in an openssl -pass flag', [1, 2]);
  flag(R.htpasswd, 'password in an htpasswd -b command', [1, 2]);
  flag(R.smb, 'password in a -U user%password flag', [1]);
  flag(R.netrc, 'password in a netrc entry', [1]);
  each(R.shortPass, line, (m) => {
    const v = group(m, [1, 2]);
    if (v && !isReference(v.value) && !/^\$/.test(v.value) && !isReadableValue(v.value) && v.value.length >= 3) put(v, 'password in a command-line flag');
  });
  each(R.longFlag, line, (m) => {
    const v = group(m, [2, 3]);
    if (v && isSecretName(m[1]) && !/stdin|file|path|env|prompt$/.test(m[1]) && isSecretLiteral(v.value, m[1])) put(v, 'secret in a command-line flag');
  });
  each(R.javaProp, line, (m) => {
    const v = group(m, [2, 3]);
    if (v && isSecretName(m[1]) && isSecretLiteral(v.value, m[1])) put(v, 'secret in a -D system property');
  });
  each(R.dockerEnv, line, (m) => {
    const value = withoutComment(m[2]).trim().replace(/^(["'])(.*)\1$/, '$2');
    if (!isSecretName(m[1]) || !isSecretLiteral(value, m[1])) return;
    const at = m.index + m[0].indexOf(value, m[0].indexOf(m[1]) + m[1].length);
    add(offset + at, offset + at + value.length, 'secret in a Dockerfile ENV/ARG');
  });
  each(R.sql, line, (m) => {
    const v = group(m, [1]);
    if (v && !isReference(v.value) && v.value.length >= 2) put(v, 'password in SQL', false);
  });

  // Headers
  each(R.authHeader, line, (m) => {
    const v = group(m, [1]);
    if (!v || isReference(v.value) || /^\$|^\{|^["'+]/.test(v.value) || isReadableValue(v.value)) return;
    if (/^(?:Bearer|Basic|Token|Digest)$/i.test(v.value)) return;
    put(v, 'Authorization header credential', false);
  });
  each(R.bearer, line, (m) => {
    const v = group(m, [1]);
    if (v && !isReference(v.value) && /\d/.test(v.value)) put(v, 'bearer token', false);
  });
  each(R.basic, line, (m) => {
    const v = group(m, [1]);
    if (!v) return;
    const decoded = decodeBase64Text(v.value);
    if ((decoded && decoded.includes(':')) || v.value.length >= 16) put(v, 'Basic auth credential', false);
  });

  // Connection strings
  each(R.url, line, (m) => {
    const v = group(m, [3]);
    if (!v) return;
    const pw = v.value;
    if (/^\d{1,5}(?:\/|$)/.test(pw) || isReference(pw) || /^\$\{|^\$[A-Z_]|^%s$|^<[^>]*>$|^\{\{|^\*+$|^\[[^\]]*\]$/.test(pw)) return;
    put(v, 'password in a connection string', false);
  });

  // Base64-wrapped credentials
  each(R.base64, line, (m) => {
    const b64 = m[1];
    // One long word in one case, or lower-case hex. (Mixed-case letters alone are still decoded:
    // base64 of ASCII text is often letters only, e.g. a wrapped Databricks token.)
    if (/^[a-z]+$/.test(b64) || /^[A-Z]+$/.test(b64) || /^[a-z0-9]+$/.test(b64)) return;
    const decoded = decodeBase64Text(b64);
    if (!decoded) return;
    const kind = decodedSecretKind(decoded, ctx.depth);
    if (kind) add(offset + m.index, offset + m.index + b64.length, kind);
  });

  // The secret half of an AWS key pair passed positionally: new AWS.Credentials('AKIA…', '…').
  if (ctx.nearAwsKey) {
    each(R.quoted40, line, (m) => {
      const v = group(m, [1]);
      if (v && /[a-z]/.test(v.value) && /[A-Z0-9/+]/.test(v.value) && !/^[a-f0-9]{40}$/.test(v.value)) put(v, 'AWS secret access key', false);
    });
  }
  // .pgpass: host:port:database:user:password
  if (ctx.base === '.pgpass' || ctx.base === 'pgpass.conf') {
    const m = /^[^:#\s]{1,256}:[^:\s]{1,16}:[^:\s]{1,256}:[^:\s]{1,256}:(\S{1,256})$/.exec(line);
    if (m) add(offset + line.length - m[1].length, offset + line.length, '.pgpass password');
  }
  if (ctx.envFile) {
    const m = /^\s{0,8}(?:export\s{1,4})?([A-Za-z_][A-Za-z0-9_.]{0,120})\s{0,4}=\s{0,4}(.{0,4096}?)\s*$/.exec(line);
    if (m) {
      let value = m[2];
      if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
      if (value !== '' && !isReference(value)) {
        const start = line.lastIndexOf(value);
        add(offset + start, offset + start + value.length, '.env value');
      }
    }
  }
  void isPasswordName;
}

/** A value without its trailing ` # comment` and blanks (linear: no `\s+#.*$`, which backtracks over runs of blanks). */
function withoutComment(v: string): string {
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trimEnd();
}

/** JSON/JS escapes inside a quoted literal, for checking (the span still covers the literal as written). */
function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** PEM (any type), SSH2 and PuTTY private keys, also inside one-line JSON strings with `\n` escapes. */
function findPrivateKeys(text: string, add: Add): void {
  const begin = new RegExp(KEY_BEGIN.source, 'g');
  for (let m = begin.exec(text); m; m = begin.exec(text)) {
    const label = m[1];
    const dashes = m[0].startsWith('-----') ? '-----' : '----';
    const endMarker = `${dashes.length === 5 ? '-----' : '----'}`;
    const endRe = new RegExp(`-{4,5} ?END ${label.replace(/ /g, ' ')} ?-{4,5}`, 'g');
    endRe.lastIndex = m.index + m[0].length;
    const limit = Math.min(text.length, m.index + 64 * 1024);
    const end = endRe.exec(text);
    let stop: number;
    if (end && end.index < limit) stop = end.index + end[0].length;
    else {
      // No END marker (truncated, or split over string pieces): mask the key body up to the end of its literal.
      stop = m.index + m[0].length;
      while (stop < limit && !/["'\x60]/.test(text[stop]) && !(text[stop] === '\n' && text[stop + 1] === '\n')) stop++;
    }
    void endMarker;
    add(m.index, stop, 'private key');
    begin.lastIndex = stop;
  }
  // PuTTY .ppk: the Private-Lines block and its MAC.
  for (let i = text.indexOf('PuTTY-User-Key-File-'); i >= 0; i = text.indexOf('PuTTY-User-Key-File-', i + 1)) {
    const priv = text.indexOf('Private-Lines:', i);
    if (priv < 0 || priv - i > 64 * 1024) continue;
    const mac = /Private-(?:MAC|Hash):[^\n]*/g;
    mac.lastIndex = priv;
    const macMatch = mac.exec(text);
    const stop = macMatch && macMatch.index - priv < 64 * 1024 ? macMatch.index + macMatch[0].length : Math.min(text.length, priv + 8192);
    add(priv, stop, 'PuTTY private key');
    i = stop;
  }
}
