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
  /**
   * Path test on the lower-cased, workspace-relative path (the original spelling is passed too, for
   * CamelCase file names). With `content`, both must match (a file kind).
   */
  path?: (path: string, original: string) => string | null;
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
  /** A content match counts only on a line that also matches this (tested on candidate lines only, so it is cheap). */
  lineMust?: RegExp;
  /** Content rules skip import lines (imports have their own rules) unless this is set. */
  matchImportLines?: boolean;
  /** When this rule fires, these rules' evidence is dropped (an OpenAPI spec is not "a config file"). */
  overrides?: string[];
  /**
   * A hint that needs company: when nothing in the file's code backs it up (no content or import
   * signal for the same label that stands on its own), it counts for UNCORROBORATED_FACTOR of its weight.
   */
  corroborate?: boolean;
  /** In wiring files (dependency-injection modules) this signal is a registration, not use: it counts a quarter. */
  dampInWiring?: boolean;
  /**
   * Evidence for the learned model only (classify/model.ts weighs it); the signal table's own
   * scoring, used when the model cannot be read, ignores it.
   */
  featureOnly?: boolean;
  /**
   * Decisive by the labelling guide (a migration, a private key, an environment file, an API
   * spec): rare in any corpus, so its weight is not learned; the table weight is added to the
   * label's logit as is (BOOST_PER_WEIGHT per unit).
   */
  decisive?: boolean;
}

/** What a hint that nothing in the file backs up still counts for (see `corroborate`). */
export const UNCORROBORATED_FACTOR = 0.3;
/** What a signal counts for in a wiring file (see `dampInWiring`). */
export const WIRING_FACTOR = 0.25;

/** Dependency-injection module files: they register providers (JwtModule, PassportModule…) and implement nothing. */
export function isWiringFile(path: string): boolean {
  return /\.module\.[cm]?[jt]s$/.test(path);
}

const CODE: Family[] = ['js', 'python', 'go', 'jvm', 'ruby', 'csharp', 'php', 'rust', 'elixir'];
const CODE_AND_SQL: Family[] = [...CODE, 'sql'];

/**
 * A path rule on directory names and file-name stems. Shows the matched segment as a glob.
 * `camel` lists CamelCase suffixes matched on the original spelling (UsersController.java, CreateUserDto.cs),
 * the naming convention of Java, Kotlin, C# and PHP where no separator precedes the role word.
 */
function segments(names: string[], opts: { stems?: boolean; camel?: string[] } = {}): (path: string, original?: string) => string | null {
  const dir = new RegExp(`(?:^|/)(${names.join('|')})/`);
  const stem = new RegExp(`(?:^|[/._-])(${names.join('|')})(?:[._-][^/]*)?\\.[a-z0-9]+$`);
  const camel = opts.camel ? new RegExp(`[a-z0-9](${opts.camel.join('|')})\\.[A-Za-z0-9]+$`) : null;
  return (path, original) => {
    const d = dir.exec(path);
    if (d) return `**/${d[1]}/**`;
    if (opts.stems !== false) {
      const base = path.slice(path.lastIndexOf('/') + 1);
      const s = stem.exec('/' + base);
      if (s) return `*${s[1]}*`;
    }
    if (camel && original) {
      const c = camel.exec(original.slice(original.lastIndexOf('/') + 1));
      if (c) return `*${c[1]}.*`;
    }
    return null;
  };
}

function regexPath(re: RegExp, shown: string): (path: string) => string | null {
  return (path) => (re.test(path) ? shown : null);
}

export const DEFAULT_RULES: SignalRule[] = [
  // ───────────── what code does (learned weights only): comparisons with the current user, denials, money arithmetic… ─────────────
  { id: 'op.ownership-compare', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /\b(?:owner|user|author|creator|account|tenant|org(?:anization)?|member|customer|team|workspace|project)_?[iI]d\b\s*(?:!==?|===?|!=|==)|(?:!==?|===?|!=|==)\s*(?:current_?[uU]ser|req\.user|request\.user|ctx\.user|session\[?)/, detail: 'ownership compare: {m} (line {line})' },
  { id: 'op.access-denied', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /\b(?:403|401)\b|Forbidden|Unauthori[sz]ed|PermissionDenied|AccessDenied|NotAuthorized|NotPermitted|forbid(?:den)?!?\b|access_denied/, detail: 'access denied: {m} (line {line})' },
  { id: 'op.constant-time-compare', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /compare_digest|timingSafeEqual|hmac\.Equal|ConstantTimeCompare|secure_compare|FixedTimeEquals|constant_time_compare|MessageDigest\.isEqual|hash_equals|subtle\.ConstantTime/, detail: 'constant time compare: {m} (line {line})' },
  { id: 'op.transaction', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /transaction\.atomic|\.transaction\s*[({]|\bBEGIN\b|@Transactional|beginTransaction|BeginTx|BeginTransaction|WithTransaction|\.Transaction\(|DB::transaction|transaction do|Repo\.transaction|Ecto\.Multi|\.commit\(\)|\.rollback\(\)|\bCOMMIT\b|\bROLLBACK\b|savepoint/, detail: 'transaction: {m} (line {line})' },
  { id: 'op.lock', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /FOR UPDATE|select_for_update|with_lock|\block!|pg_advisory|advisory_lock|lockForUpdate|\.lock\(\)|\bMutex\b|RwLock|sync\.Mutex|\bflock\b|SKIP LOCKED|Semaphore/, detail: 'lock: {m} (line {line})' },
  { id: 'op.money-arithmetic', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /\b(?:amount|price|total|balance|cost|fee|tax|discount|subtotal|credit|debit|refund|payout)\w*\s*(?:[-+*/]=|=\s*[\w.()[\]]+\s*[-+*/]\s)|\b(?:bcadd|bcsub|bcmul|bcdiv)\b|BigDecimal|\bDecimal\(|Money\.|\.cents\b|minor_?units?|Currency\b/, detail: 'money arithmetic: {m} (line {line})' },
  { id: 'op.token-generation', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /randomBytes|random_bytes|SecureRandom|secrets\.token|rand\.Read|getRandomValues|RandomNumberGenerator|urandom|token_urlsafe|generate_?(?:token|secret|key|code|otp)|Generate(?:Token|Secret|Key|Code)/i, detail: 'token generation: {m} (line {line})' },
  { id: 'op.weak-random', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /Math\.random|\bmt_rand\b|\brandom\.(?:choice|randint|random)\b|math\/rand|new Random\(/, detail: 'weak random: {m} (line {line})' },
  { id: 'op.hashing', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /sha256|sha512|sha1\b|\bmd5\b|hashlib|MessageDigest|hash_hmac|createHash|createHmac|\bHmac\w*|HMAC|bcrypt|argon2|scrypt|pbkdf2|password_hash|password_verify|Digest::/i, detail: 'hashing: {m} (line {line})' },
  { id: 'op.cipher', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /\b(?:en|de)crypt\w*|\bCipher\w*|\bAES\w*|createCipheriv|secretbox|\baead\b|\bGCM\b|\bRSA\w*|PrivateKey|PublicKey|\bsign(?:ature)?\s*\(/, detail: 'cipher: {m} (line {line})' },
  { id: 'op.redirect-from-input', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /redirect\w*\s*\(\s*(?:params|request|req\.|query|ctx\.|c\.Query|r\.URL|next|return_?[tT]o|returnUrl|url\b)|(?:return_?[tT]o|returnUrl|next_url|redirect_uri|redirectTo)\b/, detail: 'redirect from input: {m} (line {line})' },
  { id: 'op.outbound-request', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /(?:requests\.(?:get|post|put|request)|\bfetch|axios(?:\.\w+)?|http\.(?:Get|Post|NewRequest)|urlopen|HttpClient|Net::HTTP|RestTemplate|WebClient|curl_exec|file_get_contents|Faraday|HTTParty)\s*\(\s*(?![\s'"`])/, detail: 'outbound request: {m} (line {line})' },
  { id: 'op.bulk-delete', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /delete_all|destroy_all|\.delete\(\)|DELETE\s+FROM|\bTRUNCATE\b|->delete\(\)|RemoveRange|deleteMany|bulk_delete|\bpurge\w*|ExecuteDelete/i, detail: 'bulk delete: {m} (line {line})' },
  { id: 'op.file-upload', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /multipart|\bupload\w*|UploadedFile|MultipartFile|IFormFile|formidable|multer|busboy|\$_FILES|extractall|ZipFile|ZipArchive|tarfile|unzip/i, detail: 'file upload: {m} (line {line})' },
  { id: 'op.security-headers', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /Content-Security-Policy|Strict-Transport-Security|X-Frame-Options|X-Content-Type-Options|SameSite|HttpOnly|\bhelmet\b|Access-Control-Allow|\bCORS\b/i, detail: 'security headers: {m} (line {line})' },
  { id: 'op.rate-limit', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /rate_?limit|RateLimit|\bthrottl\w*|Rack::Attack|\blimiter\b|brute_?force|lockout|captcha/i, detail: 'rate limit: {m} (line {line})' },
  { id: 'op.sql-built', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /(?:execute|query|raw|exec|Raw|Exec|Query)\s*\(\s*(?:f["']|["'`][^"'`]*["'`]\s*[+%]|[`"'][^`"']*(?:\$\{|#\{|%s|\{\}))/, detail: 'sql built: {m} (line {line})' },
  { id: 'op.secret-from-env', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /(?:process\.env|os\.environ|ENV\[|ENV\.fetch|getenv|Getenv|System\.getenv|\benv\()\s*[[(.]?\s*["']?\w*(?:SECRET|TOKEN|KEY|PASSWORD|PASS|CREDENTIAL)\w*/i, detail: 'secret from env: {m} (line {line})' },
  { id: 'op.password-handling', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /password(?:_digest|Hash|_hash)?\s*(?:==|!=|=)|check_?password|verify_?password|authenticate\(|has_secure_password|PasswordHasher|passwordEncoder|VerifyHashedPassword|isValidPassword|comparePassword/i, detail: 'password handling: {m} (line {line})' },
  // A lookup scoped through the signed-in principal or tenant (current_user.posts.find, Current.family.accounts,
  // filter(owner=request.user), where: { userId: session.user.id }): the ownership check done in the query itself.
  { id: 'op.principal-scoped-query', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], maxHits: 8, content: /\bcurrent_(?:user|account|organization|org|tenant|team|workspace|company|membership|family|space|project)\.\w+\.(?:find|find_by!?|where|find_or_create_by|includes|joins|new|build|create!?|exists\?|kept|order)\b|\bCurrent\.(?:user|family|account|organization|workspace|team)\.\w+\.\w+|\b(?:auth\(\)->user\(\)|Auth::user\(\)|\$request->user\(\))->\w+\(\)->|\b(?:where|filter|filter_by|exclude|get_object_or_404|get_or_404|find_by|findFirst|findFirstOrThrow|findMany|findUnique|findUniqueOrThrow|findOne|findAll|findBy\w*|count|exists|update|updateMany|delete|deleteMany|Where|First|Find)\b[^\n]*?\b(?:request\.user|self\.request\.user|req\.user|ctx\.user|ctx\.state\.user|session\.user|currentUser|current_user|auth\(\)->id\(\)|Auth::id\(\)|getCurrentUserId\(\)|GetUserId\(\)|conn\.assigns\.current_\w+|socket\.assigns\.current_\w+|user\.(?:id|ID|Id)\b|userId\b|user_id\b)/, detail: 'query scoped to the principal: {m} (line {line})' },
  { id: 'op.permission-check', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /(?:\bcan\?|\bcannot\?|\bcan\(|\bauthorize!?|has_?[pP]ermission|hasRole|has_role|is_?[aA]dmin|isAllowed|is_allowed|check_?[pP]ermission|require_?[pP]ermission|allowed_to\?|permitted\?|policy_scope|Gate::|->can\(|\.can\(|user_passes_test|PreAuthorize|Secured|RolesAllowed|\[Authorize)/, detail: 'permission check: {m} (line {line})' },
  { id: 'op.ddl', label: 'sensitive', weight: 1, featureOnly: true, families: [...CODE_AND_SQL], matchImportLines: true, maxHits: 8, content: /\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|COLUMN|TYPE|SCHEMA|CONSTRAINT)\b|add_column|remove_column|create_table|drop_table|add_index|Schema::(?:create|table|drop)|\$table->|op\.(?:add|drop|alter|create)_|migrations\.(?:AddField|RemoveField|AlterField|CreateModel)|migrationBuilder\.|queryInterface\./, detail: 'ddl: {m} (line {line})' },
  // ───────────── sensitive: paths ─────────────
  {
    // A path name is a prior, not proof: an auth/ folder also holds DTOs, enums and module wiring.
    id: 'path.auth', label: 'sensitive', weight: 2.5, dampInTests: true, corroborate: true, dampInWiring: true,
    path: segments(['auth', 'authn', 'authz', 'authentication', 'authorization', 'login', 'logout', 'signin', 'signup',
      'oauth', 'oauth2', 'oidc', 'sso', 'saml', 'sessions?', 'permissions?', 'rbac', 'acls?', 'polic(?:y|ies)', 'guards?',
      'iam', 'identity', 'security', 'crypto', 'secrets?', 'vault', 'kms', 'jwt', 'passwords?', 'credentials?', 'mfa', 'totp',
      'access[-_]control', 'gating', 'content[-_]gating', 'entitlements?', 'guardians?']),
    detail: 'path matches {path}',
  },
  {
    id: 'path.money', label: 'sensitive', weight: 2.5, dampInTests: true, corroborate: true, dampInWiring: true,
    path: segments(['payments?', 'billing', 'checkout', 'invoices?', 'invoicing', 'subscriptions?', 'wallets?', 'ledgers?',
      'refunds?', 'payouts?', 'stripe', 'charges?', 'transfers?', 'settlements?', 'pricing']),
    detail: 'path matches {path}',
  },
  {
    id: 'path.migrations', label: 'sensitive', weight: 3,
    path: segments(['migrations?', 'migrate', 'alembic', 'flyway', 'liquibase', 'schema-changes'], { stems: false }),
    detail: 'path matches {path}',
  },
  // A changelog/ folder is as often release notes (.md, .toml, .yml) as Liquibase: only its XML and SQL count
  // here; a Liquibase YAML or JSON changelog is recognised by its content (kind.migration.liquibase).
  {
    id: 'path.migrations.changelog', label: 'sensitive', weight: 3,
    path: regexPath(/(?:^|\/)changelogs?\/(?:[^/]+\/)*[^/]+\.(?:xml|sql)$/, '**/changelog/**/*.{xml,sql}'),
    detail: 'path matches {path}',
  },
  { id: 'path.webhooks', label: 'sensitive', weight: 2, dampInTests: true, corroborate: true, path: segments(['webhooks?', 'hooks/stripe']), detail: 'path matches {path}' },
  { id: 'path.admin', label: 'sensitive', weight: 1.5, dampInTests: true, corroborate: true, path: segments(['admin']), detail: 'path matches {path}' },
  // .env.example / .sample / .template are committed placeholders, not secrets.
  { id: 'path.env-file', decisive: true, label: 'sensitive', weight: 3.5, path: regexPath(/(^|\/)\.env(?!\.(?:example|sample|template|dist|defaults?)$)(\.[\w-]+)?$/, '.env*'), detail: 'environment file: holds secrets ({path})' },

  // ───────────── sensitive: migration file kinds ─────────────
  { id: 'kind.migration.prisma', decisive: true, label: 'sensitive', weight: 4, path: regexPath(/(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/, 'prisma/migrations/*/migration.sql'), detail: 'Prisma migration ({path})' },
  { id: 'kind.migration.flyway', decisive: true, label: 'sensitive', weight: 4, path: regexPath(/(^|\/)[vur]\d+(?:[._]\d+)*__[^/]+\.sql$/, 'V<n>__*.sql'), detail: 'Flyway migration ({path})' },
  { id: 'kind.migration.golang-migrate', decisive: true, label: 'sensitive', weight: 4, path: regexPath(/(^|\/)\d+_[^/]+\.(?:up|down)\.sql$/, '<n>_*.up.sql'), detail: 'golang-migrate migration ({path})' },
  { id: 'kind.migration.rails', decisive: true, label: 'sensitive', weight: 4, families: ['ruby'], content: /(ActiveRecord::Migration(?:\[[\d.]+\])?)/, detail: 'Rails migration ({m}, line {line})' },
  { id: 'kind.migration.django', decisive: true, label: 'sensitive', weight: 4, families: ['python'], content: /\b(migrations\.Migration)\b/, detail: 'Django migration ({m}, line {line})' },
  { id: 'kind.migration.alembic', decisive: true, label: 'sensitive', weight: 4, families: ['python'], content: /^\s*(from alembic import op|op\.(?:add_column|drop_column|alter_column|create_table|drop_table|create_index|execute)\b)/, detail: 'Alembic migration ({m}, line {line})', maxHits: 1, matchImportLines: true },
  { id: 'kind.migration.typeorm', decisive: true, label: 'sensitive', weight: 4, families: ['js'], content: /\b(implements\s+MigrationInterface|queryRunner\.(?:query|addColumn|dropColumn|createTable|dropTable|createIndex))\b/, detail: 'TypeORM migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.sequelize', decisive: true, label: 'sensitive', weight: 4, families: ['js'], content: /\b(queryInterface\.(?:addColumn|removeColumn|changeColumn|createTable|dropTable|addIndex|addConstraint|renameColumn|sequelize\.query))\b/, detail: 'Sequelize migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.knex', decisive: true, label: 'sensitive', weight: 4, families: ['js'], content: /\b(knex\.schema\.(?:createTable|alterTable|table|dropTable|raw|renameTable)|exports\.up\s*=|export\s+(?:async\s+)?function\s+up\s*\(\s*knex)/, detail: 'Knex migration ({m}, line {line})', maxHits: 1 },
  { id: 'kind.migration.liquibase', decisive: true, label: 'sensitive', weight: 4, families: ['config'], content: /\b(databaseChangeLog)\b/, detail: 'Liquibase changelog ({m}, line {line})', maxHits: 1, overrides: ['kind.config'] },
  { id: 'kind.migration.goose', decisive: true, label: 'sensitive', weight: 4, families: ['sql', 'go'], content: /(--\s*\+goose\s+Up|goose\.AddMigration)/, detail: 'goose migration ({m}, line {line})', maxHits: 1 },
  // schema.prisma is the database schema, not configuration and not a DTO file.
  { id: 'kind.prisma-schema', label: 'sensitive', weight: 3, path: regexPath(/(^|\/)schema\.prisma$/, 'schema.prisma'), detail: 'Prisma schema: its changes become migrations', overrides: ['kind.config', 'path.dto'] },

  // ───────────── sensitive: SQL and DDL ─────────────
  { id: 'sql.ddl-destructive', label: 'sensitive', weight: 3, families: ['sql', ...CODE], content: /\b((?:ALTER|DROP)\s+(?:TABLE|COLUMN|INDEX|SCHEMA|TYPE|CONSTRAINT)|TRUNCATE\s+(?:TABLE\s+)?\w+|RENAME\s+(?:COLUMN|TO))\b/i, detail: 'schema change: {m} (line {line})', maxHits: 3 },
  { id: 'sql.ddl-create', label: 'sensitive', weight: 2, families: ['sql'], content: /\b(CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TYPE|FUNCTION|TRIGGER|POLICY|EXTENSION))\b/i, detail: 'DDL: {m} (line {line})', maxHits: 3 },
  { id: 'sql.privileges', label: 'sensitive', weight: 3, families: ['sql', ...CODE], content: /\b((?:GRANT|REVOKE)\s+[\w, ]+\s+ON|CREATE\s+ROLE|ALTER\s+ROLE|ROW\s+LEVEL\s+SECURITY|CREATE\s+POLICY)\b/i, detail: 'privileges: {m} (line {line})' },
  { id: 'sql.dml-write', label: 'sensitive', weight: 1.5, families: ['sql'], content: /\b(UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i, detail: 'data change: {m} (line {line})', maxHits: 3 },

  // ───────────── sensitive: imports ─────────────
  {
    id: 'import.jwt', label: 'sensitive', dampInWiring: true, weight: 3, dampInTests: true,
    imports: /^(jsonwebtoken|jose|jwt-decode|express-jwt|@nestjs\/jwt|passport-jwt|jwt|jose\.\w+|python_jose|github\.com\/golang-jwt\/jwt(\/v\d+)?|github\.com\/dgrijalva\/jwt-go|github\.com\/lestrrat-go\/jwx.*|io\.jsonwebtoken.*|com\.auth0\.jwt.*|com\.nimbusds\.jwt.*|system\.identitymodel\.tokens\.jwt|microsoft\.identitymodel\.tokens|firebase\.jwt.*|lcobucci\.jwt.*|tymon\.jwtauth.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.password-hashing', label: 'sensitive', dampInWiring: true, weight: 3, dampInTests: true,
    imports: /^(bcrypt|bcryptjs|bcrypt-ts|@node-rs\/bcrypt|argon2|@node-rs\/argon2|scrypt-js|passlib(\..*)?|argon2(\..*)?|golang\.org\/x\/crypto\/(bcrypt|argon2|scrypt|pbkdf2)|org\.mindrot\.jbcrypt.*|org\.springframework\.security\.crypto.*|bcrypt\.net.*|werkzeug\.security|django\.contrib\.auth\.hashers|illuminate\.support\.facades\.hash)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.auth-framework', label: 'sensitive', weight: 3, dampInTests: true, dampInWiring: true,
    // The annotation and guard modules are left to import.auth-wiring below.
    imports: /^(?!(?:@nestjs\/passport|microsoft\.aspnetcore\.authorization|org\.springframework\.security\.core\.annotation.*|org\.springframework\.security\.access\.(?:annotation|prepost).*|rest_framework\.permissions|django\.contrib\.auth(?:\.(?:decorators|mixins|models))?)$)(passport(-[\w-]+)?|next-auth(\/.*)?|@auth\/[\w-]+|lucia|better-auth|@clerk\/[\w-]+|firebase-admin\/auth|@supabase\/auth-[\w-]+|flask_login|flask_jwt_extended|flask_security|django\.contrib\.auth.*|rest_framework\.authentication|rest_framework_simplejwt.*|fastapi\.security.*|devise|warden|omniauth.*|pundit|cancancan|org\.springframework\.security.*|microsoft\.aspnetcore\.authentication.*|microsoft\.aspnetcore\.identity.*|illuminate\.support\.facades\.(auth|gate)|laravel\.sanctum.*|laravel\.passport.*|casbin|@casl\/ability|accesscontrol|github\.com\/casbin\/casbin.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    // Importing a framework's guard or annotation module ([Authorize], @AuthenticationPrincipal, AuthGuard,
    // DRF permission classes, Django's User model) applies auth that lives elsewhere: a hint, not the work.
    id: 'import.auth-wiring', label: 'sensitive', weight: 1, dampInTests: true, dampInWiring: true,
    imports: /^(@nestjs\/passport|microsoft\.aspnetcore\.authorization|org\.springframework\.security\.core\.annotation.*|org\.springframework\.security\.access\.(?:annotation|prepost).*|rest_framework\.permissions|django\.contrib\.auth(?:\.(?:decorators|mixins|models))?)$/i,
    detail: 'imports {m} (line {line}): applies auth defined elsewhere',
  },
  {
    id: 'import.oauth', label: 'sensitive', dampInWiring: true, weight: 3, dampInTests: true,
    imports: /^(openid-client|oauth4webapi|simple-oauth2|oauth|@azure\/msal-node|google-auth-library|authlib(\..*)?|oauthlib(\..*)?|requests_oauthlib|golang\.org\/x\/oauth2.*|github\.com\/coreos\/go-oidc.*|org\.springframework\.security\.oauth2.*|microsoft\.identity\.web|league\.oauth2.*|doorkeeper|socialite|laravel\.socialite.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    // Often imported only for randomUUID/randomBytes: it needs crypto code in the file to count fully.
    id: 'import.crypto', label: 'sensitive', weight: 2, dampInTests: true, corroborate: true, dampInWiring: true,
    imports: /^(crypto|node:crypto|crypto-js|tweetnacl|libsodium-wrappers|sodium-native|node-forge|cryptography(\..*)?|nacl(\..*)?|secrets|hmac|Crypto(\..*)?|crypto\/(aes|cipher|hmac|rsa|ecdsa|ed25519|rand|sha256|subtle|tls|x509)|golang\.org\/x\/crypto\/.*|javax\.crypto.*|java\.security.*|system\.security\.cryptography.*|openssl)$/,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.session', label: 'sensitive', dampInWiring: true, weight: 2, dampInTests: true,
    imports: /^(express-session|cookie-session|iron-session|@fastify\/session|@fastify\/secure-session|@fastify\/cookie|connect-redis|cookie-parser|csurf|csrf-csrf|flask\.sessions?|itsdangerous|github\.com\/gorilla\/(sessions|securecookie|csrf)|django\.contrib\.sessions.*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.payments', label: 'sensitive', dampInWiring: true, weight: 3.5, dampInTests: true,
    imports: /^(stripe|@stripe\/[\w-]+|braintree|@paypal\/[\w-]+|paypal-rest-sdk|@adyen\/[\w-]+|adyen|square|razorpay|@paddle\/[\w-]+|chargebee|recurly|@mollie\/[\w-]+|mollie(\..*)?|checkout-sdk-node|github\.com\/stripe\/stripe-go.*|com\.stripe.*|stripe\.net|stripe\..*|plaid|dwolla-v2|@lemonsqueezy\/[\w-]+|paddle_billing|aop\.api(\..*)?|alipay(\..*)?|alipay-sdk|com\.alipay\..*|wechatpay\w*(\..*)?|com\.github\.wechatpay\..*)$/i,
    detail: 'imports {m} (line {line})',
  },
  {
    id: 'import.secrets-manager', label: 'sensitive', dampInWiring: true, weight: 2.5, dampInTests: true,
    imports: /^(@aws-sdk\/client-(secrets-manager|kms|iam|sts)|@google-cloud\/(secret-manager|kms)|@azure\/keyvault-[\w-]+|node-vault|hvac|github\.com\/hashicorp\/vault\/api)$/i,
    detail: 'imports {m} (line {line})',
  },

  // ───────────── sensitive: content ─────────────
  {
    id: 'content.jwt', decisive: true, label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true,
    // Also the token services apps wrap around the library (jwtService.signAsync, _jwtTokenGenerator.CreateToken).
    content: /\b(jwt\.(?:sign|verify|decode|encode|Parse\w*|NewWithClaims)|jwtVerify|SignJWT|jwtDecrypt|Jwts\.parser\w*|JwtSecurityTokenHandler|JWT::(?:encode|decode)|JWT\.(?:decode|encode|require)|\b_?(?:jwt|[a-z]+Jwt)\w*\.(?:[cC]reate|[gG]enerate|[sS]ign|[iI]ssue|[vV]erify|[vV]alidate|[dD]ecode)\w*(?=\s*\())/,
    detail: 'calls {m} (line {line})',
  },
  {
    id: 'content.password-hashing', decisive: true, label: 'sensitive', weight: 3, families: CODE, dampInTests: true,
    content: /\b((?:bcrypt\w*\.(?:hash|compare|hashSync|compareSync|genSalt\w*|hashpw|checkpw|gensalt|GenerateFromPassword|CompareHashAndPassword)|argon2\.(?:hash|verify)|(?:crypto\.)?scrypt(?:Sync)?|(?:crypto\.)?pbkdf2(?:Sync)?|password_hash|password_verify|check_password|make_password|set_password|generate_password_hash|check_password_hash|BCrypt\.\w+|pwd_context\.\w+|hashlib\.pbkdf2_hmac|Hash::(?:make|check)|this->hash(?:er)?->(?:make|check|needsRehash)|_?[pP]asswordHasher\.\w+|_?[pP]assword[eE]ncoder\.(?:encode|matches)|VerifyHashedPassword|HashPassword|(?:hash|digest)_(?:api_)?(?:key|token|secret)|hash(?:Api)?(?:Key|Token|Secret))(?=\s*\()|PasswordHasher\b|has_secure_password\b)/,
    detail: 'calls {m} (line {line})',
  },
  {
    // Changing a password or issuing/revoking tokens is an account-takeover surface even when the hashing
    // lives elsewhere. Declaring a form or DTO named after it (class ResetPasswordForm(...)) is not.
    id: 'content.credential-change', decisive: true, label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 2,
    content: /((?:\bnew\s+|\b)(?:[uU]pdate|[cC]hange|[rR]eset)(?:User)?Password\w*(?=\s*\()|\b(?:update|change|reset)_(?:user_)?password\w*(?=\s*\()|\b(?:revoke|issue|rotate|refresh)_?(?:[aA]ccess_?|[rR]efresh_?|[aA]pi_?)?(?:[tT]okens?|[sS]ecrets?|[kK]eys?)!?(?=\s*\(|[ \t]*(?![^\n]))|\b(?:revoke|issue|rotate|refresh)(?:Access|Refresh|Api)?(?:Token|Secret|Key)s?(?=\s*\())/,
    // Declaring a type, function or constructor named after the change is not making it.
    exclude: /^\s*(?:export\s+)?(?:public\s+|abstract\s+)*(?:class|def|function|interface|type|struct)\s|^\s*(?:public|private|protected|internal)\s+[A-Z]\w*\s*\(/,
    detail: 'changes credentials: {m} (line {line})',
  },
  {
    id: 'content.crypto', label: 'sensitive', weight: 2, families: CODE, dampInTests: true, maxHits: 4,
    content: /\b(create(?:Cipheriv|Decipheriv|Cipher|Decipher|Hmac|Sign|Verify|PrivateKey|PublicKey)|generateKeyPair\w*|timingSafeEqual|Cipher\.getInstance|Mac\.getInstance|KeyPairGenerator|hmac\.(?:new|compare_digest)|Fernet|AES\.new|secrets\.compare_digest|subtle\.(?:encrypt|decrypt|sign|verify|importKey|deriveKey)|aes\.NewCipher|cipher\.NewGCM|hmac\.Equal|subtle\.ConstantTimeCompare|openssl_\w+|HMACSHA\d+|OpenSSL::(?:HMAC|Cipher|PKey)|Rfc2898DeriveBytes|(?:hotp|totp|authenticator)\.(?:generate|verify|check)|[tT]wo[fF]actor\w*(?:->|\.)(?:verify|check|validate|enable|disable|confirm)|[mM]fa\w*(?:->|\.)(?:verify|check|validate|enable|disable))\b/,
    detail: 'calls {m} (line {line})',
  },
  {
    // Random IDs and tokens (randomUUID, SecureRandom.hex, secrets.token_urlsafe) are routine on their own.
    id: 'content.random-token', label: 'sensitive', weight: 1, families: CODE, dampInTests: true, corroborate: true, maxHits: 2,
    content: /\b(randomBytes|randomUUID|getRandomValues|SecureRandom(?:\.\w+)?|RandomNumberGenerator|secrets\.token_\w+|get_random_string|crypto\/rand|rand\.Read)\b/,
    detail: 'generates a random value: {m} (line {line})',
  },
  {
    id: 'content.authz', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 5,
    // Code that decides access: role and permission tests, policy calls, access verdicts.
    content: /(\b(?:hasRole|hasAnyRole|hasPermission|hasAuthority|hasAnyAuthority|isAdmin|is_admin|is_superuser|is_staff|requireRole|requireRoles|requireAuth|requirePermission|checkPermission|check_permission|has_perm|has_permission|has_object_permission|ensureAuthenticated|isAuthenticated|is_authenticated|authorizeRequest|enforcePolicy|user_passes_test|requireUser|currentUserCan|isOwner|is_owner|(?:check|can|has|verify|ensure|assert)\w*Access|(?:PERMIT|DENY|BLOCK|ALLOW|GRANT)_ACCESS)\b|@(?:PreAuthorize|PostAuthorize)\b|\bclass\s+\w+Policy\b|\bextends\s+Voter\b|\bdef\s+can_\w+\?|Gate::(?:allows|denies|authorize)|->can\(|\$this->authorize\(|\b(?:authorize|can|cannot)\(\s*[\w.]+\s*,\s*["'][\w.:-]+["']|\breq\.user\.(?:role|roles|permissions|isAdmin|is_admin|tenantId|orgId)|\brequest\.user\.(?:role|is_staff|is_superuser|has_perm))/,
    // Applying a guard to a route is wiring (see content.route-guard); writing the check is the risky part.
    exclude: /(?:\b\w*(?:[Rr]outer|app|api|server|fastify|[Rr]oute|\br)\.(?:get|post|put|patch|delete|use|all|route)\()|^\s*[\w.]+(?:\([^)\n]*\))?\s*,\s*$/,
    detail: 'permission check: {m} (line {line})',
  },
  {
    // Declaring which guard or role protects a handler (@UseGuards, @Roles, [Authorize], permission_classes)
    // applies a check written elsewhere: CRUD controllers are full of it.
    id: 'content.authz-applied', label: 'sensitive', weight: 0.75, families: CODE, dampInTests: true, maxHits: 3,
    content: /(@(?:Secured|RolesAllowed|Roles|UseGuards|Authorize|(?:\w+\.)?login_required|permission_required)\b|\[Authorize(?:\(|\])|\b(?:IsAuthenticated|IsAdminUser|IsAuthenticatedOrReadOnly|AuthGuard|RolesGuard|PermissionsGuard|LoginRequiredMixin)\b|before_action\s+:(?:authenticate|authorize|require_login)\w*|authenticate_user!)/,
    detail: 'applies a guard: {m} (line {line})',
  },
  {
    // Raw card data puts the code in PCI scope whatever library (or none) processes it.
    id: 'content.card-data', label: 'sensitive', weight: 3, families: CODE, dampInTests: true, maxHits: 3,
    content: /\b(credit_?card_?number|card_?number|cardNumber|credit_card_cvv|card_?cvv|cvv2?|cvc|card_?expir\w*|credit_card_expiration_\w+|cardValidator|luhn\w*)\b/i,
    detail: 'handles card data: {m} (line {line})',
  },
  {
    // Authorizing, capturing, refunding or voiding a payment moves money, whichever provider does it.
    id: 'content.payment-ops', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 3,
    content: /\b((?:authorize|capture|refund|void|cancel|charge|payout)_?(?:[pP]ayment|[cC]harge|[pP]ayout|[iI]ntent)s?\w*)(?=\s*\()/,
    detail: 'payment operation: {m} (line {line})',
  },
  {
    // A money value type or a currency comparison is where rounding and mixing bugs live.
    id: 'content.money-type', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 3,
    content: /(\b(?:type|class|struct|record|interface|data\s+class)\s+(?:Money|MonetaryAmount|Currency)\b|[cC]urrency(?:_?[cC]ode)?(?:\(\))?\s*!==?\s*[\w.]*[cC]urrency(?:_?[cC]ode)?\b)/,
    detail: 'money type: `{m}` (line {line})',
  },
  {
    id: 'content.route-guard', label: 'sensitive', weight: 0.75, families: CODE, dampInTests: true, maxHits: 3,
    content: /\b((?:require|ensure|check)(?:Auth|Role|Permission|Login|User)\w*|authenticate\w*|authorize\w*|isAuthenticated|passport\.authenticate)(?=[\s,(]|$)/,
    // Only as a route-registration argument (same line, or alone on a line of a multi-line argument list).
    lineMust: /\b\w*(?:[Rr]outer|app|api|server|fastify|[Rr]oute|r)\.(?:get|post|put|patch|delete|use|all)\(|^\s*(?:(?:require|ensure|check)(?:Auth|Role|Permission|Login|User)\w*|authenticate\w*|authorize\w*|isAuthenticated|passport\.authenticate)\b/,
    detail: 'route guarded by {m} (line {line})',
  },
  {
    id: 'content.money', label: 'sensitive', weight: 2, families: CODE, dampInTests: true, maxHits: 4,
    content: /((?:amount|price|subtotal|cents|balance|tax|discount|fee|refund|payout|charge)\w*\s*[*/]=?\s*[\w(.]+|\b(?:total|grand_?total)(?:_?(?:cents|amount|price))\b\s*[-+*/]=?|Math\.(?:round|floor|ceil)\([^)\n]*(?:amount|price|cents|total|tax)|\bnew\s+(?:BigDecimal|Decimal|Money|Dinero)\b|\bDecimal\(\s*['"]|\bcurrency\.js\b|(?:amount|price|total|cost|balance|fee|tax|cents)\w*\)?\.toFixed\(\s*2\s*\))/i,
    detail: 'money arithmetic: `{m}` (line {line})',
  },
  {
    // Row locks exist to keep concurrent writers from corrupting data: by the labelling guide that is
    // sensitive work whatever surrounds it (every training file that takes one is labelled so).
    id: 'content.row-lock', decisive: true, label: 'sensitive', weight: 2, families: CODE, dampInTests: true, maxHits: 2,
    content: /(\bFOR (?:NO KEY )?UPDATE\b|\bselect_for_update\b|\bwith_for_update\b|\blockForUpdate\(|\bsharedLock\(|\.with_lock\b|\block!|\bPESSIMISTIC_(?:WRITE|READ)\b|\bpg_advisory_xact_lock\b|\bFOR SHARE\b|\bSKIP LOCKED\b)/,
    detail: 'row lock: {m} (line {line})',
  },
  {
    id: 'content.transaction', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 4,
    // A read-only transaction changes nothing: it is not the risky kind.
    exclude: /\breadOnly\s*=\s*true|\bread_only\s*=\s*True/,
    content: /(['"`]\s*(?:BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT)\b|\$transaction\b|\.transaction\(|\b(?:start|commit|rollback|begin)Transaction\b|@Transactional\b|transaction\.atomic\b|with_transaction\b|\bdb\.Begin(?:Tx)?\(|\btx\.(?:Commit|Rollback)\(|\bTransactionScope\b|DB::transaction|\bSELECT\b[^'"`\n]*\bFOR UPDATE\b|isolationLevel|\bSERIALIZABLE\b|session\.begin\(\)|\.transaction\s+do\b|ActiveRecord::Base\.transaction|\bWith(?:Tx|Transaction)\(|\b(?:pgx|sql)\.Tx\b|\bselect_for_update\(|\bforUpdate\s*:\s*true|\bLock\w*ForUpdate\(|\blockForUpdate\(|\bwith_lock\b)/,
    detail: 'transaction: {m} (line {line})',
  },
  {
    id: 'content.sql-interpolated', decisive: true, label: 'sensitive', weight: 3, families: CODE, maxHits: 3,
    content: /(`\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^`]{0,400}?\$\{(?![A-Z][A-Z0-9_]*\})|\bf(["'])\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^\n]{0,300}?\{(?![A-Z][A-Z0-9_]*\})\w+[^}]*\}|["']\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^"'\n]*["']\s*\+\s*(?![A-Z][A-Z0-9_]*\b)\w|["']\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b[^"'\n]*%s[^"'\n]*["']\s*%\s*\(?\w|(["'])\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|select|insert|update|delete|with)\b(?:(?!\3)[^\n])*\3\s*\.format\()/,
    detail: 'SQL built from variables: `{m}` (line {line})',
  },
  {
    id: 'content.raw-sql', label: 'sensitive', weight: 1.5, families: CODE, maxHits: 3,
    // Queries declared on repository methods (@Query, @Select) are bound by parameters: data-access declarations.
    exclude: /^\s*@(?:Query|Select|Insert|Update|Delete|NamedQuery|NativeQuery)\s*\(/,
    content: /((?:`|["'])\s*(?:SELECT\s+[\w*,.\s"()]+?\s+FROM\s+\w+|INSERT\s+INTO\s+\w+|UPDATE\s+\w+\s+SET|DELETE\s+FROM\s+\w+))/i,
    detail: 'raw SQL: {m} (line {line})',
  },
  {
    // Tests set fake secrets (t.Setenv("JWT_SECRET", "test")): that is test setup, not secret handling.
    id: 'content.secret-access', label: 'sensitive', weight: 2.5, families: CODE, maxHits: 3, dampInTests: true,
    content: /((?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|System\.getenv|ENV\.fetch|ENV|Environment\.GetEnvironmentVariable|env)\s*(?:\.|\[|\(|\.get\()\s*['"]?\w*(?:SECRET|PRIVATE_KEY|API_KEY|APIKEY|ACCESS_KEY|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|SIGNING_KEY)\w*)/,
    detail: 'reads a secret: {m} (line {line})',
  },
  {
    id: 'content.private-key', decisive: true, label: 'sensitive', weight: 4,
    content: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----)/,
    detail: 'contains a private key (line {line})',
  },
  {
    id: 'content.hardcoded-secret', decisive: true, label: 'sensitive', weight: 2.5, families: CODE, maxHits: 2, dampInTests: true,
    content: /((?:secret|password|passwd|api_?key|apikey|access_?token|private_?key)\w*['"]?\s*[:=]\s*['"][^'"\s]{8,}['"])/i,
    // A value that is itself an identifier ('resetPassword', 'reset_password') names something; it is not a secret.
    exclude: /[:=]\s*['"](?:[a-z]+(?:[A-Z][a-z]*)+|[a-z]+(?:_[a-z]+)+)['"]/,
    detail: 'hard-coded secret-like value: `{m}` (line {line})',
  },
  {
    id: 'content.webhook-signature', decisive: true, label: 'sensitive', weight: 3, families: CODE,
    content: /\b(webhooks\.constructEvent(?:Async)?|constructEvent|verifyWebhook\w*|verify_webhook\w*|validateWebhook\w*|Webhook\.construct_event|webhook\.ConstructEvent|X-Hub-Signature(?:-256)?|Stripe-Signature|X-Shopify-Hmac-Sha256|X-Slack-Signature|svix-signature|verifySignature|verify_signature|validateSignature)\b/i,
    detail: 'webhook signature check: {m} (line {line})',
  },
  {
    id: 'content.untrusted-deserialization', label: 'sensitive', weight: 3, families: CODE,
    // db.eval()/redis.eval() are method calls on a client, not JavaScript/Python eval.
    exclude: /\.\s*eval\(/,
    content: /(\bpickle\.loads?\(|\byaml\.(?:load|unsafe_load)\(|\bmarshal\.loads?\(|\bunserialize\(|\bMarshal\.load\(|\bObjectInputStream\b|\bBinaryFormatter\b|\bJavaScriptSerializer\b|\bTypeNameHandling\.(?:All|Auto|Objects)|\bnode-serialize\b|\bserialize\.unserialize\(|\beval\(|\bnew Function\(|\bvm\.runIn\w+\(|\bexec\(\s*(?:request|req)\.|\bJSON\.parse\(\s*(?:req|request)\.)/,
    detail: 'deserializes or evaluates input: {m} (line {line})',
  },
  {
    id: 'content.untrusted-input-sink', label: 'sensitive', weight: 2, families: CODE, maxHits: 3,
    content: /(\bres\.redirect\(\s*req\.\w+|\bres\.sendFile\(\s*req\.\w+|\bfs\.\w+\(\s*(?:req|request)\.\w+|\bpath\.(?:join|resolve)\([^)\n]*\breq\.(?:params|query|body)|\bsend_file\(\s*request\.|\bredirect\(\s*request\.(?:args|GET|params)|\bopen\(\s*request\.|\bhttp\.get\(\s*req\.|\baxios\.get\(\s*req\.|\brequests\.get\(\s*request\.|\bmulter\(|\bbusboy\b|\bformidable\(|\brequest\.files\b|\bxml2js\b|\blibxmljs\b|\betree\.(?:parse|fromstring)\(|\bDocumentBuilderFactory\b|\bXmlDocument\b)/,
    detail: 'untrusted input reaches {m} (line {line})',
  },
  {
    // Where a user is sent next (returnTo, next, redirect_uri) is an open-redirect boundary: checking or building it is the work.
    id: 'content.redirect-target', decisive: true, label: 'sensitive', weight: 2.5, families: CODE, maxHits: 3, dampInTests: true,
    content: /\b((?:safe|valid(?:ate)?|sanitize|check|is_?safe|allowed)_?(?:[rR]eturn_?(?:[tT]o|[uU]rl)|[rR]edirect(?:_?[uU]r[il]|_?[tT]o|_?[tT]arget)?|[nN]ext_?[uU]rl)\w*|url_has_allowed_host_and_scheme|is_safe_url)\b/,
    detail: 'checks where a user is redirected: {m} (line {line})',
  },
  {
    // Reading or changing a record by an id the client chose is where ownership checks go missing (IDOR).
    id: 'content.record-by-client-id', label: 'sensitive', weight: 1.5, families: CODE, maxHits: 3,
    // A call's argument (`fn(req.params.id`), not a condition (`if (req.body.id)`).
    content: /\w\(\s*((?:req|request|ctx)\.(?:params|query|body)\.\w*[iI]d\b|(?:req|request)\.params\[['"]\w*id['"]\]|(?:params|args)\.\w*[iI]d\b)|\.parse\(\s*(req\.params\)\.\w*[iI]d)\b|\b((?:find|get|load|fetch|update|delete|remove)\w*By[Ii]d\(\s*\w*(?:id|Id)\s*[,)])/,
    detail: 'acts on a record chosen by the client: `{m}` (line {line})',
  },
  {
    // Establishing or ending who the user is: logging them in or out, or completing an OAuth/social login.
    id: 'content.login', label: 'sensitive', weight: 2.5, families: CODE, dampInTests: true, maxHits: 3,
    content: /(\bAuth::(?:login|attempt|loginUsingId|once|logout)\(|\bauth\(\)->(?:login|attempt)\(|\bSocialite::driver\(|\blogin_user\(|\bdjango_login\(|\bauth_login\(|\breq\.log[iI]n\(|\bsign_in\(|\bwarden\.authenticate|\blogin\(\s*request\s*,|\bauthenticate\(\s*(?:request\s*[,=]|username\s*=)|\bSignInManager\b|\bHttpContext\.SignInAsync\(|\bsession\.regenerate\(|\bsession_regenerate_id\(|\.(?:[Ll]ogout|[Ss]ignOut)\w*\(|\blogout\(\s*request\b|\bsign_out\b)/,
    detail: 'logs a user in or out: {m} (line {line})',
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
    path: segments(['dtos?', 'entities', 'entity', 'models?', 'schemas?', 'serializers?', 'types', 'interfaces', 'constants', 'consts', 'enums', 'requests', 'responses', 'viewmodels?', 'mappers?'],
      { camel: ['Dto', 'DTO', 'Entity', 'Request', 'Response', 'ViewModel', 'Serializer', 'Mapper', 'Params?'] }),
    detail: 'data types: path matches {path}',
  },
  {
    id: 'path.routing', label: 'boilerplate', weight: 1.5,
    path: segments(['routes?', 'routers?', 'controllers?', 'handlers?', 'endpoints?', 'urls', 'views', 'resources'], { camel: ['Controller', 'Endpoints?', 'Routes?', 'Router'] }),
    detail: 'routing layer: path matches {path}',
  },
  {
    id: 'path.config', label: 'boilerplate', weight: 2,
    // A settings/ folder inside the routing layer is a feature (user settings pages), not configuration.
    path: (() => {
      const match = segments(['config', 'configs', 'configuration', 'settings', 'seeds?', 'seeders?', 'fixtures', 'mocks?', 'stubs?', 'scripts']);
      const routing = /(?:^|\/)(?:controllers?|routes?|views|handlers?)\//;
      return (p: string, original: string) => (routing.test(p) ? null : match(p, original));
    })(),
    detail: 'configuration or scaffolding: path matches {path}',
  },
  {
    id: 'kind.config', label: 'boilerplate', weight: 2.5, families: ['config'],
    path: (p) => (/(^|\/)\.env[^/]*$/.test(p) ? null : 'configuration file'),
    detail: '{path}',
  },
  {
    // A NestJS module registers controllers and providers (JwtModule, PassportModule…) and implements nothing.
    id: 'kind.di-module', label: 'boilerplate', weight: 3,
    path: (p) => (isWiringFile(p) ? 'dependency-injection module (*.module.ts)' : null),
    detail: 'wiring: {path}',
  },
  {
    id: 'kind.generated', label: 'boilerplate', weight: 3, headLines: 8,
    content: /(@generated\b|\bDO NOT EDIT\b|\bauto-?generated\b|Code generated .* DO NOT EDIT|This file was automatically generated)/i,
    detail: 'generated code: "{m}" (line {line})',
  },
  {
    id: 'content.crud-routes', label: 'boilerplate', weight: 1, families: CODE, maxHits: 12,
    // Express/Fastify/Nest/FastAPI/Django/Go/Laravel route tables, Spring @GetMapping, ASP.NET [HttpGet] and DRF view classes.
    content: /(\b(?:router|app|r|api|server|fastify)\.(?:get|post|put|patch|delete)\(\s*['"`]|@(?:Get|Post|Put|Patch|Delete)\(|@(?:Get|Post|Put|Patch|Delete|Request)Mapping\b|\[Http(?:Get|Post|Put|Patch|Delete)\b|@app\.(?:get|post|put|patch|delete|route)\(|\bpath\(\s*['"]|\bresources?\s+:\w+|\.HandleFunc\(|Route::(?:get|post|put|delete|resource)|\bclass\s+\w+\(\s*(?:\w+\.)*\w*(?:APIView|ViewSet|View)\b)/,
    detail: 'route registration: {m} (line {line})',
  },
  {
    id: 'content.dto-validation', label: 'boilerplate', weight: 1, families: CODE, maxHits: 12,
    content: /(@(?:IsString|IsInt|IsNumber|IsOptional|IsEmail|IsBoolean|IsUUID|IsDate|Length|Min|Max|ApiProperty|Column|PrimaryGeneratedColumn|JsonProperty|NotNull|NotBlank|Size)\b|\bz\.(?:object|string|number|boolean|array|enum)\(|\b(?:serializers|models|fields)\.\w+Field\(|\bField\(|\bjson:"[\w,]+")/,
    detail: 'declarative field: {m} (line {line})',
  },

  // ───────────── context-heavy ─────────────
  {
    id: 'kind.api-spec', decisive: true, label: 'context-heavy', weight: 5, families: ['config'], headLines: 40, maxHits: 1,
    content: /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:\s*["']?([\d.]+)/,
    detail: '{m} spec (line {line})',
    overrides: ['kind.config'],
  },
  {
    // OpenAPI split into files: a components or paths fragment has no root `openapi:` key.
    id: 'kind.api-spec-fragment', decisive: true, label: 'context-heavy', weight: 4, families: ['config'], headLines: 60, maxHits: 1,
    content: /^(components:\s*$|paths:\s*$|\s+["']?\$ref["']?\s*:\s*["']?#\/components\/(?:schemas|responses|parameters|requestBodies)\/)/,
    detail: 'OpenAPI fragment: {m} (line {line})',
    overrides: ['kind.config', 'path.dto'],
  },
  {
    id: 'kind.contract', decisive: true, label: 'context-heavy', weight: 4, families: ['spec'],
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
