/**
 * Property and fuzz tests (fast-check) for the code that takes hostile input: the redactor (no planted
 * secret survives any wrapping; no non-secret is masked; restoring is exact), the SQL splitter and
 * extractor, the plan parsers, and the classifier's text scan. `npm test` runs each briefly
 * (test/unit/fuzz.test.ts); `npm run bench` runs them long and prints inputs per second and failures.
 */
import * as fc from 'fast-check';
import { Redactor } from '../../src/core/audit/redaction';
import { splitStatements } from '../../src/core/sql/lexer';
import { extractStatements } from '../../src/core/sql/extract';
import { parseExplainJson, parseMysqlPlan, parsePostgresPlan } from '../../src/core/sql/plan';
import { prepareText } from '../../src/core/classify/text';
import { classify } from '../../src/core/classify';
import { LABELS } from '../../src/core/labels';
import { Gen } from '../support/secret-corpus';

export interface FuzzProperty {
  name: string;
  /** Runs in `npm test` (bounded); the bench runs for a time budget instead. */
  runs: number;
  property: fc.IAsyncPropertyWithHooks<unknown> | fc.IPropertyWithHooks<unknown>;
}

// ---------------------------------------------------------------- values

/** Provider-format secrets: any of these, wherever they sit, must be masked. */
const formatSecret: fc.Arbitrary<string> = fc.integer({ min: 1, max: 1_000_000 }).chain((seed) => {
  const g = new Gen(seed);
  return fc.constantFrom(
    `ghp_${g.alnum(36)}`, `github_pat_${g.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_', 82)}`, `glpat-${g.b64url(20)}`,
    `xoxb-${g.pick('0123456789', 11)}-${g.pick('0123456789', 12)}-${g.alnum(24)}`, `sk_live_${g.alnum(40)}`, `rk_live_${g.alnum(40)}`,
    `AKIA${g.upper(16)}`, `AIza${g.b64url(35)}`, `sk-ant-api03-${g.b64url(93)}AA`, `sk-proj-${g.b64url(40)}7`, `SG.${g.b64url(22)}.${g.b64url(43)}`,
    `hf_${g.letters(34)}`, `npm_${g.alnum(36)}`, `shpat_${g.hex(32)}`, `dop_v1_${g.hex(64)}`, `key-${g.lower(32)}`, `SK${g.hex(32)}`,
    `${g.hex(36)}NRAL`, `NRAK-${g.upper(27)}`, `hvs.${g.b64url(90)}`, `whsec_${g.alnum(32)}`, `GOCSPX-${g.b64url(28)}`, `dapi${g.hex(32)}`,
    `glsa_${g.alnum(32)}_${g.hex(8)}`, `lin_api_${g.alnum(40)}`, `dckr_pat_${g.b64url(27)}`, `${g.alnum(3)}8Q~${g.alnum(34)}`,
    `HRKU-AA${g.b64url(58)}`, `eyJhbGciOiJIUzI1NiJ9.eyJ${g.b64url(30)}.${g.b64url(43)}`, `PMAK-${g.hex(24)}-${g.hex(34)}`,
  );
});

/** A password-like value (what a secret-named assignment holds). */
const passwordValue: fc.Arbitrary<string> = fc.integer({ min: 1, max: 1_000_000 }).map((seed) => new Gen(seed).password());

const secretName = fc.constantFrom('password', 'DB_PASSWORD', 'dbPassword', 'db_pass', 'apiKey', 'API_KEY', 'client_secret', 'clientSecret',
  'auth_token', 'accessToken', 'SECRET_KEY', 'jwtSecret', 'PGPASSWORD', 'spring.datasource.password', 'smtp.pass', 'private_key_passphrase');

/** Wrappings of a secret-named assignment in the syntaxes the audit sends. */
function assignment(name: string, value: string): fc.Arbitrary<{ text: string; path: string }> {
  return fc.constantFrom(
    { text: `const ${name.replace(/\./g, '_')} = "${value}";`, path: 'src/a.ts' },
    { text: `const ${name.replace(/\./g, '_')} = '${value}';`, path: 'src/a.ts' },
    { text: `  ${JSON.stringify(name)}: ${JSON.stringify(value)},`, path: 'config/app.json' },
    { text: `${name}: "${value}"`, path: 'deploy/values.yaml' },
    { text: `  ${name}: ${value}`, path: 'deploy/values.yaml' },
    { text: `${name}=${value}`, path: 'app.properties' },
    { text: `export ${name.replace(/\./g, '_').toUpperCase()}=${value}`, path: '.envrc' },
    { text: `${name.replace(/\./g, '_')} = os.environ.get("${name.replace(/\./g, '_').toUpperCase()}", "${value}")`, path: 'app/settings.py' },
    { text: `define('${name.replace(/\./g, '_').toUpperCase()}', '${value}');`, path: 'config.php' },
    { text: `<${name.replace(/\./g, '_')}>${value}</${name.replace(/\./g, '_')}>`, path: 'app.config.xml' },
    { text: `ENV ${name.replace(/\./g, '_').toUpperCase()} ${value}`, path: 'Dockerfile' },
    { text: `${name.replace(/\./g, '_')} := "${value}"`, path: 'main.go' },
    { text: `client = Client(${name.replace(/\./g, '_')}="${value}")`, path: 'app/client.py' },
  );
}

/** Wrappings of a format secret: anywhere in code, strings, comments, URLs, JSON, headers. */
function tokenWrapping(value: string): fc.Arbitrary<{ text: string; path: string }> {
  return fc.tuple(fc.constantFrom(
    (v: string) => `const x = "${v}";`, (v: string) => `call('${v}')`, (v: string) => `// token: ${v}`, (v: string) => `# ${v}`,
    (v: string) => `{"value": "${v}"}`, (v: string) => `Authorization: Bearer ${v}`, (v: string) => `curl -H "X-Token: ${v}" https://x`,
    (v: string) => `url = "https://api.example.com/?key=${v}"`, (v: string) => `[${v}]`, (v: string) => `(${v})`, (v: string) => `<td>${v}</td>`,
    (v: string) => `x=${v};y=1`, (v: string) => `\`${v}\``, (v: string) => ` ${v} `, (v: string) => `${v}`,
  ), fc.constantFrom('src/a.ts', 'app.py', 'values.yaml', 'notes.txt', 'Dockerfile', 'run.sh')).map(([wrap, path]) => ({ text: wrap(value), path }));
}

/** Code around a line: random-ish but realistic lines before and after. */
const noiseLine = fc.oneof(
  fc.constantFrom('', '}', 'import x from "y";', 'def f(a, b):', '  return a + b', 'SELECT * FROM t WHERE id = $1;', '- name: build', '  # comment'),
  fc.string({ maxLength: 60 }).map((s) => s.replace(/\n/g, ' ')),
);

function inContext(inner: fc.Arbitrary<{ text: string; path: string }>): fc.Arbitrary<{ text: string; path: string; line: string }> {
  return fc.tuple(fc.array(noiseLine, { maxLength: 4 }), inner, fc.array(noiseLine, { maxLength: 4 }))
    .map(([before, x, after]) => ({ text: [...before, x.text, ...after].join('\n'), path: x.path, line: x.text }));
}

/** Values that must stay readable, under the names they usually have. */
const readable: fc.Arbitrary<{ text: string; value: string; path: string }> = fc.integer({ min: 1, max: 1_000_000 }).chain((seed) => {
  const g = new Gen(seed);
  const pairs: Array<[string, string]> = [
    ['tokenUrl', `https://auth.${g.lower(6)}.com/oauth/token`], ['passwordResetPath', `/users/${g.lower(5)}/password/reset`],
    ['secretArn', `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${g.lower(6)}/db-${g.alnum(6)}`], ['csrfTokenHeader', 'X-CSRF-Token'],
    ['publishableKey', `pk_live_${g.alnum(40)}`], ['keyId', g.uuid()], ['tenantId', g.uuid()], ['sha256', g.hex(64)], ['commit', g.hex(40)],
    ['integrity', `sha512-${g.b64(86)}==`], ['tokenType', 'Bearer'], ['passwordMinLength', '12'], ['secretName', `prod/${g.lower(8)}`],
    ['apiKeyHeader', 'X-Api-Key'], ['endpoint', `https://api.${g.lower(6)}.com/v1/${g.lower(5)}`], ['certPath', `/etc/ssl/${g.lower(6)}.pem`],
    ['region', 'eu-west-1'], ['username', g.lower(8)], ['imageDigest', `sha256:${g.hex(64)}`], ['clientId', g.uuid()],
  ];
  return fc.tuple(fc.constantFrom(...pairs), fc.constantFrom('ts', 'yaml', 'json', 'py')).map(([[name, value], kind]) => ({
    value,
    path: kind === 'ts' ? 'src/a.ts' : kind === 'yaml' ? 'config.yaml' : kind === 'json' ? 'config.json' : 'settings.py',
    text: kind === 'ts' ? `const ${name} = '${value}';` : kind === 'yaml' ? `${name}: ${value}` : kind === 'json' ? `{"${name}": "${value}"}` : `${name} = "${value}"`,
  }));
});

// ---------------------------------------------------------------- properties

async function redacts(text: string, path: string, secret: string): Promise<boolean> {
  const r = new Redactor();
  const out = await r.redact(path, text);
  if (out.includes(secret)) throw new Error(`survived redaction in ${path}: ${JSON.stringify(text)}\n→ ${JSON.stringify(out)}`);
  if (r.restore(out) !== text) throw new Error(`restore is not exact for ${JSON.stringify(text)}`);
  if (out.split('\n').length !== text.split('\n').length) throw new Error('line count changed');
  return true;
}

const SQL_PIECE = fc.oneof(
  fc.constantFrom('SELECT 1', 'SELECT * FROM t WHERE a = $1', "INSERT INTO t VALUES ('a;b')", 'UPDATE t SET a = "x;y"', 'DELETE FROM t',
    'SELECT $$a;b$$', "SELECT E'it\\'s;'", 'SELECT 1 -- c;omment\n', 'SELECT /* ; */ 2', 'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END'),
  fc.string({ maxLength: 40 }).map((s) => `SELECT '${s.replace(/'/g, "''").replace(/\\/g, '')}'`),
);

export const PROPERTIES: FuzzProperty[] = [
  {
    name: 'redactor: a provider-format secret in any wrapping never survives, and restores exactly',
    runs: 150,
    property: fc.asyncProperty(formatSecret.chain((v) => inContext(tokenWrapping(v)).map((c) => ({ ...c, v }))), async (c) => redacts(c.text, c.path, c.v)),
  },
  {
    name: 'redactor: a value under a secret name, in every syntax, never survives',
    runs: 150,
    property: fc.asyncProperty(fc.tuple(secretName, passwordValue).chain(([n, v]) => inContext(assignment(n, v)).map((c) => ({ ...c, v }))), async (c) => redacts(c.text, c.path, c.v)),
  },
  {
    name: 'redactor: a base64-wrapped credential (user:password, a token) never survives',
    runs: 80,
    property: fc.asyncProperty(fc.oneof(formatSecret, passwordValue.map((p) => `deploy:${p}`)), fc.constantFrom('auth', 'client-key-data', 'data', 'blob'), async (v, name) => {
      const b64 = Buffer.from(v).toString('base64');
      return redacts(`  ${name}: ${b64}\n`, 'ops/config.yaml', b64);
    }),
  },
  {
    name: 'redactor: non-secrets (URLs, paths, ARNs, header names, publishable keys, UUIDs, hashes) stay readable',
    runs: 200,
    property: fc.asyncProperty(readable, async (c) => {
      const out = await new Redactor().redact(c.path, c.text);
      if (!out.includes(c.value)) throw new Error(`masked: ${JSON.stringify(c.text)} → ${JSON.stringify(out)}`);
      return true;
    }),
  },
  {
    name: 'redactor: arbitrary text never throws, keeps its line count and restores exactly',
    runs: 150,
    property: fc.asyncProperty(fc.string({ maxLength: 400 }), fc.constantFrom('a.ts', '.env', 'x.yaml', 'Dockerfile', 'k.pem.txt'), async (text, path) => {
      const r = new Redactor();
      const out = await r.redact(path, text);
      return out.split('\n').length === text.split('\n').length && r.restore(out) === text;
    }),
  },
  {
    name: 'SQL splitter: statements are ordered, inside the text, and a piece never splits on a quoted or commented ;',
    runs: 300,
    property: fc.property(fc.array(SQL_PIECE, { minLength: 1, maxLength: 6 }), fc.constantFrom(';\n', ';', ' ;  \n\n'), (pieces, sep) => {
      const text = pieces.join(sep) + sep;
      const parts = splitStatements(text).filter((p) => p.kind === 'statement');
      let last = -1;
      for (const p of parts) {
        if (p.start < last || p.end < p.start || p.end > text.length || text.slice(p.start, p.end) !== p.text) return false;
        last = p.end;
      }
      return parts.length === pieces.length;
    }),
  },
  {
    name: 'SQL splitter and extractor: arbitrary text in any language never throws and ranges stay inside it',
    runs: 300,
    property: fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(['sql', 'q.sql'], ['typescript', 'a.ts'], ['python', 'a.py'], ['go', 'a.go']), (text, [lang, path]) => {
      splitStatements(text);
      for (const s of extractStatements(text, lang, path)) {
        if (s.startOffset < 0 || s.endOffset > text.length || s.startOffset > s.endOffset) return false;
      }
      return true;
    }),
  },
  {
    name: 'extractor: SQL in a query call is found whatever the surrounding code',
    runs: 150,
    property: fc.property(fc.array(noiseLine, { maxLength: 4 }), fc.constantFrom('id', 'customer_id', 'status'), (before, col) => {
      const text = [...before.map((l) => `// ${l}`), `await db.query("SELECT * FROM orders WHERE ${col} = $1", [x]);`].join('\n');
      return extractStatements(text, 'typescript', 'a.ts').some((s) => s.sql.includes(`WHERE ${col} = $1`));
    }),
  },
  {
    name: 'plan parsers: any JSON round-trips through the MariaDB-tolerant reader; arbitrary plans never crash the parsers',
    runs: 300,
    property: fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
      const back = parseExplainJson(JSON.stringify(v));
      if (JSON.stringify(back) !== JSON.stringify(v)) return false;
      for (const parse of [parsePostgresPlan, parseMysqlPlan]) {
        try { parse(v); } catch (e) { if (!(e instanceof Error)) return false; }
      }
      return true;
    }),
  },
  {
    name: "plan parsers: MariaDB conditions with any literal ('\\'', raw \", \\\\, tabs) parse to the literal",
    runs: 300,
    property: fc.property(fc.string({ maxLength: 30 }), (lit) => {
      // How MariaDB prints a literal inside a JSON string: \' for quotes, \\ for backslashes, the rest raw.
      const printed = lit.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/[\u0000-\u001f]/g, ' ');
      const text = `{"query_block": {"table": {"attached_condition": "t.note = '${printed}'", "rows": 1}}}`;
      const expected = `t.note = '${lit.replace(/[\u0000-\u001f]/g, ' ')}'`;
      const got = (parseExplainJson(text) as { query_block: { table: { attached_condition: string } } }).query_block.table.attached_condition;
      if (got !== expected) throw new Error(`${JSON.stringify(text)} → ${JSON.stringify(got)}`);
      return true;
    }),
  },
  {
    name: 'classifier text scan: any string or bytes is bounded, never throws, and counts lines right',
    runs: 300,
    property: fc.property(fc.oneof(fc.string({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 })), (content) => {
      const t = prepareText(content);
      if (t.text.length > 600_000 || t.lineStarts[0] !== 0) return false;
      if (typeof content === 'string' && !t.contentOff && t.skipped.length === 0 && t.totalLines !== content.split('\n').length) return false;
      return true;
    }),
  },
  {
    name: 'classify(): any document gets one of the four labels with confidence in [0, 1]',
    runs: 150,
    property: fc.property(fc.string({ maxLength: 2000 }), fc.constantFrom('src/a.ts', 'billing/pay.py', 'db/migrations/1.sql', 'README.md', 'x'), (content, path) => {
      const c = classify({ active: { path, content } });
      return (LABELS as readonly string[]).includes(c.label) && c.confidence >= 0 && c.confidence <= 1;
    }),
  },
];
