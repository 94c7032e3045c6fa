/**
 * Planted secrets and planted non-secrets in realistic files of every kind the audit sends (TS,
 * Python, Go, Java, PHP, YAML, JSON, XML, .properties, .env-like, Dockerfile, shell, kubeconfig,
 * docker config, PuTTY and PEM keys). Values are generated from a fixed seed in each provider's
 * format: none is a real credential. Used by the redaction tests, the fuzz tests and the bench.
 */

/** Deterministic PRNG (mulberry32) so the corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_NUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class Gen {
  private readonly rnd: () => number;
  constructor(seed = 14) { this.rnd = prng(seed); }
  pick(chars: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(this.rnd() * chars.length)];
    // Every generated token has a digit and a letter, as real ones do (hex aside: it may be all digits).
    if (n >= 8 && /[0-9]/.test(chars) && !/\d/.test(s)) s = '7' + s.slice(1);
    if (n >= 8 && /[g-z]/i.test(chars) && !/[a-z]/i.test(s)) s = s.slice(0, -1) + 'q';
    return s;
  }
  alnum(n: number): string { return this.pick(ALNUM, n); }
  hex(n: number): string { return this.pick(HEX, n); }
  b64(n: number): string { return this.pick(B64, n); }
  b64url(n: number): string { return this.pick(B64URL, n); }
  upper(n: number): string { return this.pick(UPPER_NUM, n); }
  lower(n: number): string { return this.pick(LOWER_NUM, n); }
  letters(n: number): string { return this.pick(LETTERS, n); }
  uuid(): string { return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`; }
  word(): string { return ['orchid', 'tundra', 'copper', 'meadow', 'harbor', 'velvet', 'cobalt', 'falcon'][Math.floor(this.rnd() * 8)]; }
  password(): string { return `${this.word()}${Math.floor(this.rnd() * 90 + 10)}${'!#%&'[Math.floor(this.rnd() * 4)]}`; }
}

export interface CorpusFile {
  path: string;
  content: string;
  /** Exact values that must never reach a payload. */
  secrets: Array<{ kind: string; value: string }>;
  /** Exact values that must stay readable. */
  keep: string[];
}

function pem(g: Gen, label: string, lines = 8): { block: string; body: string } {
  const body = Array.from({ length: lines }, () => g.b64(64)).join('\n');
  return { block: `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`, body };
}

/** The corpus: >100 planted values across the file kinds the issue lists. */
export function secretCorpus(seed = 14): CorpusFile[] {
  const g = new Gen(seed);
  const files: CorpusFile[] = [];
  const file = (path: string, build: (s: (kind: string, value: string) => string, k: (value: string) => string) => string): void => {
    const secrets: CorpusFile['secrets'] = [];
    const keep: string[] = [];
    const content = build((kind, value) => { secrets.push({ kind, value }); return value; }, (value) => { keep.push(value); return value; });
    files.push({ path, content, secrets, keep });
  };

  file('src/config/providers.ts', (s, k) => [
    `import Stripe from 'stripe';`,
    `const sendgrid = new SendGridClient(${JSON.stringify(s('SendGrid API key', `SG.${g.b64url(22)}.${g.b64url(43)}`))});`,
    `const hf = new HfInference('${s('Hugging Face token', `hf_${g.letters(34)}`)}');`,
    `const heroku = new Heroku({ token: '${s('Heroku API key (UUID)', g.uuid())}' });`,
    `const herokuV2 = herokuClient('${s('Heroku API key', `HRKU-AA${g.b64url(58)}`)}');`,
    `const msal = new ConfidentialClientApplication({ auth: { clientId: '${k(g.uuid())}', clientSecret: '${s('Azure AD client secret', `${g.alnum(3)}8Q~${g.b64url(34).replace(/-/g, 'x')}`)}' } });`,
    `const twilioClient = twilio('AC${k(g.hex(32))}', '${s('Twilio auth token', g.hex(32))}');`,
    `const twilioKey = new Twilio.ApiKey('${s('Twilio API key', `SK${g.hex(32)}`)}');`,
    `const mg = mailgun.client({ username: 'api', key: '${s('Mailgun API key', `key-${g.lower(32)}`)}' });`,
    `const dd = new DatadogClient({ apiKeyAuth: '${s('Datadog API key', g.hex(32))}', appKeyAuth: '${s('Datadog app key', g.hex(40))}' });`,
    `newrelic.configure({ license: '${s('New Relic license key', `${g.hex(36)}NRAL`)}' });`,
    `const stripe = new Stripe('${s('Stripe secret key', `sk_live_${g.alnum(99)}`)}');`,
    `const publishable = '${k(`pk_live_${g.alnum(99)}`)}';`,
    `const creds = new AWS.Credentials('${s('AWS access key id', `AKIA${g.upper(16)}`)}', '${s('AWS secret access key', g.b64(40))}');`,
    `const gh = new Octokit({ auth: '${s('GitHub token', `ghp_${g.alnum(36)}`)}' });`,
    `const gl = gitlab('${s('GitLab token', `glpat-${g.b64url(20)}`)}');`,
    `const openai = new OpenAI({ apiKey: '${s('OpenAI API key', `sk-proj-${g.b64url(74)}T3BlbkFJ${g.b64url(74)}`)}' });`,
    `const anthropic = new Anthropic({ apiKey: '${s('Anthropic API key', `sk-ant-api03-${g.b64url(93)}AA`)}' });`,
    `const slack = new WebClient('${s('Slack bot token', `xoxb-${g.pick('0123456789', 12)}-${g.pick('0123456789', 13)}-${g.alnum(24)}`)}');`,
    `const hook = '${s('Slack webhook', `https://hooks.slack.com/services/T${g.upper(8)}/B${g.upper(10)}/${g.alnum(24)}`)}';`,
    `const npmToken = process.env.NPM_TOKEN ?? '${s('npm token', `npm_${g.alnum(36)}`)}';`,
    `const res = await fetch(url, { headers: { Authorization: 'Basic ${s('Basic auth header', Buffer.from(`deploy:${g.password()}`).toString('base64'))}' } });`,
    `const api = axios.create({ headers: { Authorization: \`Bearer ${s('Bearer token', g.alnum(40))}\` } });`,
    `const tokenUrl = '${k('https://auth.example.com/oauth2/token')}';`,
    `const passwordResetPath = '${k('/account/password/reset')}';`,
    `const secretArn = '${k('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf')}';`,
    `const csrfTokenHeader = '${k('X-CSRF-Token')}';`,
    `const keyId = '${k(g.uuid())}';`,
    `const integrity = '${k(`sha512-${g.b64(86)}==`)}';`,
    // An integrity hash with "+00" and 40 more characters inside (looked like an Okta token).
    `const lockIntegrity = '${k('sha512-xdNcGXVgWPfuopXY9tF6SJ2W1N1VDk9iEjo+kFZWPcE+00fsVDXBEu9qN6pNM7B2YdHGWXJSGnRxH9BG31JjL7==')}';`,
    `const commitSha = '${k(g.hex(40))}';`,
    `const tokenType = '${k('Bearer')}';`,
    `const jwtSecret = process.env.JWT_SECRET || '${s('fallback JWT secret', `dev-${g.word()}-${g.lower(6)}`)}';`,
    `const session = jwt.sign({ sub: user.id }, '${s('JWT signing secret', `${g.word()}${g.lower(10)}`)}');`,
    `export const googleMaps = '${s('Google API key', `AIza${g.b64url(35)}`)}';`,
    `const sqlConn = 'Server=tcp:shop.database.windows.net,1433;Database=${k('shop')};User ID=sqladmin;Password=${s('Azure SQL password', g.password())};Encrypt=true;';`,
    `const redisUrl = 'redis://:${s('Redis URL password', g.alnum(20))}@${k('cache.internal')}:6379/0';`,
    `const pgUrl = 'postgres://app:${s('URL password with %40', `${g.word()}%40${g.lower(6)}`)}@db.internal:5432/shop';`,
    `const mongoUrl = 'mongodb://admin:${s('URL password with /', `${g.alnum(8)}/${g.alnum(8)}`)}@mongo.internal:27017/app';`,
    `const jdbc = 'jdbc:postgresql://db.internal:5432/shop?user=app&password=${s('JDBC password parameter', g.password())}&ssl=true';`,
    `const uuidLike = '${k('123e4567-e89b-42d3-a456-426614174000')}';`,
  ].join('\n') + '\n');

  file('app/settings.py', (s, k) => [
    'import os',
    `DB_PASSWORD = os.environ.get("DB_PASSWORD", "${s('env lookup fallback (Python)', g.password())}")`,
    `SECRET_KEY = os.getenv('SECRET_KEY', '${s('env lookup fallback (getenv)', `django-insecure-${g.lower(30)}`)}')`,
    `STRIPE_WEBHOOK_SECRET = "${s('Stripe webhook secret', `whsec_${g.alnum(32)}`)}"`,
    `DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "${s('Django DB password', g.password())}", "HOST": "${k('db.internal')}"}}`,
    `TOKEN_ENDPOINT = "${k('https://login.example.com/oauth/token')}"`,
    `PASSWORD_MIN_LENGTH = ${k('12')}`,
    `api = Client(api_key="${s('keyword argument API key', g.alnum(32))}")`,
    `TELEGRAM = "${s('Telegram bot token', `${g.pick('0123456789', 9)}:AA${g.b64url(33)}`)}"`,
    `DIGITALOCEAN_TOKEN = "${s('DigitalOcean token', `dop_v1_${g.hex(64)}`)}"`,
    `PYPI = "${s('PyPI token', `pypi-AgEIcHlwaS5vcmc${g.b64url(70)}`)}"`,
    `conn = psycopg2.connect(host="db", user="app", password="${s('Python kwarg password', g.password())}")`,
    `headers = {"X-Api-Key": "${s('X-Api-Key header', g.alnum(32))}"}`,
  ].join('\n') + '\n');

  file('cmd/server/main.go', (s, k) => [
    'package main',
    `const dbPassword = "${s('Go const password', g.password())}"`,
    `var token = "${s('Go GitHub fine-grained token', `github_pat_${g.pick(ALNUM + '_', 82)}`)}"`,
    `func main() { password := "${s('Go := password', g.password())}"; _ = password }`,
    `var sq = "${s('Square token', `sq0atp-${g.b64url(22)}`)}"`,
    `var endpoint = "${k('https://api.example.com/v1/users')}"`,
  ].join('\n') + '\n');

  file('src/main/resources/application.properties', (s, k) => [
    `spring.datasource.url=${k('jdbc:postgresql://db.internal:5432/shop')}`,
    `spring.datasource.username=${k('shop')}`,
    `spring.datasource.password=${s('Spring properties password', 'changeme1')}`,
    `app.jwt.secret=${s('Spring JWT secret', g.alnum(24))}`,
    `management.endpoints.web.exposure.include=${k('health,info')}`,
  ].join('\n') + '\n');

  file('src/main/java/shop/Db.java', (s) => [
    'class Db {',
    `  private static final String PASSWORD = "${s('Java constant password', g.password())}";`,
    `  DataSource ds = DataSourceBuilder.create().username("app").password("${s('Java builder password', g.password())}").build();`,
    `  String okta = "${s('Okta token', `00${g.b64url(40)}`)}"; // okta SSWS`,
    '}',
  ].join('\n') + '\n');

  file('config/database.php', (s, k) => [
    '<?php',
    `define('DB_PASSWORD', '${s('PHP define password', 'pa55w0rd')}');`,
    `$db_pass = '${s('PHP variable password', g.password())}';`,
    `return ['mysql' => ['password' => env('DB_PASSWORD', '${s('Laravel env default', g.password())}'), 'host' => '${k('127.0.0.1')}']];`,
  ].join('\n') + '\n');

  file('config/app.config.xml', (s, k) => [
    '<configuration>',
    `  <appSettings><add key="ApiKey" value="${s('XML appSettings key', g.alnum(32))}" /></appSettings>`,
    `  <datasource><user>${k('shop')}</user><password>${s('XML password element', 'hunter22')}</password></datasource>`,
    `  <property name="db.password" value="${s('XML property password', g.password())}"/>`,
    `  <connection url="${k('https://api.example.com/v2')}" password="${s('XML attribute password', g.password())}"/>`,
    '</configuration>',
  ].join('\n') + '\n');

  file('deploy/values.yaml', (s, k) => [
    'database:',
    `  host: ${k('db.internal')}`,
    `  password: ${s('YAML short password', 'hunter2')}`,
    `  url: ${k('https://db.example.com/console')}`,
    'redis:',
    `  password: "${s('YAML quoted password', g.password())}"`,
    `  passwordSecretName: ${k('redis-auth')}`,
    'smtp:',
    `  pass: ${s('YAML pass with spaces', 'correct horse battery staple')}`,
    `image: ${k(`registry.example.com/shop@sha256:${g.hex(64)}`)}`,
    `datadog:`,
    `  apiKey: ${s('YAML Datadog API key', g.hex(32))}`,
    `grafana:`,
    `  token: ${s('Grafana service account token', `glsa_${g.alnum(32)}_${g.hex(8)}`)}`,
  ].join('\n') + '\n');

  file('k8s/secrets.yaml', (s, k) => [
    'apiVersion: v1',
    'kind: Secret',
    `metadata: { name: ${k('shop-db')} }`,
    'stringData:',
    `  DB_PASSWORD: ${s('k8s stringData password', 'letmein9')}`,
    'data:',
    `  API_TOKEN: ${s('k8s data base64 token', Buffer.from(g.alnum(30)).toString('base64'))}`,
    // Under a neutral name, and letters only once encoded (the fuzz bench's counterexample).
    `  warehouse: ${s('k8s data base64 Databricks token (letters only)', Buffer.from('dapi92fb08ecebf73ec41ebe98b1e233a6e3').toString('base64'))}`,
  ].join('\n') + '\n');

  const clientKey = pem(g, 'RSA PRIVATE KEY');
  file('ops/kubeconfig', (s, k) => [
    'apiVersion: v1',
    'clusters:',
    `- cluster: { server: ${k('https://k8s.example.com:6443')} }`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate-data: ${k(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'))}`,
    `    client-key-data: ${s('kubeconfig client-key-data (base64 PEM)', Buffer.from(clientKey.block + '\n').toString('base64'))}`,
    `    token: ${s('kubeconfig token', `${g.lower(6)}.${g.lower(16)}`)}`,
  ].join('\n') + '\n');

  file('ops/docker/config.json', (s) => JSON.stringify({
    auths: { 'registry.example.com': { auth: s('docker config auth (base64 user:pw)', Buffer.from(`ci:${g.password()}`).toString('base64')) } },
  }, null, 2) + '\n');

  const saKey = pem(g, 'PRIVATE KEY', 10);
  file('ops/gcp-sa.json.txt', (s, k) => JSON.stringify({
    type: 'service_account', project_id: k('shop-prod'), private_key_id: k(g.hex(40)),
    private_key: `-----BEGIN PRIVATE KEY-----\n${s('private key in a JSON string', saKey.body.split('\n')[0])}\n${saKey.body.split('\n').slice(1).join('\n')}\n-----END PRIVATE KEY-----\n`,
    client_email: k('deployer@shop-prod.iam.gserviceaccount.com'),
  }, null, 2) + '\n');

  file('.envrc', (s) => [
    `export DB_PASS=${s('.envrc short password', 'qwerty7')}`,
    `export AWS_SECRET_ACCESS_KEY=${s('.envrc AWS secret', g.b64(40))}`,
    `export PGPASSWORD=${s('PGPASSWORD', g.password())}`,
  ].join('\n') + '\n');

  file('Dockerfile', (s, k) => [
    `FROM ${k('node:22-alpine')}`,
    `ENV DB_PASSWORD ${s('Dockerfile ENV space form', g.password())}`,
    `ENV API_KEY=${s('Dockerfile ENV = form', g.alnum(32))}`,
    `ARG NPM_TOKEN=${s('Dockerfile ARG token', `npm_${g.alnum(36)}`)}`,
    `ENV NODE_ENV=${k('production')}`,
  ].join('\n') + '\n');

  file('scripts/deploy.sh', (s, k) => [
    '#!/bin/sh',
    `curl -u deploy:${s('curl -u password', g.password())} ${k('https://ci.example.com/api/trigger')}`,
    `curl -H "Authorization: Bearer ${s('curl -H bearer', g.alnum(40))}" https://api.example.com/v1/me`,
    `curl -H 'Authorization: Basic ${s('curl -H basic', Buffer.from(`ops:${g.password()}`).toString('base64'))}' https://api.example.com/`,
    `mysql -uroot -p${s('mysql -p password', g.password())} shop < dump.sql`,
    `PGPASSWORD=${s('inline PGPASSWORD', g.password())} psql -h db -U app shop`,
    `sshpass -p '${s('sshpass -p password', g.password())}' ssh deploy@host`,
    `docker login -u ci -p ${s('docker login -p password', g.password())} registry.example.com`,
    `redis-cli -h cache -a ${s('redis-cli -a password', g.alnum(16))} ping`,
    `export DB_PASSWORD=\${DB_PASSWORD:-${s('shell default password', g.password())}}`,
    `./cli --api-key=${s('--api-key flag', g.alnum(32))} --region ${k('eu-west-1')}`,
    `keytool -importkeystore -srcstorepass ${s('keytool -srcstorepass', g.password())} -destkeystore app.jks`,
    `git clone https://oauth2:${s('git URL token', `glpat-${g.b64url(20)}`)}@gitlab.example.com/shop/api.git`,
  ].join('\n') + '\n');

  file('deploy/docker-compose.yml', (s, k) => [
    'services:',
    '  db:',
    `    image: ${k('postgres:16')}`,
    '    environment:',
    `      POSTGRES_PASSWORD: ${s('compose POSTGRES_PASSWORD', 'example')}`,
    `      POSTGRES_PASSWORD_FILE: ${k('/run/secrets/db_password')}`,
    `      DATABASE_URL: postgres://shop:${s('compose URL password', g.password())}@db:5432/shop`,
  ].join('\n') + '\n');

  const ssh2 = Array.from({ length: 6 }, () => g.b64(64)).join('\n');
  file('keys/legacy-deploy.txt', (s) => [
    '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----',
    'Comment: "deploy"',
    s('SSH2 private key', ssh2),
    '---- END SSH2 ENCRYPTED PRIVATE KEY ----',
  ].join('\n') + '\n');

  const ppkPrivate = Array.from({ length: 4 }, () => g.b64(64)).join('\n');
  file('keys/deploy-ppk.txt', (s, k) => [
    'PuTTY-User-Key-File-3: ssh-ed25519',
    'Encryption: none',
    `Comment: ${k('deploy@ci')}`,
    'Public-Lines: 2',
    g.b64(64), g.b64(20),
    'Private-Lines: 4',
    s('PuTTY private lines', ppkPrivate),
    `Private-MAC: ${s('PuTTY MAC', g.hex(64))}`,
  ].join('\n') + '\n');

  const openssh = pem(g, 'OPENSSH PRIVATE KEY');
  const ec = pem(g, 'EC PRIVATE KEY', 3);
  const enc = pem(g, 'ENCRYPTED PRIVATE KEY', 5);
  file('src/keys.ts', (s, k) => [
    `export const deployKey = \`${openssh.block.replace(openssh.body, s('OpenSSH private key', openssh.body))}\`;`,
    `export const signing = "${ec.block.replace(ec.body, s('EC private key (escaped newlines)', ec.body)).replace(/\n/g, '\\n')}";`,
    `export const wrapped = \`${enc.block.replace(enc.body, s('encrypted PKCS#8 key', enc.body))}\`;`,
    `export const pub = '${k('-----BEGIN PUBLIC KEY-----')}';`,
    `export const sshPub = '${k(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.b64(43)} deploy@ci`)}';`,
  ].join('\n') + '\n');

  file('.npmrc.example.txt', (s, k) => [
    `//registry.npmjs.org/:_authToken=${s('.npmrc _authToken', `npm_${g.alnum(36)}`)}`,
    `//npm.example.com/:_auth=${s('.npmrc _auth base64', Buffer.from(`ci:${g.password()}`).toString('base64'))}`,
    `registry=${k('https://registry.npmjs.org/')}`,
  ].join('\n') + '\n');

  file('db/migrations/003_roles.sql', (s, k) => [
    `CREATE ROLE ${k('reporting')} WITH LOGIN PASSWORD '${s('SQL role password', g.password())}';`,
    `CREATE USER 'etl'@'%' IDENTIFIED BY '${s('MySQL IDENTIFIED BY', g.password())}';`,
  ].join('\n') + '\n');

  file('src/integrations.ts', (s) => [
    `const shopify = '${s('Shopify token', `shpat_${g.hex(32)}`)}';`,
    `const vault = '${s('Vault token', `hvs.${g.b64url(90)}`)}';`,
    `const linear = '${s('Linear API key', `lin_api_${g.alnum(40)}`)}';`,
    `const postman = '${s('Postman API key', `PMAK-${g.hex(24)}-${g.hex(34)}`)}';`,
    `const doppler = '${s('Doppler token', `dp.st.${g.alnum(40)}`)}';`,
    `const dockerHub = '${s('Docker Hub token', `dckr_pat_${g.b64url(27)}`)}';`,
    `const groq = '${s('Groq API key', `gsk_${g.alnum(52)}`)}';`,
    `const rk = '${s('Stripe restricted key', `rk_live_${g.alnum(40)}`)}';`,
    `const mapbox = '${s('Mapbox secret token', `sk.eyJ${g.b64url(60)}.${g.b64url(22)}`)}';`,
    `const jwtToken = '${s('JWT', `eyJhbGciOiJIUzI1NiJ9.eyJ${g.b64url(40)}.${g.b64url(43)}`)}';`,
    `const azureStorage = 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=${s('Azure storage key', g.b64(86))}==;EndpointSuffix=core.windows.net';`,
    `const sas = 'https://shop.blob.core.windows.net/c?sv=2022-11-02&sig=${s('Azure SAS signature', g.b64(43).replace(/\+/g, 'A'))}%3D';`,
    `const gcpOauth = '${s('Google OAuth client secret', `GOCSPX-${g.b64url(28)}`)}';`,
    `const discord = 'https://discord.com/api/webhooks/123456789012345678/${s('Discord webhook token', g.b64url(68))}';`,
    `const atlassian = '${s('Atlassian API token', `ATATT3xFfGF0${g.b64url(180)}`)}';`,
    `const sentry = '${s('Sentry user token', `sntryu_${g.hex(64)}`)}';`,
    `const tailscale = '${s('Tailscale key', `tskey-auth-${g.alnum(12)}-${g.alnum(30)}`)}';`,
    `const cfToken = '${s('Cloudflare token', `cfut_${g.alnum(40)}${g.hex(8)}`)}';`,
    `const nr = '${s('New Relic user key', `NRAK-${g.upper(27)}`)}';`,
    `const dbx = '${s('Databricks token', `dapi${g.hex(32)}`)}';`,
    `const ageKey = '${s('age secret key', `AGE-SECRET-KEY-1${g.pick('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`)}';`,
  ].join('\n') + '\n');

  file('.netrc.sample.txt', (s, k) => `machine ${k('api.example.com')} login deploy password ${s('netrc password', g.password())}\n`);
  return files;
}

/** Every planted secret, flattened (for the figures). */
export function plantedSecrets(corpus = secretCorpus()): Array<{ file: string; kind: string; value: string }> {
  return corpus.flatMap((f) => f.secrets.map((s) => ({ file: f.path, ...s })));
}
