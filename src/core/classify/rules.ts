/**
 * The signal table. Each rule is data: which label it votes for, how strongly, where it looks
 * (path, imports, content lines, file kind) and how it words its evidence. Teams add their own
 * rules in `.stakes.json` (`rules`), compiled by `compileCustomRules` into the same shape.
 *
 * Weights: 3+ is a strong signal on its own (one is enough for `sensitive` to win, see
 * classifier.ts); 2–2.5 is clear but needs company; 1–1.5 only tips a balance.
 */
import picomatch from 'picomatch';
import type { Label } from '../labels';
import type { CustomRule } from '../routing/config';
import type { Family } from './languages';

export interface SignalRule {
  id: string;
  label: Label;
  weight: number;
  /** Only for these families (default: any). */
  families?: Family[];
  /** Path test (lower-cased, workspace-relative path). With `content`, both must match (a file kind). */
  path?: (path: string) => string | null;
  /** Import specifier test. */
  imports?: RegExp;
  /** Line pattern (flags g and m are added). Group 1, when present, is the evidence shown. */
  content?: RegExp;
  /** Only look in the first N lines (file headers, spec markers). */
  headLines?: number;
  /** Evidence wording: {m} = matched text, {path} = what the path matched. */
  detail: string;
  /** Count at most this many occurrences (diminishing returns after the first). */
  maxHits?: number;
  /** Test files: this signal is about the code under test, so it counts half there. */
  dampInTests?: boolean;
  /** A content match on a line that also matches this does not count (e.g. a guard merely applied to a route). */
  exclude?: RegExp;
  /** Content rules skip import lines (imports have their own rules) unless this is set. */
  matchImportLines?: boolean;
  /** When this rule fires, these rules' evidence is dropped (an OpenAPI spec is not "a config file"). */
  overrides?: string[];
}

const CODE: Family[] = ['js', 'python', 'go', 'jvm', 'ruby', 'csharp', 'php'];

/** A path rule on directory names and file-name stems. Shows the matched segment as a glob. */
function segments(names: string[], opts: { stems?: boolean } = {}): (path: string) => string | null {
  const dir = new RegExp(`(?:^|/)(${names.join('|')})/`);
  const stem = new RegExp(`(?:^|[/._-])(${names.join('|')})(?:[._-][^/]*)?\\.[a-z0-9]+$`);
  return (path) => {
    const d = dir.exec(path);
    if (d) return `**/${d[1]}/**`;
    if (opts.stems !== false) {
      const base = path.slice(path.lastIndexOf('/') + 1);
      const s = stem.exec('/' + base);
      if (s) return `*${s[1]}*`;
    }
    return null;
  };
}

function regexPath(re: RegExp, shown: string): (path: string) => string | null {
  return (path) => (re.test(path) ? shown : null);
}

export const DEFAULT_RULES: SignalRule[] = [
  // ───────────── sensitive: paths ─────────────
  {
    id: 'path.auth', label: 'sensitive', weight: 2.5, dampInTests: true,
    path: segments(['auth', 'authn', 'authz', 'authentication', 'authorization', 'login', 'logout', 'signin', 'signup',
      'oauth', 'oauth2', 'oidc', 'sso', 'saml', 'sessions?', 'permissions?', 'rbac', 'acls?', 'polic(?:y|ies)', 'guards?',
      'iam', 'identity', 'security', 'crypto', 'secrets?', 'vault', 'kms', 'jwt', 'passwords?', 'credentials?', 'mfa', 'totp']),
    detail: 'path matches {path}',
  },
  {
    id: 'path.money', label: 'sensitive', weight: 2.5, dampInTests: true,
    path: segments(['payments?', 'billing', 'checkout', 'invoices?', 'invoicing', 'subscriptions?', 'wallets?', 'ledgers?',
      'refunds?', 'payouts?', 'stripe', 'charges?', 'transfers?', 'settlements?', 'pricing']),
    detail: 'path matches {path}',
  },
  {
    id: 'path.migrations', label: 'sensitive', weight: 3,
    path: segments(['migrations?', 'migrate', 'alembic', 'flyway', 'liquibase', 'changelogs?', 'schema-changes'], { stems: false }),
    detail: 'path matches {path}',
  },
  { id: 'path.webhooks', label: 'sensitive', weight: 2, dampInTests: true, path: segments(['webhooks?', 'hooks/stripe']), detail: 'path matches {path}' },
  { id: 'path.admin', label: 'sensitive', weight: 1.5, dampInTests: true, path: segments(['admin']), detail: 'path matches {path}' },
  { id: 'path.env-file', label: 'sensitive', weight: 3.5, path: regexPath(/(^|\/)\.env(\.[\w-]+)?$/, '.env*'), detail: 'environment file: holds secrets ({path})' },

  // ───────────── sensitive: migration file kinds ─────────────
  { id: 'kind.migration.prisma', label: 'sensitive', weight: 4, path: regexPath(/(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/, 'prisma/migrations/*/migration.sql'), detail: 'Prisma migration ({path})' },
  { id: 'kind.migration.flyway', label: 'sensitive', weight: 4, path: regexPath(/(^|\/)[vur]\d+(?:[._]\d+)*__[^/]+\.sql$/, 'V<n>__*.sql'), detail: 'Flyway migration ({path})' },
  { id: 'kind.migration.golang-migrate', label: 'sensitive', weight: 4, path: regexPath(/(^|\/)\d+_[^/]+\.(?:up|down)\.sql$/, '<n>_*.up.sql'), detail: 'golang-migrate migration ({path})' },
  { id: 'kind.migration.rails', label: 'sensitive', weight: 4, families: ['ruby'], content: /(ActiveRecord::Migration(?:\[[\d.]+\])?)/, detail: 'Rails migration ({m}, line {line})' },
  { id: 'kind.migration.django', label: 'sensitive', weight: 4, families: ['python'], content: /\b(migrations\.Migration)\b/, detail: 'Django migration ({m}, line {line})' },
  { id: 'kind.migration.alembic', label: 'sensitive', weight: 4, families: ['python'], content: /^\s*(from alembic import op|op\.(?:add_column|drop_column|alter_column|create_table|drop_table|create_index|execute)\b)/, detail: 'Alembic migration ({m}, line {line})', maxHits: 1, matchImportLines: true },
  { id: 'kind.migration.typeorm', label: 'sensitive', weight: 4, families: ['js'], content: /\b(implements\s+MigrationInterface|queryRunner\.(?:query|addColumn|dropColumn|createTable|dropTable|createIndex))\b/, detail: 'TypeORM migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.sequelize', label: 'sensitive', weight: 4, families: ['js'], content: /\b(queryInterface\.(?:addColumn|removeColumn|changeColumn|createTable|dropTable|addIndex|addConstraint|renameColumn|sequelize\.query))\b/, detail: 'Sequelize migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.knex', label: 'sensitive', weight: 4, families: ['js'], content: /\b(knex\.schema\.(?:createTable|alterTable|table|dropTable|raw|renameTable)|exports\.up\s*=|export\s+(?:async\s+)?function\s+up\s*\(\s*knex)/, detail: 'Knex migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.liquibase', label: 'sensitive', weight: 4, families: ['config'], content: /\b(databaseChangeLog)\b/, detail: 'Liquibase changelog ({m}, line {line})', maxHits: 1, overrides: ['kind.config'] },
  { id: 'kind.migration.goose', label: 'sensitive', weight: 4, families: ['sql', 'go'], content: /(--\s*\+goose\s+Up|goose\.AddMigration)/, detail: 'goose migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.prisma-schema', label: 'sensitive', weight: 2.5, path: regexPath(/(^|\/)schema\.prisma$/, 'schema.prisma'), detail: 'Prisma schema: its changes become migrations' },

  // ───────────── sensitive: SQL and DDL ─────────────
  { id: 'sql.ddl-destructive', label: 'sensitive', weight: 3, families: ['sql', ...CODE], content: /\b((?:ALTER|DROP)\s+(?:TABLE|COLUMN|INDEX|SCHEMA|TYPE|CONSTRAINT)|TRUNCATE\s+(?:TABLE\s+)?\w+|RENAME\s+(?:COLUMN|TO))\b/i, detail: 'schema change: {m} (line {line})', maxHits: 3 },
  { id: 'sql.ddl-create', label: 'sensitive', weight: 2, families: ['sql'], content: /\b(CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TYPE|FUNCTION|TRIGGER|POLICY|EXTENSION))\b/i, detail: 'DDL: {m} (line {line})', maxHits: 3 },
  { id: 'sql.privileges', label: 'sensitive', weight: 3, families: ['sql', ...CODE], content: /\b((?:GRANT|REVOKE)\s+[\w, ]+\s+ON|CREATE\s+ROLE|ALTER\s+ROLE|ROW\s+LEVEL\s+SECURITY|CREATE\s+POLICY)\b/i, detail: 'privileges: {m} (line {line})' },
  { id: 'sql.dml-write', label: 'sensitive', weight: 1.5, families: ['sql'], content: /\b(UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i, detail: 'data change: {m} (line {line})', maxHits: 3 },

  // ───────────── sensitive: imports ─────────────
  {
    id: 'import.jwt', label: 'sensitive', weight: 3, dampInTests: true,
    imports: /^(jsonwebtoken|jose|jwt-decode|express-jwt|@nestjs\/jwt|passport-jwt|jwt|jose\.\w+|python_jose|github\.com\/golang-jwt\/jwt(\/v\d+)?|github\.com\/dgrijalva\/jwt-go|github\.com\/lestrrat-go\/jwx.*|io\.jsonwebtoken.*|com\.auth0\.jwt.*|com\.nimbusds\.jwt.*|system\.identitymodel\.tokens\.jwt|microsoft\.identitymodel\.tokens|firebase\.jwt.*|lcobucci\.jwt.*|tymon\.jwtauth.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.password-hashing', label: 'sensitive', weight: 3, dampInTests: true,
    imports: /^(bcrypt|bcryptjs|bcrypt-ts|@node-rs\/bcrypt|argon2|@node-rs\/argon2|scrypt-js|passlib(\..*)?|argon2(\..*)?|golang\.org\/x\/crypto\/(bcrypt|argon2|scrypt|pbkdf2)|org\.mindrot\.jbcrypt.*|org\.springframework\.security\.crypto.*|bcrypt\.net.*|werkzeug\.security|django\.contrib\.auth\.hashers|illuminate\.support\.facades\.hash)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.auth-framework', label: 'sensitive', weight: 3, dampInTests: true,
    imports: /^(passport(-[\w-]+)?|@nestjs\/passport|next-auth(\/.*)?|@auth\/[\w-]+|lucia|better-auth|@clerk\/[\w-]+|firebase-admin\/auth|@supabase\/auth-[\w-]+|flask_login|flask_jwt_extended|flask_security|django\.contrib\.auth.*|rest_framework\.permissions|rest_framework\.authentication|rest_framework_simplejwt.*|fastapi\.security.*|devise|warden|omniauth.*|pundit|cancancan|org\.springframework\.security.*|microsoft\.aspnetcore\.authentication.*|microsoft\.aspnetcore\.authorization|microsoft\.aspnetcore\.identity.*|illuminate\.support\.facades\.(auth|gate)|laravel\.sanctum.*|laravel\.passport.*|casbin|@casl\/ability|accesscontrol|github\.com\/casbin\/casbin.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.oauth', label: 'sensitive', weight: 3, dampInTests: true,
    imports: /^(openid-client|oauth4webapi|simple-oauth2|oauth|@azure\/msal-node|google-auth-library|authlib(\..*)?|oauthlib(\..*)?|requests_oauthlib|golang\.org\/x\/oauth2.*|github\.com\/coreos\/go-oidc.*|org\.springframework\.security\.oauth2.*|microsoft\.identity\.web|league\.oauth2.*|doorkeeper)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.crypto', label: 'sensitive', weight: 2, dampInTests: true,
    imports: /^(crypto|node:crypto|crypto-js|tweetnacl|libsodium-wrappers|sodium-native|node-forge|cryptography(\..*)?|nacl(\..*)?|secrets|hmac|Crypto(\..*)?|crypto\/(aes|cipher|hmac|rsa|ecdsa|ed25519|rand|sha256|subtle|tls|x509)|golang\.org\/x\/crypto\/.*|javax\.crypto.*|java\.security.*|system\.security\.cryptography.*|openssl)$/,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.session', label: 'sensitive', weight: 2, dampInTests: true,
    imports: /^(express-session|cookie-session|iron-session|@fastify\/session|@fastify\/secure-session|@fastify\/cookie|connect-redis|cookie-parser|csurf|csrf-csrf|flask\.sessions?|itsdangerous|github\.com\/gorilla\/(sessions|securecookie|csrf)|django\.contrib\.sessions.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.payments', label: 'sensitive', weight: 3.5, dampInTests: true,
    imports: /^(stripe|@stripe\/[\w-]+|braintree|@paypal\/[\w-]+|paypal-rest-sdk|@adyen\/[\w-]+|adyen|square|razorpay|@paddle\/[\w-]+|chargebee|recurly|@mollie\/[\w-]+|mollie(\..*)?|checkout-sdk-node|github\.com\/stripe\/stripe-go.*|com\.stripe.*|stripe\.net|stripe\..*|plaid|dwolla-v2|@lemonsqueezy\/[\w-]+|paddle_billing)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.secrets-manager', label: 'sensitive', weight: 2.5, dampInTests: true,
    imports: /^(@aws-sdk\/client-(secrets-manager|kms|iam|sts)|@google-cloud\/(secret-manager|kms)|@azure\/keyvault-[\w-]+|node-vault|hvac|github\.com\/hashicorp\/vault\/api)$/i,
    detail: 'imports {m} (line {line})',
  },

  // ───────────── sensitive: content ─────────────
  {
    id: 'content.jwt', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true,
    content: /\b(jwt\.(?:sign|verify|decode|encode|Parse\w*|NewWithClaims)|jwtVerify|SignJWT|jwtDecrypt|Jwts\.parser\w*|JwtSecurityTokenHandler|JWT::(?:encode|decode)|JWT\.(?:decode|encode|require))\b/,
    detail: 'calls {m} (line {line})',
  },
  {
    id: 'content.password-hashing', label: 'sensitive', weight: 3, families: CODE, dampInTests: true,
    content: /\b((?:bcrypt\w*\.(?:hash|compare|hashSync|compareSync|genSalt\w*|hashpw|checkpw|gensalt|GenerateFromPassword|CompareHashAndPassword)|argon2\.(?:hash|verify)|(?:crypto\.)?scrypt(?:Sync)?|(?:crypto\.)?pbkdf2(?:Sync)?|password_hash|password_verify|check_password|make_password|set_password|generate_password_hash|check_password_hash|BCrypt\.\w+|pwd_context\.\w+|hashlib\.pbkdf2_hmac|Hash::(?:make|check))(?=\s*\()|PasswordHasher\b|has_secure_password\b)/,
    detail: 'calls {m} (line {line})',
  },
  {
    id: 'content.crypto', label: 'sensitive', weight: 2, families: CODE, dampInTests: true, maxHits: 4,
    content: /\b(create(?:Cipheriv|Decipheriv|Cipher|Decipher|Hmac|Sign|Verify|PrivateKey|PublicKey)|generateKeyPair\w*|timingSafeEqual|randomBytes|Cipher\.getInstance|Mac\.getInstance|KeyPairGenerator|hmac\.(?:new|compare_digest)|Fernet|AES\.new|secrets\.(?:token_\w+|compare_digest)|SecureRandom|RandomNumberGenerator|subtle\.(?:encrypt|decrypt|sign|verify|importKey|deriveKey)|aes\.NewCipher|cipher\.NewGCM|hmac\.Equal|subtle\.ConstantTimeCompare|openssl_\w+)\b/,
    detail: 'calls {m} (line {line})',
  },
  {
    id: 'content.authz', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 5,
    content: /(\b(?:hasRole|hasAnyRole|hasPermission|hasAuthority|hasAnyAuthority|isAdmin|is_admin|is_superuser|is_staff|requireRole|requireRoles|requireAuth|requirePermission|checkPermission|check_permission|has_perm|has_permission|ensureAuthenticated|isAuthenticated|is_authenticated|authorizeRequest|enforcePolicy|login_required|permission_required|user_passes_test|authenticate_user!|IsAuthenticated|IsAdminUser|AuthGuard|RolesGuard|PermissionsGuard|requireUser|currentUserCan)\b|@(?:PreAuthorize|PostAuthorize|Secured|RolesAllowed|Roles|UseGuards|Authorize)\b|\[Authorize(?:\(|\])|before_action\s+:(?:authenticate|authorize|require_login)\w*|Gate::(?:allows|denies|authorize)|->can\(|\breq\.user\.(?:role|roles|permissions|isAdmin|is_admin|tenantId|orgId)|\brequest\.user\.(?:role|is_staff|is_superuser|has_perm))/,
    // Applying a guard to a route is wiring (see content.route-guard); writing the check is the risky part.
    exclude: /(?:\b\w*(?:[Rr]outer|app|api|server|fastify|[Rr]oute|\br)\.(?:get|post|put|patch|delete|use|all|route)\()|^\s*[\w.]+(?:\([^)\n]*\))?\s*,\s*$/,
    detail: 'permission check: {m} (line {line})',
  },
  {
    id: 'content.route-guard', label: 'sensitive', weight: 0.75, families: CODE, dampInTests: true, maxHits: 3,
    content: /(?:\b\w*(?:[Rr]outer|app|api|server|fastify|[Rr]oute|\br)\.(?:get|post|put|patch|delete|use|all)\([^\n]*?\b|^\s*)((?:require|ensure|check)(?:Auth|Role|Permission|Login|User)\w*|authenticate\w*|authorize\w*|isAuthenticated|passport\.authenticate)(?=[\s,(]|$)/,
    detail: 'route guarded by {m} (line {line})',
  },
  {
    id: 'content.money', label: 'sensitive', weight: 2, families: CODE, dampInTests: true, maxHits: 4,
    content: /(\b(?:\w*(?:amount|price|subtotal|cents|balance|tax|discount|fee|refund|payout|charge)\w*)\s*[*/]=?\s*[\w(.]+|\b(?:total|grand_?total)(?:_?(?:cents|amount|price))\b\s*[-+*/]=?|Math\.(?:round|floor|ceil)\([^)\n]*(?:amount|price|cents|total|tax)|\bnew\s+(?:BigDecimal|Decimal|Money|Dinero)\b|\bDecimal\(\s*['"]|\bcurrency\.js\b|\btoFixed\(\s*2\s*\))/i,
    detail: 'money arithmetic: `{m}` (line {line})',
  },
  {
    id: 'content.transaction', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 4,
    content: /(['"`]\s*(?:BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT)\b|\$transaction\b|\.transaction\(|\b(?:start|commit|rollback|begin)Transaction\b|@Transactional\b|transaction\.atomic\b|with_transaction\b|\bdb\.Begin(?:Tx)?\(|\btx\.(?:Commit|Rollback)\(|\bTransactionScope\b|DB::transaction|\bSELECT\b[^'"`\n]*\bFOR\s+UPDATE\b|isolationLevel|\bSERIALIZABLE\b|session\.begin\(\)|\.transaction\s+do\b|ActiveRecord::Base\.transaction)/,
    detail: 'transaction: {m} (line {line})',
  },
  {
    id: 'content.sql-interpolated', label: 'sensitive', weight: 3, families: CODE, maxHits: 3,
    content: /(`\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^`]{0,400}?\$\{(?![A-Z][A-Z0-9_]*\})|\bf(["'])\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^\n]{0,300}?\{(?![A-Z][A-Z0-9_]*\})\w+[^}]*\}|["']\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^"'\n]*["']\s*\+\s*(?![A-Z][A-Z0-9_]*\b)\w|["']\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^"'\n]*%s[^"'\n]*["']\s*%\s*\(?\w|\.format\(\s*\w+\s*\)\s*$)/,
    detail: 'SQL built from variables: `{m}` (line {line})',
  },
  {
    id: 'content.raw-sql', label: 'sensitive', weight: 1.5, families: CODE, maxHits: 3,
    content: /((?:`|["'])\s*(?:SELECT\s+[\w*,.\s"()]+?\s+FROM\s+\w+|INSERT\s+INTO\s+\w+|UPDATE\s+\w+\s+SET|DELETE\s+FROM\s+\w+))/i,
    detail: 'raw SQL: {m} (line {line})',
  },
  {
    id: 'content.secret-access', label: 'sensitive', weight: 2.5, families: CODE, maxHits: 3,
    content: /((?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|System\.getenv|ENV\.fetch|ENV|Environment\.GetEnvironmentVariable|env)\s*(?:\.|\[|\(|\.get\()\s*['"]?\w*(?:SECRET|PRIVATE_KEY|API_KEY|APIKEY|ACCESS_KEY|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|SIGNING_KEY)\w*)/,
    detail: 'reads a secret: {m} (line {line})',
  },
  {
    id: 'content.private-key', label: 'sensitive', weight: 4,
    content: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----)/,
    detail: 'contains a private key (line {line})',
  },
  {
    id: 'content.hardcoded-secret', label: 'sensitive', weight: 2.5, families: CODE, maxHits: 2, dampInTests: true,
    content: /(\b\w*(?:secret|password|passwd|api_?key|apikey|access_?token|private_?key)\w*\s*[:=]\s*['"][^'"\s]{8,}['"])/i,
    detail: 'hard-coded secret-like value: `{m}` (line {line})',
  },
  {
    id: 'content.webhook-signature', label: 'sensitive', weight: 3, families: CODE,
    content: /\b(webhooks\.constructEvent(?:Async)?|constructEvent|verifyWebhook\w*|verify_webhook\w*|validateWebhook\w*|Webhook\.construct_event|webhook\.ConstructEvent|X-Hub-Signature(?:-256)?|Stripe-Signature|X-Shopify-Hmac-Sha256|X-Slack-Signature|svix-signature|verifySignature|verify_signature|validateSignature)\b/i,
    detail: 'webhook signature check: {m} (line {line})',
  },
  {
    id: 'content.untrusted-deserialization', label: 'sensitive', weight: 3, families: CODE,
    content: /(\bpickle\.loads?\(|\byaml\.(?:load|unsafe_load)\(|\bmarshal\.loads?\(|\bunserialize\(|\bMarshal\.load\(|\bObjectInputStream\b|\bBinaryFormatter\b|\bJavaScriptSerializer\b|\bTypeNameHandling\.(?:All|Auto|Objects)|\bnode-serialize\b|\bserialize\.unserialize\(|(?<![.\w])eval\(|\bnew Function\(|\bvm\.runIn\w+\(|\bexec\(\s*(?:request|req)\.|\bJSON\.parse\(\s*(?:req|request)\.)/,
    detail: 'deserializes or evaluates input: {m} (line {line})',
  },
  {
    id: 'content.untrusted-input-sink', label: 'sensitive', weight: 2, families: CODE, maxHits: 3,
    content: /(\bres\.redirect\(\s*req\.\w+|\bres\.sendFile\(\s*req\.\w+|\bfs\.\w+\(\s*(?:req|request)\.\w+|\bpath\.(?:join|resolve)\([^)\n]*\breq\.(?:params|query|body)|\bsend_file\(\s*request\.|\bredirect\(\s*request\.(?:args|GET|params)|\bopen\(\s*request\.|\bhttp\.get\(\s*req\.|\baxios\.get\(\s*req\.|\brequests\.get\(\s*request\.|\bmulter\(|\bbusboy\b|\bformidable\(|\brequest\.files\b|\bxml2js\b|\blibxmljs\b|\betree\.(?:parse|fromstring)\(|\bDocumentBuilderFactory\b|\bXmlDocument\b)/,
    detail: 'untrusted input reaches {m} (line {line})',
  },
  {
    // Reading or changing a record by an id the client chose is where ownership checks go missing (IDOR).
    id: 'content.record-by-client-id', label: 'sensitive', weight: 1.5, families: CODE, maxHits: 3,
    content: /(\b\w+\(\s*(?:(?:req|request|ctx)\.(?:params|query|body)\.\w*[iI]d\b|(?:req|request)\.params\[['"]\w*id['"]\]|\w+\.parse\(\s*req\.params\)\.\w*[iI]d\b|(?:params|args)\.\w*[iI]d\b)|\b(?:find|get|load|fetch|update|delete|remove)\w*By[Ii]d\(\s*\w*(?:id|Id)\s*[,)])/,
    detail: 'acts on a record chosen by the client: `{m}` (line {line})',
  },
  {
    id: 'content.cookies-sessions', label: 'sensitive', weight: 1.5, families: CODE, dampInTests: true, maxHits: 3,
    content: /(\bres\.cookie\(|\bset_cookie\(|\bsetcookie\(|\bhttpOnly\s*:|\bsameSite\s*:|\breq\.session\b|\bsession\[\s*['":]|\bSESSION_COOKIE_\w+|\bcookies\.signed\b)/,
    detail: 'session or cookie handling: {m} (line {line})',
  },
  {
    id: 'content.oauth', label: 'sensitive', weight: 1.5, families: CODE, dampInTests: true, maxHits: 3,
    content: /\b(client_secret|clientSecret|authorization_code|id_token|idToken|refresh_token|refreshToken|code_verifier|codeVerifier|redirect_uri)\b/,
    detail: 'OAuth/OIDC token handling: {m} (line {line})',
  },

  // ───────────── boilerplate ─────────────
  {
    id: 'path.test', label: 'boilerplate', weight: 3,
    path: (p) => {
      const base = p.slice(p.lastIndexOf('/') + 1);
      if (/\.(test|spec)\.[a-z]+$/.test(base)) return '*.test.* / *.spec.*';
      if (/^test_.*\.py$|_test\.py$/.test(base)) return 'test_*.py';
      if (/_test\.go$/.test(base)) return '*_test.go';
      if (/(test|tests|it)\.(java|kt|cs)$/.test(base)) return '*Test.java';
      if (/_spec\.rb$/.test(base)) return '*_spec.rb';
      if (/test\.php$/.test(base)) return '*Test.php';
      const d = /(?:^|\/)(tests?|__tests__|specs?|e2e|testdata|fixtures)\//.exec(p);
      return d ? `**/${d[1]}/**` : null;
    },
    detail: 'test code: path matches {path}',
  },
  {
    id: 'path.dto', label: 'boilerplate', weight: 2,
    path: segments(['dtos?', 'entities', 'entity', 'models?', 'schemas?', 'serializers?', 'types', 'interfaces', 'constants', 'enums', 'requests', 'responses', 'viewmodels?', 'mappers?']),
    detail: 'data types: path matches {path}',
  },
  {
    id: 'path.routing', label: 'boilerplate', weight: 1.5,
    path: segments(['routes?', 'routers?', 'controllers?', 'handlers?', 'endpoints?', 'urls', 'views', 'resources']),
    detail: 'routing layer: path matches {path}',
  },
  {
    id: 'path.config', label: 'boilerplate', weight: 2,
    path: segments(['config', 'configs', 'configuration', 'settings', 'seeds?', 'seeders?', 'fixtures', 'mocks?', 'stubs?', 'scripts']),
    detail: 'configuration or scaffolding: path matches {path}',
  },
  {
    id: 'kind.config', label: 'boilerplate', weight: 2.5, families: ['config'],
    path: (p) => (/(^|\/)\.env[^/]*$/.test(p) ? null : 'configuration file'),
    detail: '{path}',
  },
  {
    id: 'kind.generated', label: 'boilerplate', weight: 3, headLines: 8,
    content: /(@generated\b|\bDO NOT EDIT\b|\bauto-?generated\b|Code generated .* DO NOT EDIT|This file was automatically generated)/i,
    detail: 'generated code: "{m}" (line {line})',
  },
  {
    id: 'content.crud-routes', label: 'boilerplate', weight: 1, families: CODE, maxHits: 12,
    content: /(\b(?:router|app|r|api|server|fastify)\.(?:get|post|put|patch|delete)\(\s*['"`]|@(?:Get|Post|Put|Patch|Delete)\(|@app\.(?:get|post|put|patch|delete|route)\(|\bpath\(\s*['"]|\bresources?\s+:\w+|\.HandleFunc\(|Route::(?:get|post|put|delete|resource))/,
    detail: 'route registration: {m} (line {line})',
  },
  {
    id: 'content.dto-validation', label: 'boilerplate', weight: 1, families: CODE, maxHits: 12,
    content: /(@(?:IsString|IsInt|IsNumber|IsOptional|IsEmail|IsBoolean|IsUUID|IsDate|Length|Min|Max|ApiProperty|Column|PrimaryGeneratedColumn|JsonProperty|NotNull|NotBlank|Size)\b|\bz\.(?:object|string|number|boolean|array|enum)\(|\b(?:serializers|models|fields)\.\w+Field\(|\bField\(|\bjson:"[\w,]+")/,
    detail: 'declarative field: {m} (line {line})',
  },

  // ───────────── context-heavy ─────────────
  {
    id: 'kind.api-spec', label: 'context-heavy', weight: 5, families: ['config'], headLines: 40, maxHits: 1,
    content: /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:\s*["']?([\d.]+)/,
    detail: '{m} spec (line {line})',
    overrides: ['kind.config'],
  },
  {
    id: 'kind.contract', label: 'context-heavy', weight: 4, families: ['spec'],
    path: (p) => {
      const ext = p.slice(p.lastIndexOf('.') + 1);
      return ({ graphql: 'GraphQL schema', gql: 'GraphQL schema', graphqls: 'GraphQL schema', proto: 'Protocol Buffers contract', avsc: 'Avro schema', thrift: 'Thrift contract', raml: 'RAML spec' } as Record<string, string>)[ext] ?? 'API contract';
    },
    detail: '{path}',
  },
  {
    id: 'kind.json-schema', label: 'context-heavy', weight: 3, families: ['config'], headLines: 5, maxHits: 1,
    content: /("\$schema"\s*:\s*"https?:\/\/json-schema\.org[^"]*")/,
    detail: 'JSON Schema contract (line {line})',
    overrides: ['kind.config'],
  },
  {
    id: 'kind.docs', label: 'context-heavy', weight: 3.5, families: ['markdown'],
    path: (p) => {
      const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
      if (/^(changelog|license|licence|code_of_conduct|contributing)\b/.test(base)) return null;
      return 'documentation (' + (base.split('.').pop() ?? 'text') + ')';
    },
    detail: '{path}',
  },
  {
    id: 'path.design-docs', label: 'context-heavy', weight: 1.5, families: ['markdown', 'spec', 'config'],
    path: segments(['docs?', 'adrs?', 'rfcs?', 'design', 'architecture', 'specs?', 'api-specs?', 'contracts?', 'proposals?']),
    detail: 'design material: path matches {path}',
  },
];

/** Compile `.stakes.json` rules into the same table shape. Patterns were validated by config.ts. */
export function compileCustomRules(rules: CustomRule[]): SignalRule[] {
  return rules.map((r) => {
    const isMatch = r.path ? picomatch(r.path, { dot: true, nocase: true }) : null;
    return {
      id: `custom.${r.id}`,
      label: r.label,
      weight: r.weight,
      path: isMatch ? (p: string) => (isMatch(p) ? r.path! : null) : undefined,
      content: r.pattern ? new RegExp(r.pattern) : undefined,
      detail: r.detail ?? (r.pattern ? `team rule ${r.id}: {m} (line {line})` : `team rule ${r.id}: path matches {path}`),
    };
  });
}
