/**
 * Python rules over a tree-sitter syntax tree: Flask, Django (function and class-based views, DRF),
 * FastAPI handlers, DB-API cursors, SQLAlchemy, pymongo. Same intra-procedural taint model as the
 * TypeScript analyzer: request data, archive member names, parameters of unknown origin.
 */
import type { Node } from 'web-tree-sitter';
import type { RuleHit } from '../hits';
import { analyzeSql } from '../migrations';
import { envNameFor, isSecretName, isSecretValue, isTestPath, matchTokenPattern } from '../secrets';
import { isWriteSql, looksLikeSql, parameterize, type PlaceholderStyle } from '../sql-text';
import { Scope, union, type CheckKind, type Taint } from '../taint';
import { parserFor } from '../treesitter';

interface FnInfo {
  node: Node | null;
  name: string;
  handler: boolean;
  loopDepth: number;
  writes: Node[];
  idorCall?: { call: Node; source: string };
  loopReported: Set<number>;
  guardText: string;
  /** A comparison with the signed-in user, a permission call, abort(403) or PermissionDenied was seen. */
  ownership?: boolean;
}

interface Cx {
  path: string;
  text: string;
  hits: RuleHit[];
  imports: Set<string>;
  isTest: boolean;
  isMigration: boolean;
  isArchive: boolean;
  isDjango: boolean;
  usesDefusedXml: boolean;
  usesRandom: boolean;
  placeholder: PlaceholderStyle | null;
  fileAuthz: boolean;
}

/** request.<attr>: [raw (may be a dict/list), whole payload]. */
const REQUEST_ATTRS: Record<string, [boolean, boolean]> = {
  args: [false, true], form: [false, true], values: [false, true], json: [true, true], data: [true, true], files: [false, false],
  cookies: [false, false], headers: [false, false], view_args: [false, false], GET: [false, true], POST: [false, true], body: [false, false],
  query_params: [false, true], FILES: [false, false], COOKIES: [false, false], META: [false, false], path: [false, false],
  full_path: [false, false], url: [false, false], query_string: [false, false], path_params: [false, false], host: [false, false],
  referrer: [false, false], stream: [false, false],
};
const REQUEST_METHODS: Record<string, [boolean, boolean]> = {
  get_json: [true, true], get_data: [false, false], json: [true, true], body: [false, false], form: [false, true], get_full_path: [false, false],
  build_absolute_uri: [false, false],
};
const SANITIZERS = new Set(['int', 'float', 'bool', 'len', 'escape', 'quote', 'secure_filename', 'basename', 'UUID', 'ObjectId', 'clean',
  'escape_string', 'literal', 'is_safe_url', 'url_has_allowed_host_and_scheme', 'safe_join', 'validate', 'isdigit', 'isnumeric', 'isalnum',
  'isalpha', 'startswith', 'endswith', 'hash', 'check_password_hash', 'generate_password_hash', 'make_password', 'check_password',
  'model_validate', 'parse_obj', 'validated_data', 'is_valid', 'count', 'index', 'find', 'sqlquote', 'Identifier', 'Literal', 'quote_ident',
  'quote_plus', 'urlencode', 'slugify', 'get_valid_filename', 'decimal', 'Decimal', 'date', 'datetime', 'fromisoformat', 'strptime']);
const NORMALIZERS = new Set(['abspath', 'normpath', 'realpath', 'resolve', 'absolute']);
const ARCHIVE_ITER = /\.(?:namelist|infolist|getmembers|getnames)\s*\(/;
const ID_SOURCE = /(?:^|[^a-z])(?:id|pk|uuid|slug|[a-z_]*_id)\b|[a-z]Id\b/i;
const PY_OWNERSHIP = /current_user|request\.user|g\.user|self\.request\.user|\bowner\b|owner_id|user_id\s*=|user\s*=\s*(?:request|self\.request|g)\.user|author\s*=|has_perm|has_object_permission|permission|authori[sz]|abort\(\s*403|PermissionDenied|Forbidden|is_staff|is_superuser|admin_required|roles?_required|\brole\b|get_queryset|IsOwner|check_object_permissions|tenant|account_id\s*=|organization/i;
/** The signed-in user in a comparison or a query filter. */
const PY_USER_IDENTITY = /current_user|request\.user|self\.request\.user|g\.user|\b(?:user|owner|author|created_by)_?(?:id)?\s*=\s*(?:request|self\.request|g)\.user|\.(?:user_id|owner_id|author_id|owner|user)\b\s*(?:==|!=|is)|session\[['"]user/;
const PY_TRANSACTION = /transaction\.atomic|\batomic\b|begin\(|begin_nested|\.commit\(|transaction\(/;
const PASSWORD_NAME = /pass(?:word|wd|phrase)?$|^pwd$|_pwd$/i;
const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|api_?key|verification|verify|invite|activation|(?:^|_)code$|(?:^|_)key$|auth|signature|captcha/i;
const DB_RECEIVER = /(?:^|\.)(?:objects|query|session|db|cursor|cur|conn|connection|engine|collection|col|coll|mongo|database|[a-z_]*_collection|[a-z_]*_table|table)(?:\.|$|\(|\[)/i;
const DB_READS = new Set(['get', 'filter', 'filter_by', 'all', 'first', 'one', 'one_or_none', 'get_or_404', 'first_or_404', 'execute', 'find',
  'find_one', 'count', 'exclude', 'raw', 'aggregate', 'scalar', 'scalars', 'fetchone', 'fetchall', 'get_object_or_404', 'query', 'select_related',
  'values', 'values_list', 'exists', 'count_documents', 'scalar_one', 'scalar_one_or_none']);
const DB_WRITES = new Set(['save', 'create', 'update', 'delete', 'bulk_create', 'bulk_update', 'get_or_create', 'update_or_create', 'insert_one',
  'insert_many', 'update_one', 'update_many', 'delete_one', 'delete_many', 'replace_one', 'add', 'merge']);
const MONGO_FILTER_METHODS = new Set(['find', 'find_one', 'find_one_and_update', 'find_one_and_delete', 'find_one_and_replace', 'update_one',
  'update_many', 'delete_one', 'delete_many', 'replace_one', 'count_documents', 'count', 'distinct', 'remove', 'update']);
/** Functions whose name says they validate their argument (is_safe_url, url_has_allowed_host_and_scheme, check_path…). */
const CHECK_FUNCTION = /^(?:is_|check_|validate_|ensure_|assert_|verify_)|allowed|whitelist|allowlist|is_safe|within|inside|trusted|permitted/i;
const HTTP_CLIENTS = /^(?:requests|httpx|urllib\.request|urllib2|urllib|aiohttp|urllib3|session|client|http|s|sess|http_client|pool)$/;

export async function analyzePython(path: string, source: string): Promise<RuleHit[]> {
  const parser = await parserFor('python');
  const tree = parser.parse(source);
  if (!tree) throw new Error('the Python parser returned no tree');
  try {
    const root = tree.rootNode;
    const imports = collectImports(root);
    const has = (re: RegExp): boolean => [...imports].some((m) => re.test(m));
    const cx: Cx = {
      path, text: source, hits: [], imports,
      isTest: isTestPath(path),
      isMigration: /(?:^|\/)(?:migrations|alembic|versions)\//i.test(path),
      isArchive: has(/^(?:zipfile|tarfile)$/),
      isDjango: has(/^django/),
      usesDefusedXml: has(/^defusedxml/),
      usesRandom: imports.has('random'),
      placeholder: has(/^sqlite3$|^aiosqlite$/) ? 'qmark' : has(/^(?:psycopg2?|pymysql|MySQLdb|mysql\.connector|asyncpg)/) ? (has(/^asyncpg/) ? 'dollar' : 'pyformat') : null,
      fileAuthz: /before_request[\s\S]{0,400}(?:abort\(\s*40[13]|permission|role)/.test(source),
    };
    const top: FnInfo = { node: null, name: '', handler: false, loopDepth: 0, writes: [], loopReported: new Set(), guardText: '' };
    walk(root, new Scope(undefined), top, cx);
    return cx.hits;
  } finally {
    tree.delete();
  }
}

function collectImports(root: Node): Set<string> {
  const out = new Set<string>();
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!n) continue;
    if (n.type === 'import_from_statement') {
      const m = n.childForFieldName('module_name');
      if (m) out.add(m.text);
    } else {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'dotted_name') out.add(c.text);
        else if (c.type === 'aliased_import') out.add(c.childForFieldName('name')?.text ?? '');
      }
    }
  }
  return out;
}

function field(n: Node, name: string): Node | null {
  return n.childForFieldName(name);
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => !!c);
}

function hit(cx: Cx, node: Node, h: Omit<RuleHit, 'start' | 'end'>): void {
  cx.hits.push({ ...h, start: node.startIndex, end: node.endIndex });
}

function describe(t: Taint): string {
  if (t.origin === 'request') return `request data (${t.source})`;
  if (t.origin === 'archive') return `an archive member name (${t.source})`;
  return `${t.source}, whose callers decide its value`;
}

function isRequestObject(n: Node): boolean {
  if (n.type === 'identifier') return n.text === 'request' || n.text === 'req';
  if (n.type === 'attribute') return n.text.replace(/\s+/g, '') === 'self.request';
  return false;
}

function calleeName(call: Node): string {
  const f = field(call, 'function');
  if (!f) return '';
  if (f.type === 'identifier') return f.text;
  if (f.type === 'attribute') return field(f, 'attribute')?.text ?? '';
  return '';
}

function receiver(call: Node): Node | null {
  const f = field(call, 'function');
  return f && f.type === 'attribute' ? field(f, 'object') : null;
}

function args(call: Node): Node[] {
  const a = field(call, 'arguments');
  if (!a || a.type !== 'argument_list') return a ? [a] : [];
  return named(a).filter((c) => c.type !== 'keyword_argument' && c.type !== 'comment');
}

function kwarg(call: Node, name: string): Node | null {
  const a = field(call, 'arguments');
  if (!a) return null;
  for (const c of named(a)) if (c.type === 'keyword_argument' && field(c, 'name')?.text === name) return field(c, 'value');
  return null;
}

function taintOf(n: Node | null, sc: Scope, cx: Cx): Taint | undefined {
  if (!n) return undefined;
  switch (n.type) {
    case 'identifier':
      return sc.lookup(n.text);
    case 'parenthesized_expression':
    case 'await':
    case 'expression_statement':
      return taintOf(named(n)[0] ?? null, sc, cx);
    case 'attribute': {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute')?.text ?? '';
      if (obj && isRequestObject(obj) && REQUEST_ATTRS[attr]) {
        const [raw, whole] = REQUEST_ATTRS[attr];
        return { origin: 'request', source: n.text, raw, whole, built: false, normalized: false };
      }
      // self.kwargs['pk'] in class-based views: the URL kwargs
      if (obj && obj.text === 'self' && attr === 'kwargs') return { origin: 'request', source: n.text, raw: false, whole: false, built: false, normalized: false };
      const base = taintOf(obj, sc, cx);
      return base && { ...base, source: base.origin === 'request' && !base.built ? n.text : base.source, whole: false, normalized: false };
    }
    case 'subscript': {
      const base = taintOf(field(n, 'value'), sc, cx);
      return base && { ...base, source: base.origin === 'request' && !base.built ? n.text : base.source, whole: false, normalized: false, built: false };
    }
    case 'call':
      return callTaint(n, sc, cx);
    case 'string': {
      let acc: Taint | undefined;
      for (const c of named(n)) if (c.type === 'interpolation') acc = union(acc, taintOf(field(c, 'expression') ?? named(c)[0] ?? null, sc, cx));
      return acc && { ...acc, raw: false, whole: false, built: true, normalized: false };
    }
    case 'concatenated_string': {
      let acc: Taint | undefined;
      for (const c of named(n)) acc = union(acc, taintOf(c, sc, cx));
      return acc;
    }
    case 'binary_operator': {
      const op = n.children.find((c) => c && !c.isNamed)?.type;
      if (op === '+' || op === '%') {
        const acc = union(taintOf(field(n, 'left'), sc, cx), taintOf(field(n, 'right'), sc, cx));
        return acc && { ...acc, raw: false, whole: false, built: true, normalized: false };
      }
      return undefined;
    }
    case 'boolean_operator':
      return union(taintOf(field(n, 'left'), sc, cx), taintOf(field(n, 'right'), sc, cx));
    case 'conditional_expression': {
      const parts = named(n);
      return union(taintOf(parts[0] ?? null, sc, cx), taintOf(parts[2] ?? null, sc, cx));
    }
    case 'dictionary': {
      let acc: Taint | undefined;
      let whole = false;
      for (const c of named(n)) {
        if (c.type === 'pair') acc = union(acc, taintOf(field(c, 'value'), sc, cx));
        else if (c.type === 'dictionary_splat') {
          const s = taintOf(named(c)[0] ?? null, sc, cx);
          if (s?.whole) whole = true;
          acc = union(acc, s);
        }
      }
      return acc && { ...acc, raw: true, whole, built: false, normalized: false };
    }
    case 'list':
    case 'tuple':
    case 'set': {
      let acc: Taint | undefined;
      for (const c of named(n)) acc = union(acc, taintOf(c, sc, cx));
      return acc && { ...acc, raw: true, whole: false };
    }
    default:
      return undefined;
  }
}

function callTaint(n: Node, sc: Scope, cx: Cx): Taint | undefined {
  const name = calleeName(n);
  const recv = receiver(n);
  const a = args(n);
  if (recv && isRequestObject(recv) && REQUEST_METHODS[name]) {
    const [raw, whole] = REQUEST_METHODS[name];
    return { origin: 'request', source: n.text, raw, whole, built: false, normalized: false };
  }
  if (SANITIZERS.has(name)) return undefined;
  const recvText = recv?.text ?? '';
  if (name === 'loads' && /^(?:json|ujson|orjson|simplejson)$/.test(recvText)) {
    const t = taintOf(a[0] ?? null, sc, cx);
    return t && { ...t, raw: true, whole: true, built: false };
  }
  if (name === 'format' && recv?.type === 'string') {
    let acc: Taint | undefined;
    for (const x of a) acc = union(acc, taintOf(x, sc, cx));
    const kw = field(n, 'arguments');
    if (kw) for (const c of named(kw)) if (c.type === 'keyword_argument') acc = union(acc, taintOf(field(c, 'value'), sc, cx));
    return acc && { ...acc, raw: false, whole: false, built: true, normalized: false };
  }
  if (name === 'join' && recv?.type === 'string') {
    const t = taintOf(a[0] ?? null, sc, cx);
    return t && { ...t, raw: false, whole: false, built: true };
  }
  // os.path.join / Path(...) / urljoin / text(...) / str(...) pass values through.
  if (/^(?:join|abspath|normpath|realpath|Path|PurePath|PosixPath|str|text|unquote|unquote_plus|b64decode|urljoin|urlparse|bytes|TextClause|dedent|fspath|expanduser|resolve|absolute|joinpath|literal_column|dict|list|sorted|reversed|getattr)$/.test(name)) {
    let acc: Taint | undefined;
    for (const x of a) acc = union(acc, taintOf(x, sc, cx));
    if (recv) acc = union(acc, taintOf(recv, sc, cx));
    if (!acc) return undefined;
    const normalized = NORMALIZERS.has(name) || (name === 'join' && false);
    return { ...acc, raw: name === 'dict' || name === 'list' ? acc.raw : false, whole: name === 'dict' ? acc.whole : false, built: acc.built || name === 'join' || name === 'joinpath', normalized: normalized || (acc.normalized && name !== 'join') };
  }
  if (recv) {
    if (/^(?:startswith|endswith|isdigit|isnumeric|isalnum|isalpha|__contains__|count|find|index)$/.test(name)) return undefined;
    const t = taintOf(recv, sc, cx);
    if (t) {
      const keepsRaw = name === 'get' || name === 'getlist' || name === 'pop' || name === 'copy' || name === 'items' || name === 'values';
      return { ...t, source: t.origin === 'request' && !t.built && (name === 'get' || name === 'getlist') ? n.text : t.source, raw: keepsRaw ? t.raw : false, whole: name === 'copy' || name === 'dict' || name === 'to_dict' ? t.whole : false,
        built: t.built || name === 'format', normalized: NORMALIZERS.has(name) || false };
    }
  }
  return undefined;
}

function identifiersIn(n: Node): string[] {
  const out: string[] = [];
  const rec = (x: Node): void => {
    if (x.type === 'identifier') {
      const p = x.parent;
      if (p && p.type === 'attribute' && field(p, 'attribute')?.id === x.id) return;
      if (p && p.type === 'keyword_argument' && field(p, 'name')?.id === x.id) return;
      out.push(x.text);
      return;
    }
    if (x.type === 'lambda' || x.type === 'function_definition') return;
    for (const c of named(x)) rec(c);
  };
  rec(n);
  return out;
}

/** Mark what a check covers: its variables, and the checked expression itself (request.args['next']). */
function markChecked(n: Node, kind: CheckKind, sc: Scope): void {
  for (const id of identifiersIn(n)) sc.markChecked(id, kind);
  if (n.type !== 'identifier') sc.markChecked(`=${n.text.replace(/\s+/g, '')}`, kind);
}

function isChecked(arg: Node, t: Taint, kinds: CheckKind[], sc: Scope): boolean {
  return sc.covers(arg.text.replace(/\s+/g, ''), identifiersIn(arg), t, kinds);
}

function bindTarget(target: Node, t: Taint | undefined, sc: Scope): void {
  if (target.type === 'identifier') sc.vars.set(target.text, t ?? null);
  else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'expression_list') {
    for (const c of named(target)) bindTarget(c, t && { ...t, whole: false }, sc);
  } else if ((target.type === 'attribute' || target.type === 'subscript') && t) {
    // query['name'] = request.args['name']: the dict now carries request data.
    const base = field(target, target.type === 'attribute' ? 'object' : 'value');
    if (base && base.type === 'identifier' && base.text !== 'self') {
      const prev = sc.lookup(base.text);
      sc.vars.set(base.text, { ...t, raw: true, whole: prev?.whole ?? false, built: prev?.built ?? false });
    }
  }
}

function walk(n: Node, sc: Scope, fn: FnInfo, cx: Cx): void {
  switch (n.type) {
    case 'decorated_definition': {
      const def = field(n, 'definition');
      const decos = named(n).filter((c) => c.type === 'decorator');
      if (def?.type === 'function_definition') analyzeFunction(def, decos, sc, fn, cx);
      else if (def) walkClass(def, decos, sc, fn, cx);
      return;
    }
    case 'function_definition':
      analyzeFunction(n, [], sc, fn, cx);
      return;
    case 'class_definition':
      walkClass(n, [], sc, fn, cx);
      return;
    case 'lambda':
      return;
    case 'assignment': {
      const right = field(n, 'right');
      const left = field(n, 'left');
      if (right) walk(right, sc, fn, cx);
      if (left && right) {
        bindTarget(left, taintOf(right, sc, cx), sc);
        checkSecretAssignment(left, right, cx);
        checkRandomContext(left.text, right, fn, cx);
      }
      return;
    }
    case 'augmented_assignment': {
      const right = field(n, 'right');
      const left = field(n, 'left');
      if (right) walk(right, sc, fn, cx);
      const t = taintOf(right, sc, cx);
      if (left?.type === 'identifier' && t) sc.vars.set(left.text, { ...t, built: true, raw: false, whole: false });
      return;
    }
    case 'for_statement':
    case 'for_in_clause': {
      const right = field(n, 'right');
      const left = field(n, 'left');
      if (right) walk(right, sc, fn, cx);
      let t = taintOf(right, sc, cx);
      if (cx.isArchive && right && ARCHIVE_ITER.test(right.text)) t = { origin: 'archive', source: `members of ${right.text}`, raw: false, whole: false, built: false, normalized: false };
      if (left) bindTarget(left, t, sc);
      if (n.type === 'for_in_clause') return;
      const literal = right && (right.type === 'list' || right.type === 'tuple' || right.type === 'dictionary');
      if (!literal) fn.loopDepth++;
      const body = field(n, 'body');
      if (body) walk(body, sc, fn, cx);
      if (!literal) fn.loopDepth--;
      const alt = field(n, 'alternative');
      if (alt) walk(alt, sc, fn, cx);
      return;
    }
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression':
    case 'dictionary_comprehension': {
      // The for clauses bind first, then the body runs once per element.
      for (const c of named(n)) if (c.type === 'for_in_clause' || c.type === 'if_clause') walk(c, sc, fn, cx);
      fn.loopDepth++;
      const body = field(n, 'body');
      if (body) walk(body, sc, fn, cx);
      fn.loopDepth--;
      return;
    }
    case 'call':
      for (const c of named(n)) walk(c, sc, fn, cx);
      checkCall(n, sc, fn, cx);
      if (cx.isMigration) checkMigrationOp(n, fn, cx);
      return;
    case 'return_statement': {
      const value = named(n)[0];
      if (value) checkRandomContext(fn.name, value, fn, cx);
      break;
    }
    case 'comparison_operator':
      recordComparison(n, sc);
      if (PY_USER_IDENTITY.test(n.text)) fn.ownership = true;
      break;
    case 'raise_statement':
      if (/PermissionDenied|Forbidden|Unauthorized|NotFound|Http404/.test(n.text)) fn.ownership = fn.ownership || /PermissionDenied|Forbidden/.test(n.text);
      break;
    case 'keyword_argument': {
      const name = field(n, 'name');
      const value = field(n, 'value');
      if (name && value) {
        checkSecretValue(name.text, value, cx, false);
        checkRandomContext(name.text, value, fn, cx);
      }
      break;
    }
    case 'pair': {
      const key = field(n, 'key');
      const value = field(n, 'value');
      if (key && value && key.type === 'string') {
        const k = stringValue(key);
        if (k !== null) {
          checkSecretValue(k, value, cx, false);
          if (k === '$where' && value.type !== 'string') {
            const t = taintOf(value, sc, cx);
            hit(cx, n, { ruleId: 'nosql-injection', severity: t?.origin === 'request' ? 'critical' : 'high', confidence: t ? 0.9 : 0.6, title: '$where built from non-constant code',
              explanation: `$where runs JavaScript inside MongoDB for every document; here the code comes from ${t ? describe(t) : 'a non-constant value'}. Use query operators ($eq, $gt, $expr) instead.` });
          }
        }
      }
      break;
    }
    case 'string':
      checkTokenLiteral(n, cx);
      if (cx.isMigration) checkMigrationString(n, fn, cx);
      return;
  }
  for (const c of named(n)) walk(c, sc, fn, cx);
}

function stringValue(n: Node): string | null {
  if (n.type !== 'string') return null;
  if (named(n).some((c) => c.type === 'interpolation')) return null;
  return named(n).filter((c) => c.type === 'string_content').map((c) => c.text).join('');
}

function walkClass(def: Node, decos: Node[], sc: Scope, fn: FnInfo, cx: Cx): void {
  const body = field(def, 'body');
  // Class-level text (permission_classes, decorators, get_queryset) guards every method.
  const guard = decos.map((d) => d.text).join('\n') + '\n' + (field(def, 'superclasses')?.text ?? '') + '\n' +
    (body ? named(body).filter((c) => c.type === 'expression_statement').map((c) => c.text).join('\n') : '') +
    (/def\s+get_queryset\s*\(|def\s+get_object\s*\([\s\S]*?(?:request\.user|owner)/.test(def.text) ? '\nget_queryset' : '');
  const inner: FnInfo = { ...fn, guardText: fn.guardText + '\n' + guard, writes: [], loopReported: new Set() };
  if (body) for (const c of named(body)) walk(c, sc, inner, cx);
}

function analyzeFunction(def: Node, decos: Node[], parentScope: Scope, parentFn: FnInfo, cx: Cx): void {
  const sc = new Scope(parentScope);
  const name = field(def, 'name')?.text ?? '';
  const decoText = decos.map((d) => d.text).join('\n');
  const isRoute = /@\s*[\w.]+\.(?:route|get|post|put|patch|delete|api_route|websocket)\s*\(/.test(decoText) || /@api_view|@action\b/.test(decoText);
  const isFastApi = /@\s*[\w.]+\.(?:get|post|put|patch|delete|api_route)\s*\(/.test(decoText);
  const params = field(def, 'parameters');
  const plist = params ? named(params) : [];
  const pname = (p: Node): string => (p.type === 'identifier' ? p.text : field(p, 'name')?.text ?? named(p).find((c) => c.type === 'identifier')?.text ?? '');
  const names = plist.map(pname);
  const requestIdx = names.findIndex((x) => x === 'request');
  const inClass = parentFn.guardText.length > 0 && !!def.parent && def.parent.type === 'block' && def.parent.parent?.type === 'class_definition';
  const djangoView = requestIdx >= 0 && (cx.isDjango || inClass || /rest_framework|django/.test([...cx.imports].join(' ')));
  const viewMethod = inClass && /^(?:get|post|put|patch|delete|retrieve|update|partial_update|destroy|list|create)$/.test(name) &&
    /MethodView|View\b|APIView|ViewSet|Resource\b/.test(parentFn.guardText);
  const handler = isRoute || requestIdx >= 0 || viewMethod;
  for (let i = 0; i < plist.length; i++) {
    const p = plist[i];
    const pn = names[i];
    if (!pn || pn === 'self' || pn === 'cls' || pn === 'request' || pn === 'req') {
      if (pn) sc.vars.set(pn, null);
      continue;
    }
    const typeText = field(p, 'type')?.text ?? '';
    const valueText = field(p, 'value')?.text ?? '';
    const splat = p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern';
    if (/Depends\s*\(|Security\s*\(/.test(valueText) || /\b(?:Request|Session|AsyncSession|BackgroundTasks|Response|WebSocket|HTTPConnection|SecurityScopes)\b/.test(typeText)) {
      sc.vars.set(pn, null);
      continue;
    }
    if ((isRoute || (djangoView && i > requestIdx) || (viewMethod && requestIdx < 0)) && !splat) {
      const numeric = /^(?:int|float|bool|UUID|uuid\.UUID|datetime|date)\b/.test(typeText) || new RegExp(`<(?:int|float|uuid):${pn}>`).test(decoText);
      const dictLike = isFastApi && (/^(?:dict|Dict|Any)\b/.test(typeText) || /Body\s*\(/.test(valueText) && !typeText);
      const source = isFastApi ? `parameter ${pn} of the ${name} endpoint` : `URL parameter ${pn}`;
      // Typed ints still identify a record (IDOR) but cannot carry SQL: keep them for IDOR only.
      sc.vars.set(pn, numeric ? null : { origin: 'request', source, raw: dictLike, whole: dictLike, built: false, normalized: false });
      if (numeric) sc.vars.set(`#id:${pn}`, { origin: 'request', source, raw: false, whole: false, built: false, normalized: false });
      continue;
    }
    if (!handler && !splat && !/^(?:int|float|bool)\b/.test(typeText) && !name.startsWith('test')) {
      sc.vars.set(pn, { origin: 'param', source: `parameter ${pn}`, raw: false, whole: false, built: false, normalized: false });
    } else sc.vars.set(pn, null);
  }
  const info: FnInfo = { node: def, name, handler, loopDepth: 0, writes: [], loopReported: new Set(), guardText: decoText + '\n' + parentFn.guardText };
  if (parentFn.loopDepth > 0) info.loopDepth = 1;
  const body = field(def, 'body');
  if (body) walk(body, sc, info, cx);
  finishFunction(info, cx);
}

function recordComparison(n: Node, sc: Scope): void {
  const ops = n.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
  const parts = named(n);
  if (ops.includes('in') || ops.includes('not in')) {
    const [left, right] = parts;
    if (left?.type === 'string' && /\.\./.test(left.text) && right) markChecked(right, 'dotdot', sc);
    else if (left) markChecked(left, 'allow', sc);
  }
  if (ops.includes('==') || ops.includes('!=')) {
    for (const p of parts) if (/\.(?:hostname|netloc|scheme|host)$/.test(p.text)) markChecked(p, 'allow', sc);
  }
}

function checkCall(call: Node, sc: Scope, fn: FnInfo, cx: Cx): void {
  const name = calleeName(call);
  const recv = receiver(call);
  const recvText = recv?.text.replace(/\s+/g, '') ?? '';
  const fnText = field(call, 'function')?.text.replace(/\s+/g, '') ?? '';
  const a = args(call);
  const a0 = a[0] ?? null;

  if (/^(?:has_perm|has_perms|has_object_permission|check_object_permissions|authorize|check_permission|permission_required|can_\w+|is_owner)$/.test(name) ||
    (name === 'abort' && a0 && /^40[134]$/.test(a0.text))) fn.ownership = true;
  // Checks that make later uses safe.
  if (name === 'startswith' && recv) markChecked(recv, 'prefix', sc);
  if ((name === 'is_relative_to' || name === 'relative_to') && recv) markChecked(recv, 'allow', sc);
  if (/^(?:commonpath|commonprefix)$/.test(name) || CHECK_FUNCTION.test(name)) for (const x of a) markChecked(x, 'allow', sc);
  if (name === 'match' || name === 'fullmatch') for (const x of a.slice(1)) markChecked(x, 'allow', sc);

  // --- SQL injection
  const sqlSink = (/^(?:execute|executemany|executescript|raw|read_sql|read_sql_query|mogrify|fetch|fetchrow|fetchval)$/.test(name) && (!!recv || name === 'read_sql'))
    || fnText === 'RawSQL' || (name === 'extra' && !!kwarg(call, 'where'));
  if (sqlSink) {
    const target = name === 'extra' ? kwarg(call, 'where') : a0;
    const t = taintOf(target, sc, cx);
    const sqlText = target ? sqlTextOf(target, sc) : '';
    if (t && t.origin !== 'archive' && (t.built || t.origin === 'request') && (looksLikeSql(sqlText) || t.origin === 'request')) {
      const fromRequest = t.origin === 'request';
      hit(cx, call, { ruleId: 'sql-injection', severity: fromRequest ? 'critical' : 'medium', confidence: fromRequest ? 0.9 : 0.5,
        title: fromRequest ? 'SQL built from request data' : 'SQL built by formatting from a function parameter',
        explanation: `The SQL passed to ${name}() is built from ${describe(t)} with ${t.built ? 'an f-string, % formatting, .format() or concatenation' : 'no parameters'}. ` +
          'A quote in the value changes the statement. Keep the SQL constant and pass values as parameters: cursor.execute("… WHERE id = %s", (value,)).',
        fix: target ? pySqlFix(call, target, cx) : null });
    }
  }

  // --- NoSQL (pymongo)
  if (MONGO_FILTER_METHODS.has(name) && recv && a0 && /collection|coll|col\b|db\b|mongo|users|\]$/i.test(recvText)) {
    if (a0.type === 'dictionary') {
      for (const p of named(a0)) {
        if (p.type !== 'pair') continue;
        const key = field(p, 'key');
        const v = field(p, 'value');
        if (!v || stringValue(key ?? v) === '$where') continue;
        const t = taintOf(v, sc, cx);
        if (t?.origin === 'request' && t.raw) {
          hit(cx, v, { ruleId: 'nosql-injection', confidence: 0.75, fix: `str(${v.text})`,
            explanation: `The ${name}() filter takes ${key?.text ?? 'a value'} from ${describe(t)}, parsed from JSON: it can be an object such as {"$ne": ""} that matches any value. Force a string (str(...)) or validate the type.` });
        }
      }
    } else {
      const t = taintOf(a0, sc, cx);
      if (t?.origin === 'request' && t.raw) {
        hit(cx, call, { ruleId: 'nosql-injection', confidence: 0.8,
          explanation: `The whole filter passed to ${name}() is ${describe(t)}: a client can send operators ({"$ne": null}, {"$where": …}). Build the filter from named, validated fields.` });
      }
    }
  }

  // --- Command injection
  const shellTrue = kwarg(call, 'shell')?.text === 'True';
  if (a0 && ((/^(?:os\.system|os\.popen|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput|popen2\.popen[234])$/.test(fnText)) ||
    (/^subprocess\.(?:call|run|Popen|check_output|check_call)$|^(?:call|run|Popen|check_output|check_call)$/.test(fnText) && shellTrue))) {
    const t = taintOf(a0, sc, cx);
    if (t?.origin === 'request') {
      hit(cx, call, { ruleId: 'command-injection', confidence: 0.9,
        explanation: `${fnText}() runs a shell command built from ${describe(t)}: ; | $( ) in it run any command. Pass an argument list without shell=True (subprocess.run([...])), and validate the value.` });
    }
  }

  // --- Code injection
  if (a0 && /^(?:eval|exec|compile)$/.test(fnText)) {
    const t = taintOf(a0, sc, cx);
    if (t?.origin === 'request') {
      hit(cx, call, { ruleId: 'code-injection', confidence: 0.9,
        explanation: `${fnText}() runs code built from ${describe(t)}: a client can execute arbitrary Python. Use ast.literal_eval or json.loads for data.` });
    }
  }

  // --- Unsafe deserialization
  if (a0 && a0.type !== 'string') {
    let why = '';
    if (/^(?:pickle|cPickle|_pickle|dill|cloudpickle|marshal|shelve)\.(?:loads|load|Unpickler)$/.test(fnText) || /^(?:jsonpickle)\.(?:decode|loads)$/.test(fnText)) why = `${fnText}() runs code chosen by whoever wrote the data (__reduce__)`;
    else if (/^(?:yaml|ruamel\.yaml)\.(?:load|load_all)$/.test(fnText)) {
      const loader = kwarg(call, 'Loader')?.text ?? a[1]?.text ?? '';
      if (!/Safe|BaseLoader|CSafeLoader/.test(loader)) why = `${fnText}() ${loader ? `with ${loader}` : 'without a safe Loader'} constructs arbitrary Python objects (!!python/object/apply)`;
    } else if (/^yaml\.(?:unsafe_load|unsafe_load_all|full_load|full_load_all)$/.test(fnText)) why = `${fnText}() constructs arbitrary Python objects`;
    if (why) {
      const t = taintOf(a0, sc, cx);
      hit(cx, call, { ruleId: 'unsafe-deserialization', severity: t?.origin === 'request' ? 'critical' : 'high', confidence: t ? 0.9 : 0.7,
        explanation: `${why}${t ? `, and the data comes from ${describe(t)}` : ''}. Use json, or yaml.safe_load for YAML; never unpickle data that crossed a trust boundary.`,
        fix: /^yaml\.load$/.test(fnText) && a.length === 1 && !kwarg(call, 'Loader') ? `yaml.safe_load(${a0.text})` : null });
    }
  }

  // --- Path traversal / zip slip
  const fileSink = /^(?:open|io\.open|codecs\.open|os\.remove|os\.unlink|os\.rmdir|os\.listdir|os\.makedirs|os\.mkdir|os\.rename|shutil\.rmtree|shutil\.copy|shutil\.copyfile|shutil\.move|send_file|FileResponse|aiofiles\.open|os\.open|os\.stat)$/.test(fnText) ||
    (/^(?:read_text|read_bytes|write_text|write_bytes|open|unlink|rmdir|mkdir|touch)$/.test(name) && !!recv && taintOf(recv, sc, cx) !== undefined);
  if (fileSink) {
    const target = /^(?:read_text|read_bytes|write_text|write_bytes|unlink|rmdir|mkdir|touch)$/.test(name) || (name === 'open' && recv && fnText !== 'io.open' && fnText !== 'codecs.open' && fnText !== 'aiofiles.open' && fnText !== 'os.open') ? recv : a0;
    const t = target ? taintOf(target, sc, cx) : undefined;
    if (t && t.origin !== 'param' && !isChecked(target!, t, ['prefix', 'dotdot', 'allow'], sc)) {
      if (t.origin === 'archive') {
        hit(cx, call, { ruleId: 'zip-slip', confidence: 0.8,
          explanation: `${fnText}() uses a path built from ${describe(t)}: members named "../../x" escape the target directory. Resolve the path and refuse it unless it is inside the target (os.path.commonpath / Path.is_relative_to).` });
      } else {
        hit(cx, call, { ruleId: 'path-traversal', confidence: 0.85,
          explanation: `${fnText}() uses a path built from ${describe(t)}: "../" (or an absolute path, which os.path.join keeps) reaches files outside the intended directory. ` +
            'Use werkzeug.utils.secure_filename / os.path.basename, or send_from_directory / safe_join, or resolve and check containment (Path.resolve().is_relative_to(root)).' });
      }
    }
  }

  // --- tarfile.extractall without a filter (CVE-2007-4559)
  if ((name === 'extractall' || name === 'extract') && recv && cx.imports.has('tarfile') && (!cx.imports.has('zipfile') || /tar|^tf$/i.test(recvText)) && !kwarg(call, 'filter')) {
    hit(cx, call, { ruleId: 'zip-slip', severity: 'medium', confidence: 0.75, title: 'tarfile extracted without a filter',
      explanation: `${recvText}.${name}() trusts member names and links in the archive: "../" names, absolute paths and symlinks write outside the target directory (CVE-2007-4559). Pass filter="data" (Python 3.12+, backported to 3.8–3.11 security releases).`,
      fix: `${field(call, 'function')!.text}(${[...a.map((x) => x.text), ...named(field(call, 'arguments')!).filter((c) => c.type === 'keyword_argument').map((c) => c.text), 'filter="data"'].join(', ')})` });
  }

  // --- SSRF
  const httpCall = /^(?:get|post|put|patch|delete|head|options|request|urlopen|Request|stream|fetch)$/.test(name) &&
    ((recv && HTTP_CLIENTS.test(recvText.split('.')[0]) && (cx.imports.has('requests') || cx.imports.has('httpx') || cx.imports.has('aiohttp') || cx.imports.has('urllib3') || /urllib/.test(recvText))) ||
      (!recv && /^(?:urlopen|Request)$/.test(name)));
  if (httpCall && a0) {
    const urlArg = name === 'request' && a[1] ? a[1] : a0;
    const t = taintOf(urlArg, sc, cx);
    if (t?.origin === 'request' && !hasFixedOrigin(urlArg) && !isChecked(urlArg, t, ['allow'], sc)) {
      hit(cx, call, { ruleId: 'ssrf', confidence: 0.8,
        explanation: `The server requests a URL taken from ${describe(t)}: a client can reach internal services, cloud metadata (http://169.254.169.254/) or localhost. Parse it, require https and check the hostname against an allow-list; disable redirects.` });
    }
  }

  // --- Open redirect
  if (a0 && /^(?:redirect|HttpResponseRedirect|HttpResponsePermanentRedirect|RedirectResponse)$/.test(name) && !/url_for/.test(a0.text)) {
    const t = taintOf(a0, sc, cx);
    if (t?.origin === 'request' && !hasLocalPrefix(a0) && !isChecked(a0, t, ['allow', 'prefix'], sc)) {
      hit(cx, call, { ruleId: 'open-redirect', confidence: 0.8,
        explanation: `The redirect target comes from ${describe(t)}: links to this endpoint can send users to any site. Check it with url_has_allowed_host_and_scheme (Django) or accept only local paths ("/" but not "//").` });
    }
  }

  // --- XXE
  if (!cx.usesDefusedXml) {
    if (name === 'XMLParser' && kwarg(call, 'resolve_entities')?.text === 'True') {
      hit(cx, call, { ruleId: 'xxe', confidence: 0.9, explanation: 'XMLParser(resolve_entities=True) expands external entities: a document can read local files or make the server fetch URLs. Use resolve_entities=False, no_network=True, or defusedxml.' });
    } else if (/^(?:etree|lxml\.etree|ET|objectify)\.(?:fromstring|parse|XML)$/.test(fnText) && cx.imports.has('lxml.etree') || /^(?:lxml\.etree|etree)\.(?:fromstring|parse|XML)$/.test(fnText) && [...cx.imports].some((m) => m.startsWith('lxml'))) {
      const t = taintOf(a0, sc, cx);
      if (t?.origin === 'request' && !kwarg(call, 'parser') && a.length < 2) {
        hit(cx, call, { ruleId: 'xxe', confidence: 0.7,
          explanation: `lxml parses ${describe(t)} with its default parser, which resolves entities in lxml before 5.0 (and DTDs in every version): external entities read local files. Parse untrusted XML with defusedxml.lxml or an XMLParser(resolve_entities=False, no_network=True).` });
      }
    } else if (name === 'setFeature' && a[0] && /feature_external_ges|feature_external_pes/.test(a[0].text) && a[1]?.text === 'True') {
      hit(cx, call, { ruleId: 'xxe', confidence: 0.9, explanation: 'Enabling external general/parameter entities on a SAX parser lets documents read local files and fetch URLs. Leave the feature off, or use defusedxml.sax.' });
    }
  }

  // --- Mass assignment
  checkMassAssignment(call, name, recv, a, sc, cx);

  // --- Crypto
  checkCrypto(call, name, fnText, a, fn, cx);

  // --- JWT
  if (name === 'decode' && /^(?:jwt|pyjwt|jose\.jwt|PyJWT)$/.test(recvText)) {
    const opts = kwarg(call, 'options')?.text ?? '';
    const verifyFalse = kwarg(call, 'verify')?.text === 'False' || /["']verify_signature["']\s*:\s*False/.test(opts);
    const algs = kwarg(call, 'algorithms');
    if (verifyFalse) {
      hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'high', confidence: 0.9, title: 'JWT decoded with signature verification off',
        explanation: 'verify_signature is False: any forged token (edited user id or role) is accepted. Verify with the key and an explicit algorithms list.' });
    } else if (algs && /["']none["']/i.test(algs.text)) {
      hit(cx, algs.parent ?? call, { ruleId: 'jwt-unsafe-verify', severity: 'critical', confidence: 0.95, title: "JWT verification accepts alg 'none'",
        explanation: "The accepted algorithms include 'none': an unsigned token passes. List only the algorithm you sign with." });
    } else if (!algs && a.length >= 2) {
      hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'medium', confidence: 0.7, title: 'JWT decoded without a fixed algorithm list',
        explanation: 'jwt.decode() without algorithms= lets the token header pick the algorithm (PyJWT 1.x accepts any; algorithm confusion with public keys). Pass algorithms=["HS256"] (or the one you issue).',
        fix: `${field(call, 'function')!.text}(${[...a.map((x) => x.text), ...named(field(call, 'arguments')!).filter((c) => c.type === 'keyword_argument').map((c) => c.text), 'algorithms=["HS256"]'].join(', ')})` });
    }
  }
  if (/^(?:get_unverified_claims|decode_complete)$/.test(name) && /jwt/.test(recvText) && !/\bdecode\s*\([^)]*(?:key|secret)/i.test(cx.text)) {
    hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'high', confidence: 0.6, title: 'JWT claims read without verification',
      explanation: `${name}() returns claims without checking the signature and nothing in this file verifies the token. Use jwt.decode(token, key, algorithms=[...]).` });
  }

  // --- Secrets: os.getenv('SECRET_KEY', 'fallback'), os.environ.get(...)
  if ((fnText === 'os.getenv' || fnText === 'os.environ.get' || fnText === 'getenv' || fnText === 'config' || fnText === 'env') && a[0] && a[1]) {
    const k = stringValue(a[0]);
    if (k) checkSecretValue(k, a[1], cx, true);
  }
  const dflt = kwarg(call, 'default');
  if (dflt && (fnText === 'config' || fnText === 'env' || fnText === 'os.getenv') && a[0]) {
    const k = stringValue(a[0]);
    if (k) checkSecretValue(k, dflt, cx, true);
  }

  // --- Database bookkeeping: IDOR, transactions, N+1
  const chain = (field(call, 'function')?.text ?? '').replace(/\s+/g, '');
  const isDb = DB_RECEIVER.test(chain + '(') || /^get_object_or_404$|^get_list_or_404$/.test(name) || (/^[A-Z]\w*\.(?:query|objects)\b/.test(chain));
  const isDjangoSave = cx.isDjango && (name === 'save' || name === 'delete') && !!recv && a.length === 0;
  if (isDb || isDjangoSave) {
    const write = DB_WRITES.has(name) || ((name === 'execute' || name === 'executemany') && a0 && isWriteSql(sqlTextOf(a0, sc)));
    const read = DB_READS.has(name);
    if ((write || read) && fn.loopDepth > 0 && !/\.(?:fetchone|fetchall|fetchmany|all|first|one|scalar|scalars)$/.test(chain) && !fn.loopReported.has(loopKey(call))) {
      fn.loopReported.add(loopKey(call));
      hit(cx, call, { ruleId: 'n-plus-one', confidence: 0.6, title: write ? 'Database write inside a loop' : 'Query inside a loop (N+1)',
        explanation: `${chain}() runs once per loop iteration: N items cost N round-trips. ${write ? 'Use bulk_create / bulk_update / executemany / insert_many' : 'Fetch everything in one query (filter(id__in=…), select_related/prefetch_related, joinedload/selectinload, $in)'} and look results up in memory.` });
    }
    if (write && (cx.isDjango || /objects|session/.test(chain))) fn.writes.push(call);
    if (fn.handler && !fn.idorCall && (read || write) && /(?:get|get_or_404|filter|filter_by|get_object_or_404|delete|update|find_one|first_or_404|execute)$/.test(name)) {
      const src = idSourceIn(call, sc, cx);
      if (src) fn.idorCall = { call, source: src };
    }
  }
}

function loopKey(call: Node): number {
  for (let p = call.parent; p; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'list_comprehension' || p.type === 'generator_expression' || p.type === 'set_comprehension' || p.type === 'dictionary_comprehension' || p.type === 'function_definition') return p.id;
  }
  return -1;
}

/** A client-chosen id anywhere in the call's arguments (typed ints included). */
function idSourceIn(call: Node, sc: Scope, cx: Cx): string | undefined {
  const argList = field(call, 'arguments');
  if (!argList) return undefined;
  const isQuery = calleeName(call) === 'execute';
  const parts = isQuery ? args(call).slice(1) : named(argList);
  for (const p of parts) {
    for (const id of identifiersIn(p)) {
      const t = sc.lookup(id) ?? sc.lookup(`#id:${id}`);
      if (t?.origin === 'request' && (ID_SOURCE.test(id) || ID_SOURCE.test(t.source))) return t.source;
    }
    const tt = taintOf(p.type === 'keyword_argument' ? field(p, 'value') : p, sc, cx);
    if (tt?.origin === 'request' && ID_SOURCE.test(tt.source)) return tt.source;
  }
  return undefined;
}

function sqlTextOf(n: Node, sc: Scope): string {
  if (n.type === 'string') return n.text;
  if (n.type === 'binary_operator' || n.type === 'concatenated_string') return named(n).map((c) => sqlTextOf(c, sc)).join(' ');
  if (n.type === 'call') {
    const recv = receiver(n);
    if (recv) return sqlTextOf(recv, sc) + ' ' + args(n).map((c) => sqlTextOf(c, sc)).join(' ');
    return args(n).map((c) => sqlTextOf(c, sc)).join(' ');
  }
  if (n.type === 'identifier') {
    // The text assigned to it earlier in the same function.
    let fnNode: Node | null = n.parent;
    while (fnNode && fnNode.type !== 'function_definition' && fnNode.type !== 'module') fnNode = fnNode.parent;
    if (!fnNode) return '';
    const out: string[] = [];
    for (const asg of fnNode.descendantsOfType(['assignment', 'augmented_assignment'])) {
      if (!asg || asg.startIndex >= n.startIndex) continue;
      const left = field(asg, 'left');
      const right = field(asg, 'right');
      if (left?.text === n.text && right && right.type !== 'identifier') out.push(sqlTextOf(right, sc));
    }
    return out.join(' ');
  }
  return '';
}

function pySqlFix(call: Node, target: Node, cx: Cx): string | null {
  if (!cx.placeholder || args(call).length !== 1 || target.type !== 'string') return null;
  const literals: string[] = [];
  const exprs: string[] = [];
  let cur = '';
  for (const c of named(target)) {
    if (c.type === 'string_content') cur += c.text;
    else if (c.type === 'interpolation') {
      const e = field(c, 'expression') ?? named(c)[0];
      if (!e || named(c).length > 1) return null; // format specs / conversions
      literals.push(cur);
      exprs.push(e.text);
      cur = '';
    }
  }
  literals.push(cur);
  if (/%/.test(literals.join('')) && cx.placeholder === 'pyformat') return null;
  const p = parameterize(literals, exprs, cx.placeholder);
  if (!p || !p.params.length) return null;
  const quote = p.sql.includes('\n') ? '"""' : p.sql.includes('"') ? "'" : '"';
  const params = p.params.length === 1 ? `(${p.params[0]},)` : `(${p.params.join(', ')})`;
  return `${field(call, 'function')!.text}(${quote}${p.sql}${quote}, ${params})`;
}

function headText(n: Node): string {
  if (n.type === 'string') {
    const parts: string[] = [];
    for (const c of named(n)) {
      if (c.type === 'interpolation') break;
      if (c.type === 'string_content') parts.push(c.text);
    }
    return parts.join('');
  }
  if (n.type === 'binary_operator') {
    const l = field(n, 'left');
    return l ? headText(l) : '';
  }
  return '';
}

function hasFixedOrigin(n: Node): boolean {
  const h = headText(n);
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#{]+[/?#]/i.test(h);
}

function hasLocalPrefix(n: Node): boolean {
  const h = headText(n);
  return /^\/[^/\\]/.test(h) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#{]+[/?#]/i.test(h);
}

function checkMassAssignment(call: Node, name: string, recv: Node | null, a: Node[], sc: Scope, cx: Cx): void {
  const argList = field(call, 'arguments');
  if (!argList) return;
  const fnText = field(call, 'function')?.text ?? '';
  const modelish = /^[A-Z]\w*$/.test(fnText) && !/^(?:Response|JsonResponse|HttpResponse|dict|Exception|\w+Error|\w+Schema|\w+Form|\w+Serializer|\w+In|\w+Create|\w+Update|BaseModel|Path|Request)$/.test(fnText);
  const ormMethod = /^(?:create|update|get_or_create|update_or_create|insert|insert_one|bulk_create)$/.test(name) && !!recv && DB_RECEIVER.test(fnText + '(');
  for (const c of named(argList)) {
    if (c.type !== 'dictionary_splat') continue;
    const t = taintOf(named(c)[0] ?? null, sc, cx);
    if (t?.origin === 'request' && t.whole && (modelish || ormMethod)) {
      hit(cx, call, { ruleId: 'mass-assignment', confidence: 0.8,
        explanation: `${fnText}(**…) receives every field of ${describe(t)}: a client can set fields the form never shows (is_admin, role, owner_id, balance). Pass only allowed fields, or validate with a form/serializer/pydantic model that lists them.` });
      return;
    }
  }
  if (name === 'setattr' && a.length === 3) {
    const k = a[1];
    const kt = sc.lookup(k.type === 'identifier' ? k.text : '') ?? taintOf(k, sc, cx);
    if (kt?.origin === 'request') {
      hit(cx, call, { ruleId: 'mass-assignment', confidence: 0.75,
        explanation: `setattr() with an attribute name from ${describe(kt)} lets a client set any attribute of the object (is_admin, role, password). Loop over an explicit allow-list of field names.` });
    }
  }
  if (name === 'update' && recv && /__dict__$/.test(recv.text) && a[0] && taintOf(a[0], sc, cx)?.whole) {
    hit(cx, call, { ruleId: 'mass-assignment', confidence: 0.8,
      explanation: 'Updating __dict__ from the request body sets any attribute a client names. Copy only allowed fields.' });
  }
  if (name === 'populate_obj' && recv) {
    // WTForms populate_obj copies only declared form fields: safe.
  }
}

/** The string literal an expression is: itself, or what the identifier was last assigned in the enclosing function or module. */
function literalOf(n: Node): Node | null {
  if (n.type === 'string') return stringValue(n) !== null ? n : null;
  if (n.type !== 'identifier') return null;
  let scope: Node | null = n.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  if (!scope) return null;
  let found: Node | null = null;
  for (const asg of scope.descendantsOfType('assignment')) {
    if (!asg || asg.startIndex >= n.startIndex) continue;
    const left = field(asg, 'left');
    const right = field(asg, 'right');
    if (left?.type === 'identifier' && left.text === n.text) found = right?.type === 'string' ? right : null;
  }
  return found;
}

/** Keys passed to ciphers, HMAC and JWT signing as literals: key = b'thisisakey123456'; AES.new(key, …). */
function checkHardcodedKey(call: Node, name: string, fnText: string, a: Node[], cx: Cx): void {
  if (cx.isTest) return;
  let keyArg: Node | undefined;
  if (name === 'new' && /(?:^|\.)(?:AES|DES|DES3|ARC4|Blowfish|ChaCha20|ChaCha20_Poly1305|Salsa20|HMAC|CAST)\.new$/.test(fnText)) keyArg = a[0];
  else if (fnText === 'hmac.new' || fnText === 'Fernet' || /(?:^|\.)(?:AESGCM|ChaCha20Poly1305|AESCCM)$/.test(fnText)) keyArg = a[0];
  else if (/^(?:jwt|jose\.jwt)\.(?:encode|decode)$/.test(fnText)) keyArg = a[1];
  if (!keyArg) return;
  if (keyArg.type === 'boolean_operator') keyArg = field(keyArg, 'right') ?? keyArg; // os.environ.get('KEY') or 'fallback'
  const lit = literalOf(keyArg);
  const value = lit ? stringValue(lit) : null;
  if (!lit || value === null || value.length < 6 || !isSecretValue(value)) return;
  hit(cx, lit, { ruleId: 'hardcoded-secret', confidence: 0.85, title: 'Hard-coded cryptographic key',
    explanation: `${fnText}() uses a key written in the source: anyone with the code can decrypt or forge what it protects, and rotating it needs a deploy. Load the key from the environment or a key manager (and generate it randomly).` });
}

function checkCrypto(call: Node, name: string, fnText: string, a: Node[], fn: FnInfo, cx: Cx): void {
  checkHardcodedKey(call, name, fnText, a, cx);
  // hashlib.md5(password.encode()), hashlib.new('sha1', password)
  const alg = /^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\w+|blake2b|blake2s)$/.exec(fnText)?.[1] ?? (/^(?:md5|sha1|sha256|sha512)$/.test(fnText) && cx.imports.has('hashlib') ? fnText : undefined) ??
    (fnText === 'hashlib.new' && a[0] ? stringValue(a[0]) ?? undefined : undefined);
  const data = fnText === 'hashlib.new' ? a[1] : a[0];
  if (alg && data && isPasswordData(data, fn)) {
    hit(cx, call, { ruleId: 'weak-password-hash', confidence: 0.85,
      explanation: `The password is hashed with ${alg.toUpperCase()}, a fast hash: leaked hashes fall to GPU guessing at billions per second, and without a per-user salt equal passwords share a hash. ` +
        'Use argon2-cffi, bcrypt, hashlib.scrypt, or Django/werkzeug password hashers (make_password / generate_password_hash).' });
  }
  // Ciphers
  if (name === 'new' && /^(?:DES|DES3|ARC4|ARC2|Blowfish|CAST)$/.test(fnText.split('.').slice(-2, -1)[0] ?? '')) {
    hit(cx, call, { ruleId: 'weak-cipher', confidence: 0.9, explanation: `${fnText.split('.').slice(-2, -1)[0]} is broken or has 64-bit blocks. Use AES-GCM (Crypto.Cipher.AES.MODE_GCM or cryptography's AESGCM).` });
  } else if (name === 'new' && a.some((x) => /MODE_ECB$/.test(x.text))) {
    const ecb = a.find((x) => /MODE_ECB$/.test(x.text))!;
    hit(cx, ecb, { ruleId: 'weak-cipher', confidence: 0.95, explanation: 'ECB mode encrypts equal blocks to equal ciphertext and leaks patterns. Use AES.MODE_GCM with a random nonce.' });
  } else if (/(?:^|\.)ECB$/.test(fnText) && /modes/.test(fnText + [...cx.imports].join(' '))) {
    hit(cx, call, { ruleId: 'weak-cipher', confidence: 0.95, explanation: 'modes.ECB() encrypts equal blocks to equal ciphertext. Use AESGCM (cryptography.hazmat.primitives.ciphers.aead).' });
  } else if (/(?:^|\.)(?:TripleDES|Blowfish|ARC4|CAST5|IDEA|SEED)$/.test(fnText) && /algorithms/.test(fnText)) {
    hit(cx, call, { ruleId: 'weak-cipher', confidence: 0.9, explanation: `${fnText} is a legacy cipher (broken or 64-bit block). Use AES-GCM.` });
  }
}

function isPasswordData(n: Node, fn: FnInfo): boolean {
  const ids = [...identifiersIn(n), ...n.descendantsOfType('attribute').map((x) => x ? field(x, 'attribute')?.text ?? '' : '')];
  if (ids.some((i) => PASSWORD_NAME.test(i) && !/token|reset|hint/i.test(i))) return true;
  if (/pass(?:word|wd)/i.test(fn.name) && !/token|reset|check|verify/i.test(fn.name) && fn.node) {
    const params = field(fn.node, 'parameters');
    const pnames = params ? named(params).map((p) => (p.type === 'identifier' ? p.text : field(p, 'name')?.text ?? '')) : [];
    return identifiersIn(n).some((i) => pnames.includes(i));
  }
  return false;
}

function checkRandomContext(name: string, value: Node, fn: FnInfo, cx: Cx): void {
  if (!cx.usesRandom) return;
  const calls = [value, ...value.descendantsOfType('call')].filter((c): c is Node => !!c && c.type === 'call' &&
    /^random\.(?:random|randint|choice|choices|randrange|getrandbits|sample|uniform)$/.test(field(c, 'function')?.text ?? ''));
  if (!calls.length) return;
  const context = SECRET_CONTEXT.test(name) ? name : SECRET_CONTEXT.test(fn.name) ? fn.name : '';
  if (!context || /color|delay|jitter|backoff|retry|sample|shuffle|index|idx|width|height|weight/i.test(context)) return;
  hit(cx, calls[0], { ruleId: 'insecure-random', confidence: 0.75,
    explanation: `${field(calls[0], 'function')!.text}() makes "${context}", which must be unguessable: the random module is a Mersenne Twister whose state can be recovered from its outputs. Use the secrets module (secrets.token_urlsafe(32), secrets.randbelow, secrets.choice).` });
}

function checkSecretAssignment(left: Node, right: Node, cx: Cx): void {
  let name = left.text;
  if (left.type === 'subscript') {
    const k = field(left, 'subscript');
    const kv = k ? stringValue(k) : null;
    if (!kv) return;
    name = kv;
  } else if (left.type === 'attribute') name = field(left, 'attribute')?.text ?? '';
  else if (left.type !== 'identifier') return;
  let v = right;
  let fallback = false;
  if (v.type === 'boolean_operator' && v.children.some((c) => c?.type === 'or')) {
    v = field(v, 'right') ?? v;
    fallback = true;
  }
  checkSecretValue(name, v, cx, fallback);
}

function checkSecretValue(name: string, v: Node, cx: Cx, fallback: boolean): void {
  if (cx.isTest || v.type !== 'string') return;
  const value = stringValue(v);
  if (value === null || !isSecretName(name) || matchTokenPattern(value) || !isSecretValue(value, name)) return;
  hit(cx, v, { ruleId: 'hardcoded-secret', confidence: fallback ? 0.8 : 0.7, title: fallback ? 'Hard-coded fallback secret' : 'Hard-coded secret',
    explanation: `"${name}" ${fallback ? 'falls back to' : 'is set to'} a literal secret in the source: everyone with the repository has it and it cannot be rotated without a deploy. ` +
      `Read it from the environment or a secret manager${fallback ? ' and refuse to start when it is missing' : ''}.`,
    fix: fallback ? null : `os.environ["${envNameFor(name)}"]` });
}

function checkTokenLiteral(n: Node, cx: Cx): void {
  if (cx.isTest || n.text.length < 18) return;
  const value = stringValue(n);
  if (value === null) return;
  const p = matchTokenPattern(value);
  if (!p) return;
  hit(cx, n, { ruleId: 'hardcoded-secret', severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9,
    title: `Hard-coded secret: ${p.name.replace(/^an? /, '')}`,
    explanation: `This string contains ${p.name}. Secrets in source control leak with every clone and build log; revoke it and load it from the environment or a secret manager.` });
}

/** Tables created by this migration file (empty, unused): operations on them lock nothing that matters. */
function createdTables(cx: Cx): Set<string> {
  const out = new Set<string>();
  for (const m of cx.text.matchAll(/op\.create_table\(\s*['"]([\w.]+)['"]|migrations\.CreateModel\(\s*name\s*=\s*['"](\w+)['"]/g)) out.add((m[1] ?? m[2]).toLowerCase());
  return out;
}

/**
 * Alembic and Django migration operations with the same PostgreSQL hazards as their SQL: add_column(nullable=False)
 * without server_default, create_index without postgresql_concurrently, alter_column(type_=…), drop_column,
 * create_foreign_key; Django AddIndex / RemoveField.
 */
function checkMigrationOp(call: Node, fn: FnInfo, cx: Cx): void {
  if (/^(?:downgrade|down|backwards|reverse\w*)$/.test(fn.name)) return;
  const fnText = field(call, 'function')?.text.replace(/\s+/g, '') ?? '';
  const a = args(call);
  const str = (i: number): string => (a[i] && stringValue(a[i])) || '';
  const created = createdTables(cx);
  const push = (ruleId: string, explanation: string, fix: string | null = null): void => {
    hit(cx, call, { ruleId, confidence: 0.8, explanation, fix });
  };
  if (fnText === 'op.add_column') {
    const table = str(0);
    const col = a[1];
    if (!col || created.has(table.toLowerCase())) return;
    const colText = col.text;
    if (/nullable\s*=\s*False/.test(colText) && !/server_default\s*=/.test(colText) && !/primary_key\s*=\s*True|Identity\(|autoincrement/.test(colText)) {
      push('migration-not-null-without-default', `add_column on "${table}" with nullable=False and no server_default fails when the table has rows ("column contains null values"); a Python-side default= is not sent to the database. ` +
        'Add server_default (instant on PostgreSQL 11+), or add the column nullable, backfill, then alter it to NOT NULL.');
    }
  } else if (fnText === 'op.create_index' || fnText === 'op.f') {
    if (fnText === 'op.f') return;
    const table = str(1);
    if (created.has(table.toLowerCase()) || kwarg(call, 'postgresql_concurrently')?.text === 'True') return;
    const argsNode = field(call, 'arguments')!;
    push('migration-index-not-concurrent', `create_index on "${table}" builds the index under a lock that blocks writes to the table for the whole build. ` +
      'Pass postgresql_concurrently=True and run it outside the migration transaction (with op.get_context().autocommit_block():).',
      `${field(call, 'function')!.text}(${[...named(argsNode).map((x) => x.text), 'postgresql_concurrently=True'].join(', ')})`);
  } else if (fnText === 'op.alter_column' && kwarg(call, 'type_')) {
    const table = str(0);
    if (created.has(table.toLowerCase())) return;
    push('migration-alter-column-type', `alter_column(type_=…) on "${table}" usually rewrites the table under an ACCESS EXCLUSIVE lock (unless the change is binary-compatible, e.g. to a longer varchar or text). Add a new column, backfill, switch, then drop the old one.`);
  } else if (fnText === 'op.drop_column') {
    push('migration-drop-column', `drop_column("${str(0)}", "${str(1)}") breaks instances still running the previous release (ORMs select every mapped column). Remove the column from the model in one release, drop it in a later one.`);
  } else if (fnText === 'op.create_foreign_key') {
    const source = str(1);
    if (created.has(source.toLowerCase())) return;
    push('migration-fk-not-valid', `create_foreign_key on "${source}" validates every row while locking both tables. Add it with op.execute("ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID") and VALIDATE CONSTRAINT in a separate step.`);
  } else if (/^migrations\.AddIndex$/.test(fnText)) {
    const model = (kwarg(call, 'model_name') && stringValue(kwarg(call, 'model_name')!)) || '';
    if (created.has(model.toLowerCase())) return;
    push('migration-index-not-concurrent', `AddIndex on "${model}" blocks writes to the table while the index builds. Use django.contrib.postgres.operations.AddIndexConcurrently in a migration with atomic = False.`,
      call.text.replace(/^migrations\.AddIndex/, 'AddIndexConcurrently'));
  } else if (/^migrations\.RemoveField$/.test(fnText)) {
    const model = (kwarg(call, 'model_name') && stringValue(kwarg(call, 'model_name')!)) || '';
    const name = (kwarg(call, 'name') && stringValue(kwarg(call, 'name')!)) || '';
    push('migration-drop-column', `RemoveField ${model}.${name} drops the column while instances of the previous release still select it. Deploy the model change first (SeparateDatabaseAndState), drop the column in a later release.`);
  }
}

/** Alembic op.execute("ALTER …") and Django RunSQL strings, on the upgrade side only. */
function checkMigrationString(n: Node, fn: FnInfo, cx: Cx): void {
  if (/^(?:downgrade|down|backwards|reverse\w*)$/.test(fn.name)) return;
  const content = named(n).filter((c) => c.type === 'string_content');
  if (content.length !== 1) return;
  const c = content[0];
  if (!/\b(?:ALTER|CREATE|DROP)\b/i.test(c.text)) return;
  for (const h of analyzeSql(c.text, c.startIndex)) cx.hits.push(h);
}

function finishFunction(fn: FnInfo, cx: Cx): void {
  const text = fn.node?.text ?? '';
  const callArgs = fn.idorCall ? field(fn.idorCall.call, 'arguments')?.text ?? '' : '';
  if (fn.idorCall && fn.handler && !cx.fileAuthz && !fn.ownership && !PY_OWNERSHIP.test(fn.guardText) && !PY_USER_IDENTITY.test(callArgs) &&
    !/\.filter(?:_by)?\([^)]*(?:current_user|request\.user|g\.user)/.test(text)) {
    const { call, source } = fn.idorCall;
    hit(cx, call, { ruleId: 'idor', confidence: 0.55,
      explanation: `${field(call, 'function')?.text ?? 'The query'}() looks the record up by ${source}, which the client chooses, and nothing in this view (or its class/decorators) checks that the signed-in user owns it or may access it: ` +
        'any user can read or change another user\'s record by changing the id. Filter by the owner (…filter(id=pk, owner=request.user)) or check permissions and return 404/403.' });
  }
  if (fn.writes.length >= 2 && fn.node && !PY_TRANSACTION.test(text) && !PY_TRANSACTION.test(fn.guardText)) {
    const lines = fn.writes.map((w) => w.startPosition.row + 1);
    hit(cx, fn.writes[1], { ruleId: 'missing-transaction', confidence: 0.6,
      explanation: `This function makes ${fn.writes.length} database writes (lines ${lines.join(', ')}) with no transaction around them: a failure between them leaves the data half-updated. ` +
        'Wrap them in transaction.atomic() (Django) or one session transaction (with session.begin()).' });
  }
}
