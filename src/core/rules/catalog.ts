/**
 * The offline rules: one entry per rule id. Severity is the default; a rule may raise or lower it
 * per hit (e.g. request data reaching a sink is worse than a function parameter of unknown origin).
 */
import type { Category, Severity } from '../audit/findings';

export type RuleLanguage = 'typescript' | 'python' | 'go' | 'sql';

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  cwe: string | null;
  languages: readonly RuleLanguage[];
  /** One sentence: what the rule looks for (printed by `stakes audit --offline --list-rules`). */
  description: string;
}

const TS_PY: readonly RuleLanguage[] = ['typescript', 'python'];
const TS_PY_GO: readonly RuleLanguage[] = ['typescript', 'python', 'go'];
const SQL: readonly RuleLanguage[] = ['sql', 'typescript', 'python'];

export const RULES: readonly RuleMeta[] = [
  { id: 'sql-injection', title: 'SQL built from untrusted data', severity: 'critical', category: 'injection', cwe: 'CWE-89', languages: TS_PY_GO,
    description: 'SQL text built by concatenation, interpolation or formatting with request data (or a parameter of unknown origin) that reaches a query call.' },
  { id: 'nosql-injection', title: 'NoSQL operator injection', severity: 'high', category: 'injection', cwe: 'CWE-943', languages: TS_PY,
    description: 'A MongoDB filter taking request values that may be objects ({"$ne": ""}), a whole request object as a filter, or $where with non-constant code.' },
  { id: 'idor', title: 'Record accessed by client-supplied id without an ownership check', severity: 'high', category: 'authz', cwe: 'CWE-639', languages: TS_PY,
    description: 'A handler reads or changes a record by an id taken from the request and nothing in the handler or its route checks who owns it.' },
  { id: 'hardcoded-secret', title: 'Hard-coded secret', severity: 'high', category: 'secrets', cwe: 'CWE-798', languages: TS_PY_GO,
    description: 'A password, API key, token, signing secret or private key written in the source (including fallbacks used when an environment variable is missing).' },
  { id: 'weak-password-hash', title: 'Password hashed with a fast hash', severity: 'high', category: 'crypto', cwe: 'CWE-916', languages: TS_PY_GO,
    description: 'A password hashed with MD5/SHA-1/SHA-2 instead of a slow, salted password hash (argon2, bcrypt, scrypt).' },
  { id: 'weak-cipher', title: 'Broken or misused cipher', severity: 'high', category: 'crypto', cwe: 'CWE-327', languages: TS_PY_GO,
    description: 'createCipher/createDecipher (no IV, MD5 key derivation), ECB mode, DES/3DES/RC4/Blowfish.' },
  { id: 'insecure-random', title: 'Predictable random value used as a secret', severity: 'medium', category: 'crypto', cwe: 'CWE-338', languages: TS_PY_GO,
    description: 'Math.random / Python random used to make tokens, passwords, codes, salts or ids that must be unguessable.' },
  { id: 'jwt-unsafe-verify', title: 'JWT signature not verified safely', severity: 'high', category: 'authn', cwe: 'CWE-347', languages: TS_PY_GO,
    description: "JWT verified without a fixed algorithm list, with 'none' accepted, with signature checks turned off, or decoded instead of verified." },
  { id: 'code-injection', title: 'Untrusted data evaluated as code', severity: 'critical', category: 'injection', cwe: 'CWE-94', languages: TS_PY,
    description: 'Request data reaching eval, Function, vm, exec/compile or string timers.' },
  { id: 'command-injection', title: 'Untrusted data in a shell command', severity: 'critical', category: 'injection', cwe: 'CWE-78', languages: TS_PY_GO,
    description: 'Request data reaching child_process.exec, spawn with a shell, os.system, os.popen or subprocess with shell=True.' },
  { id: 'unsafe-deserialization', title: 'Unsafe deserialization', severity: 'high', category: 'injection', cwe: 'CWE-502', languages: TS_PY,
    description: 'node-serialize, pickle, marshal, shelve, jsonpickle or yaml.load without a safe loader on data that may come from outside.' },
  { id: 'path-traversal', title: 'File path built from request data', severity: 'high', category: 'validation', cwe: 'CWE-22', languages: TS_PY_GO,
    description: 'Request data reaching a file read/write/send without basename or a containment check after normalisation.' },
  { id: 'ssrf', title: 'Server-side request to a client-supplied URL', severity: 'high', category: 'validation', cwe: 'CWE-918', languages: TS_PY_GO,
    description: 'An HTTP client called with a URL or host taken from the request without an allow-list check.' },
  { id: 'open-redirect', title: 'Redirect to a client-supplied URL', severity: 'medium', category: 'validation', cwe: 'CWE-601', languages: TS_PY_GO,
    description: 'A redirect or Location header whose target comes from the request and is not checked to be a local path or an allowed host.' },
  { id: 'xxe', title: 'XML parsed with external entities enabled', severity: 'high', category: 'injection', cwe: 'CWE-611', languages: TS_PY,
    description: 'libxmljs noent:true, lxml with resolve_entities or on untrusted input without defusedxml, SAX with external general entities.' },
  { id: 'zip-slip', title: 'Archive entry name used as a path without a check', severity: 'high', category: 'validation', cwe: 'CWE-22', languages: TS_PY,
    description: 'Files extracted to paths built from archive entry names (../ entries escape the target), or tarfile.extractall without a filter.' },
  { id: 'mass-assignment', title: 'Whole request body written to a model', severity: 'high', category: 'authz', cwe: 'CWE-915', languages: TS_PY,
    description: 'A request body passed whole to an ORM create/update/constructor, so clients can set fields such as role or isAdmin.' },
  { id: 'missing-transaction', title: 'Several writes without a transaction', severity: 'medium', category: 'transactions', cwe: null, languages: TS_PY,
    description: 'A function performs two or more database writes with no transaction around them: a failure between them leaves partial data.' },
  { id: 'n-plus-one', title: 'Query inside a loop (N+1)', severity: 'medium', category: 'performance', cwe: null, languages: TS_PY,
    description: 'A database call made once per loop iteration instead of one batched query.' },
  { id: 'migration-not-null-without-default', title: 'NOT NULL column added without a default', severity: 'high', category: 'migration', cwe: null, languages: SQL,
    description: 'ADD COLUMN … NOT NULL with no DEFAULT fails on any table that already has rows.' },
  { id: 'migration-index-not-concurrent', title: 'Index created without CONCURRENTLY', severity: 'medium', category: 'migration', cwe: null, languages: SQL,
    description: 'CREATE INDEX on an existing table blocks writes for the whole build; use CREATE INDEX CONCURRENTLY outside a transaction.' },
  { id: 'migration-alter-column-type', title: 'Column type changed in place', severity: 'medium', category: 'migration', cwe: null, languages: SQL,
    description: 'ALTER COLUMN … TYPE usually rewrites the table under an ACCESS EXCLUSIVE lock.' },
  { id: 'migration-drop-column', title: 'Column dropped', severity: 'medium', category: 'migration', cwe: null, languages: SQL,
    description: 'Dropping a column breaks application code still reading it during the deploy; stop using it first, then drop it in a later release.' },
  { id: 'migration-fk-not-valid', title: 'Foreign key added without NOT VALID', severity: 'medium', category: 'migration', cwe: null, languages: SQL,
    description: 'ADD CONSTRAINT … FOREIGN KEY validates every row while locking both tables; add it NOT VALID, then VALIDATE CONSTRAINT separately.' },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown rule id ${id}`);
  return meta;
}

export function isRuleId(id: string): boolean {
  return BY_ID.has(id);
}
