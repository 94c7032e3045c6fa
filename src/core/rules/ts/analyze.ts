/**
 * TypeScript/JavaScript rules over the compiler's syntax tree (no type checker: a file at a time,
 * fast enough to run on save). Walks each function in source order, tracking taint (./taint) and
 * checking sinks as it meets them.
 */
import type * as TS from 'typescript';
import type { RuleHit } from '../hits';
import { envNameFor, isSecretName, isSecretValue, isTestPath, matchTokenPattern } from '../secrets';
import { isWriteSql, looksLikeSql, parameterize, type PlaceholderStyle } from '../sql-text';
import { analyzeSql } from '../migrations';
import {
  calleeName, identifiersIn, isRequestObject, receiverOf, Scope, skipOuter, taintOf, ts, type Taint, type TaintContext,
} from './taint';

interface FnInfo {
  node: TS.Node;
  scope: Scope;
  /** Has a request parameter (req/request/@Req/@Param…): an HTTP handler. */
  handler: boolean;
  loopDepth: number;
  /** Callback of forEach/map…: every call in it runs once per element. */
  perElement: boolean;
  writes: TS.CallExpression[];
  idorCall?: { call: TS.CallExpression; taint: Taint };
  loopQueryReported: Set<TS.Node>;
  /** Extra text that may hold an authorization check: route middleware, decorators. */
  guardText: string;
  /** A comparison with the signed-in user or an authorization call was seen here or in a nested callback. */
  ownership: boolean;
  parent?: FnInfo;
}

interface FileCx extends TaintContext {
  path: string;
  hits: RuleHit[];
  imports: Map<string, string>;
  placeholder: PlaceholderStyle | null;
  isTest: boolean;
  isMigration: boolean;
  fileText: string;
  hasJwtVerify: boolean;
  hasMathRandom: boolean;
  /** Imports a database client, ORM or local models/repositories (or imports nothing: a snippet). */
  hasDb: boolean;
  fileAuthz: boolean;
}

const DB_MODULE = /^(?:sequelize|sequelize-typescript|mongoose|mongodb|typeorm|@prisma\/client|prisma|knex|objection|@mikro-orm\/.*|drizzle-orm.*|pg|pg-promise|postgres|mysql2?(?:\/promise)?|mariadb|sqlite3?|better-sqlite3|@nestjs\/typeorm|@nestjs\/mongoose|@nestjs\/sequelize|kysely|slonik|@libsql\/client|@planetscale\/database|@neondatabase\/serverless|@vercel\/postgres|bookshelf|waterline|massive|oracledb|mssql|tedious|@google-cloud\/firestore|firebase-admin|dynamoose|@aws-sdk\/client-dynamodb|@aws-sdk\/lib-dynamodb)$|(?:^|\/)(?:models?|entities|entity|db|database|repositor(?:y|ies)|dao|schema|prisma|orm)(?:\/|$|\.)/;
const ARCHIVE_MODULES = /^(?:adm-zip|unzipper|yauzl|jszip|tar|tar-stream|tar-fs|decompress|extract-zip|node-stream-zip|unzip|unzip-stream)$/;
const SQL_METHODS_STRONG = new Set(['query', 'execute', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orWhereRaw', 'havingRaw',
  'orHavingRaw', 'orderByRaw', 'groupByRaw', 'joinRaw', 'selectRaw', 'fromRaw', 'unsafe', 'sql', 'exec', 'prepare', 'all', 'get', 'run', 'each',
  'queryRaw', 'executeRaw', 'literal', 'mapToModel']);
const SQL_METHODS_ANY_TAINT = new Set(['query', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'whereRaw', 'orWhereRaw', 'havingRaw',
  'orderByRaw', 'groupByRaw', 'joinRaw', 'selectRaw', 'fromRaw', 'unsafe']);
const MONGO_FILTER_METHODS = new Set(['find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove',
  'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments', 'count', 'remove', 'update', 'exists', 'where', 'findAndModify']);
const DB_WRITE_METHODS = new Set(['create', 'insert', 'insertOne', 'insertMany', 'update', 'updateOne', 'updateMany', 'delete', 'deleteOne',
  'deleteMany', 'destroy', 'save', 'upsert', 'remove', 'increment', 'decrement', 'bulkCreate', 'createMany', 'updateMany', 'deleteMany',
  'findByIdAndUpdate', 'findOneAndUpdate', 'findByIdAndDelete', 'findOneAndDelete', 'findByIdAndRemove', 'replaceOne', 'bulkWrite', 'del',
  'insertAndFetch', 'patch', 'patchAndFetchById', 'updateAndFetchById', 'deleteById', 'softDelete', 'restore']);
const DB_READ_METHODS = new Set(['find', 'findOne', 'findById', 'findByPk', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow',
  'findMany', 'findAll', 'findOneBy', 'findBy', 'findOneOrFail', 'findAndCountAll', 'count', 'countDocuments', 'aggregate', 'query', 'execute',
  'select', 'first', 'findByIds', 'exists', 'distinct', 'sum', 'max', 'min', 'pluck', 'load', 'getOne', 'getMany', 'getRawMany', 'findOneById']);
const ID_LOOKUP_METHODS = new Set(['findById', 'findByPk', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findOne', 'findOneBy',
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'update', 'updateOne', 'delete', 'deleteOne', 'destroy', 'remove',
  'findOneAndUpdate', 'findOneAndDelete', 'findOneOrFail', 'deleteById', 'patchAndFetchById', 'updateAndFetchById', 'softDelete', 'upsert']);
const MASS_ASSIGN_METHODS: Record<string, number> = {
  create: 0, build: 0, insert: 0, insertOne: 0, insertMany: 0, bulkCreate: 0, save: 0, upsert: 0, createMany: 0,
  findByIdAndUpdate: 1, findOneAndUpdate: 1, updateOne: 1, updateMany: 1, replaceOne: 1, merge: 1, patchAndFetchById: 1,
  updateAndFetchById: 1, set: 0, setAttributes: 0, assign: 1, patch: 0,
};
const BUILTIN_PASCAL = new Set(['Object', 'Promise', 'JSON', 'Math', 'Array', 'Date', 'Number', 'String', 'Buffer', 'Reflect', 'Symbol', 'Map',
  'Set', 'WeakMap', 'Intl', 'URL', 'Error', 'RegExp', 'Boolean', 'BigInt', 'Atomics', 'Proxy', 'Crypto', 'React', 'Vue', 'Logger', 'Joi', 'Yup',
  'Validator', 'EventEmitter', 'Readable', 'Writable', 'Stream', 'Headers', 'Response', 'Request', 'FormData', 'Blob', 'File', 'Sentry', 'Test']);
const DB_RECEIVER = /(?:^|\.|\b)(?:db|database|prisma|knex|sequelize|mongoose|pool|pg|conn|connection|manager|entityManager|em|orm|repo|repository|\w+Repository|\w+Repo|\w+Model|models?|collection|\w+Collection|queryRunner|dataSource|tx|trx|dao|\w+Dao|\w+DAO|client|sql)(?:\.|$|\(|\[)/i;
const OWNERSHIP = /\b(?:req|request|ctx|context)\s*\.\s*(?:user|session|auth|state|account|identity)\b|\bcurrent_?user\b|\bgetUser\s*\(|\bowner(?:Id|_id|ship)?\b|\b(?:user|author|owner|tenant|account|org|organization|created_?by|customer)_?(?:[iI]d)\s*[:=]|authori[sz]|permission|\bcan[A-Z_(]|\bisOwner|checkAccess|assert\w*(?:Owner|Access)|\bability\b|polic(?:y|ies)\b|forbidden|\b403\b|isAdmin|\brole|@Roles|UseGuards|CurrentUser|@User\s*\(|\bacl\b|\bguard/i;
/** The signed-in user in a comparison or a query: evidence of an ownership check. */
const USER_IDENTITY = /\b(?:req|request|ctx|context)\s*\.\s*(?:user|session|auth|state\.user|account|identity)\b|\bcurrent_?[uU]ser\b|\bsession\.user|\.(?:userId|ownerId|user_id|owner_id|owner|authorId|author_id|createdBy|created_by|tenantId|accountId|orgId)\b|\b(?:userId|ownerId|owner|user|author|tenantId|accountId)\s*:\s*(?:req|request|ctx|user|currentUser|session)\b/;
/** Calls that decide access: authorize(), can(), checkPermission(), isOwner()… */
const AUTHZ_CALL = /authori[sz]e|^can(?:[A-Z]\w*)?$|checkPermission|hasPermission|hasRole|isOwner|assert\w*(?:Owner|Access|Permission)|ensure\w*(?:Owner|Access|Permission)|^permit|^enforce|checkAccess|verifyOwnership|checkOwnership|isAllowed|^forbid/;
const TRANSACTION = /\$transaction|transaction|startTransaction|\bBEGIN\b|withTransaction|startSession|Transactional|runInTransaction|\btrx\b|\btx\b|\batomic/i;
/** Functions whose name says they validate their argument (isSafeUrl, isAllowedHost, validateRedirect, isInside…). */
const CHECK_FUNCTION = /^(?:is|check|validate|ensure|assert|verify)[A-Z_]|allow|whitelist|trusted|inside|within|permitted/;
const PASSWORD_NAME = /pass(?:word|wd|phrase)?$|^pwd$|Pwd$/i;
const SECRET_CONTEXT = /token|secret|passw|otp|nonce|salt|session|reset|csrf|api_?key|apikey|verification|verify|invite|activation|(?:^|[^a-z])code$|Code$|key$|Key$|auth|signature|captcha/i;

export function analyzeTypeScript(path: string, source: string): RuleHit[] {
  const t = ts();
  const kind = /\.tsx$/i.test(path) ? t.ScriptKind.TSX : /\.jsx$/i.test(path) ? t.ScriptKind.JSX
    : /\.[cm]?js$/i.test(path) ? t.ScriptKind.JS : t.ScriptKind.TS;
  const sf = t.createSourceFile(path, source, t.ScriptTarget.Latest, true, kind);
  const imports = collectImports(sf);
  const modules = new Set(imports.values());
  const cx: FileCx = {
    sf, path, hits: [], imports, fileText: source,
    isArchiveFile: [...modules].some((m) => ARCHIVE_MODULES.test(m)),
    placeholder: placeholderStyle(modules),
    isTest: isTestPath(path),
    isMigration: /(?:^|\/)migrations?\//i.test(path),
    hasJwtVerify: /\.verify\s*\(|jwtVerify\s*\(|\bverify\s*\(/.test(source),
    hasMathRandom: source.includes('Math.random'),
    hasDb: imports.size === 0 || [...modules].some((m) => DB_MODULE.test(m)),
    fileAuthz: /\.use\s*\([^)]*(?:authori[sz]|permission|role|admin|owner|acl|polic|guard|can[A-Z])/i.test(source),
  };
  const top = new Scope(undefined);
  const fn: FnInfo = newFn(sf, top, false, '');
  visit(sf, top, fn, cx);
  finishFunction(fn, cx);
  return cx.hits;
}

function newFn(node: TS.Node, scope: Scope, handler: boolean, guardText: string, parent?: FnInfo): FnInfo {
  return { node, scope, handler, loopDepth: 0, perElement: false, writes: [], loopQueryReported: new Set(), guardText, ownership: false, parent };
}

function markOwnership(fn: FnInfo): void {
  for (let f: FnInfo | undefined = fn; f; f = f.parent) f.ownership = true;
}

function collectImports(sf: TS.SourceFile): Map<string, string> {
  const t = ts();
  const map = new Map<string, string>();
  const bindName = (name: TS.BindingName | undefined, mod: string): void => {
    if (!name) return;
    if (t.isIdentifier(name)) map.set(name.text, mod);
    else for (const el of name.elements) if (!t.isOmittedExpression(el)) bindName(el.name, mod);
  };
  const visitNode = (n: TS.Node): void => {
    if (t.isImportDeclaration(n) && t.isStringLiteral(n.moduleSpecifier)) {
      const mod = n.moduleSpecifier.text;
      const c = n.importClause;
      if (c?.name) map.set(c.name.text, mod);
      const nb = c?.namedBindings;
      if (nb && t.isNamespaceImport(nb)) map.set(nb.name.text, mod);
      if (nb && t.isNamedImports(nb)) for (const el of nb.elements) map.set(el.name.text, mod);
    } else if (t.isImportEqualsDeclaration(n) && t.isExternalModuleReference(n.moduleReference) && t.isStringLiteral(n.moduleReference.expression)) {
      map.set(n.name.text, n.moduleReference.expression.text);
    } else if (t.isVariableDeclaration(n) && n.initializer) {
      const req = requireTarget(n.initializer);
      if (req) bindName(n.name, req);
    }
    t.forEachChild(n, visitNode);
  };
  visitNode(sf);
  return map;
}

function requireTarget(e: TS.Expression): string | undefined {
  const t = ts();
  e = skipOuter(e);
  while (t.isPropertyAccessExpression(e)) e = skipOuter(e.expression);
  if (t.isCallExpression(e) && t.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments[0] && t.isStringLiteral(e.arguments[0])) {
    return e.arguments[0].text;
  }
  return undefined;
}

function placeholderStyle(modules: Set<string>): PlaceholderStyle | null {
  const has = (re: RegExp): boolean => [...modules].some((m) => re.test(m));
  if (has(/^(?:pg|pg-promise|postgres|@neondatabase\/serverless|@vercel\/postgres|pg-pool)$/)) return 'dollar';
  if (has(/^(?:mysql|mysql2|mysql2\/promise|sqlite3|better-sqlite3|sqlite|@libsql\/client|mariadb)$/)) return 'question';
  return null;
}

function isFunctionLikeNode(n: TS.Node): n is TS.FunctionLikeDeclaration {
  const t = ts();
  return t.isFunctionDeclaration(n) || t.isFunctionExpression(n) || t.isArrowFunction(n) || t.isMethodDeclaration(n) ||
    t.isConstructorDeclaration(n) || t.isGetAccessorDeclaration(n) || t.isSetAccessorDeclaration(n);
}

function decoratorNames(n: TS.Node): { name: string; args: readonly TS.Expression[] }[] {
  const t = ts();
  const decos = t.canHaveDecorators(n) ? t.getDecorators(n) ?? [] : [];
  const out: { name: string; args: readonly TS.Expression[] }[] = [];
  for (const d of decos) {
    const e = d.expression;
    if (t.isCallExpression(e) && t.isIdentifier(e.expression)) out.push({ name: e.expression.text, args: e.arguments });
    else if (t.isIdentifier(e)) out.push({ name: e.text, args: [] });
  }
  return out;
}

/** A DTO class type (validated by Nest's ValidationPipe) rather than any/object/Record. */
function isClassType(type: TS.TypeNode | undefined): boolean {
  const t = ts();
  if (!type || !t.isTypeReferenceNode(type)) return false;
  const n = t.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  return /^[A-Z]/.test(n) && !/^(?:Record|Object|Partial|Request|Body|Any|Json|Dict|Map)$/.test(n);
}

function isNamedFunction(fn: TS.FunctionLikeDeclaration): boolean {
  const t = ts();
  if (t.isFunctionDeclaration(fn) || t.isMethodDeclaration(fn)) return true;
  const p = fn.parent;
  return !!p && (t.isVariableDeclaration(p) || t.isPropertyAssignment(p) || t.isPropertyDeclaration(p)) && p.initializer === fn;
}

function functionName(fn: TS.Node): string {
  const t = ts();
  if ((t.isFunctionDeclaration(fn) || t.isMethodDeclaration(fn) || t.isFunctionExpression(fn)) && fn.name) return fn.name.getText();
  const p = fn.parent;
  if (p && (t.isVariableDeclaration(p) || t.isPropertyAssignment(p) || t.isPropertyDeclaration(p))) return p.name.getText();
  if (p && t.isBinaryExpression(p) && p.right === fn) return p.left.getText().replace(/^.*\./, ''); // exports.down = function…
  return '';
}

function analyzeFunction(fnNode: TS.FunctionLikeDeclaration, parentScope: Scope, parentFn: FnInfo, cx: FileCx): void {
  const t = ts();
  const sc = new Scope(parentScope);
  let handler = false;
  const guardParts: string[] = [];
  const named = isNamedFunction(fnNode);
  for (const p of fnNode.parameters) {
    const decos = decoratorNames(p);
    const nameText = t.isIdentifier(p.name) ? p.name.text : '';
    const deco = decos.find((d) => /^(?:Body|Param|Query|Headers|Req|Request|UploadedFile|UploadedFiles|Ip|HostParam)$/.test(d.name));
    if (deco) {
      handler = true;
      if (deco.name === 'Req' || deco.name === 'Request') {
        if (nameText) sc.requestNames.add(nameText);
        continue;
      }
      const typed = isClassType(p.type);
      const arg = deco.args[0] && t.isStringLiteralLike(deco.args[0]) ? deco.args[0].text : undefined;
      const raw = (deco.name === 'Body' || deco.name === 'Query') && !typed && !(p.type && /^(?:string|number|boolean)/.test(p.type.getText(cx.sf)));
      const taint: Taint = { origin: 'request', source: `@${deco.name}(${arg ? `'${arg}'` : ''}) ${p.name.getText(cx.sf)}`, raw,
        whole: deco.name === 'Body' && !arg && !typed, built: false, normalized: false };
      bindPattern(p.name, taint, sc, cx, taint.source);
      continue;
    }
    const typeText = p.type?.getText(cx.sf) ?? '';
    if (nameText && isIncomingRequestParam(fnNode, p, nameText, typeText, cx)) {
      sc.requestNames.add(nameText);
      handler = true;
      continue;
    }
    if (nameText === 'ctx' && /Context|^$/.test(typeText) && /ctx\.(?:request|query|params)\b/.test(fnNode.getText(cx.sf))) {
      sc.requestNames.add(`ctx:${nameText}`);
      handler = true;
      continue;
    }
    if (nameText === 'c' && /c\.req\./.test(fnNode.getText(cx.sf))) {
      handler = true;
      continue;
    }
    if (named && !/^(?:number|boolean|bigint)\b/.test(typeText) && !/^(?:res|response|reply|next|h|cb|callback|done|err|error|options|opts|config)$/.test(nameText)) {
      const pt: Taint = { origin: 'param', source: `parameter ${p.name.getText(cx.sf)}`, raw: false, whole: false, built: false, normalized: false };
      bindPattern(p.name, pt, sc, cx, pt.source);
    } else {
      clearPattern(p.name, sc);
    }
  }
  // Archive entry callbacks: zip.getEntries().forEach(entry => …), .on('entry', entry => …), zip.forEach((relativePath, file) => …).
  const parent = fnNode.parent;
  if (cx.isArchiveFile && parent && t.isCallExpression(parent) && fnNode.parameters[0]) {
    const name = calleeName(parent);
    const recvText = receiverOf(parent)?.getText(cx.sf) ?? '';
    const onEntry = name === 'on' && parent.arguments[0] && t.isStringLiteralLike(parent.arguments[0]) && parent.arguments[0].text === 'entry';
    if (onEntry || ((name === 'forEach' || name === 'map') && /getEntries|entries|files|zip/i.test(recvText))) {
      const p0 = fnNode.parameters[0].name;
      if (t.isIdentifier(p0)) {
        sc.vars.set(p0.text, { origin: 'archive', source: `archive entry ${p0.text}`, raw: false, whole: false, built: false, normalized: false });
      }
    }
  }
  // Route middleware before an inline handler: router.get('/x/:id', requireOwner, (req, res) => …).
  if (parent && t.isCallExpression(parent)) {
    for (const a of parent.arguments) if (a !== fnNode) guardParts.push(a.getText(cx.sf));
  }
  if (t.isMethodDeclaration(fnNode)) {
    for (const d of t.canHaveDecorators(fnNode) ? t.getDecorators(fnNode) ?? [] : []) guardParts.push(d.getText(cx.sf));
    const cls = fnNode.parent;
    if (cls && t.isClassDeclaration(cls)) for (const d of t.getDecorators(cls) ?? []) guardParts.push(d.getText(cx.sf));
  }
  const info = newFn(fnNode, sc, handler || parentFn.handler, guardParts.join('\n') + '\n' + parentFn.guardText, parentFn);
  // A callback of forEach/map/filter… runs per element: queries in it are N+1 like in a loop.
  if (parent && t.isCallExpression(parent) && /^(?:forEach|map|flatMap|filter|reduce|some|every|each|mapSeries|eachSeries)$/.test(calleeName(parent))) {
    const recv = receiverOf(parent);
    if (!recv || !isDbReceiver(recv, cx)) info.perElement = true;
  }
  if (parentFn.loopDepth > 0 || parentFn.perElement) info.perElement = info.perElement || parentFn.loopDepth > 0;
  if (fnNode.body) visit(fnNode.body, sc, info, cx);
  finishFunction(info, cx);
}

const HTTP_METHOD_EXPORT = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|handler|loader|action)$/;
const ROUTER_RECEIVER = /^(?:app|router|server|fastify|api|routes?|r|instance|koa|hono|express\(\)|[a-z]+Router)$/;

/**
 * An incoming HTTP request, not any variable called `request` (HTTP client libraries have those too):
 * typed as a server request, followed by a response/reply/next parameter, passed to a route registration,
 * or the parameter of an exported GET/POST… route handler.
 */
function isIncomingRequestParam(fn: TS.FunctionLikeDeclaration, p: TS.ParameterDeclaration, name: string, typeText: string, cx: FileCx): boolean {
  const t = ts();
  if (/^(?:Express\.)?Request\b|FastifyRequest|NextRequest|NextApiRequest|IncomingMessage|HonoRequest|^Req\b/.test(typeText)) return true;
  if (name !== 'req' && name !== 'request') return false;
  const idx = fn.parameters.indexOf(p);
  const next = fn.parameters[idx + 1];
  if (next && t.isIdentifier(next.name) && /^(?:res|response|reply|h|next|rep)$/.test(next.name.text)) return true;
  const parent = fn.parent;
  if (parent && t.isCallExpression(parent)) {
    const recv = receiverOf(parent);
    if (recv && ROUTER_RECEIVER.test(recv.getText(cx.sf)) && /^(?:get|post|put|patch|delete|del|all|use|route|options|head|handle|on)$/.test(calleeName(parent))) return true;
  }
  return HTTP_METHOD_EXPORT.test(functionName(fn)) && name === 'request';
}

function bindPattern(name: TS.BindingName, taint: Taint | undefined, sc: Scope, cx: FileCx, sourceText: string): void {
  const t = ts();
  if (t.isIdentifier(name)) {
    sc.vars.set(name.text, taint ?? null);
    return;
  }
  for (const el of name.elements) {
    if (t.isOmittedExpression(el)) continue;
    if (!taint) {
      bindPattern(el.name, undefined, sc, cx, sourceText);
      continue;
    }
    const prop = t.isObjectBindingPattern(name)
      ? (el.propertyName ? el.propertyName.getText(cx.sf) : el.name.getText(cx.sf))
      : undefined;
    const isRest = !!el.dotDotDotToken;
    const src = taint.origin === 'request' && prop ? `${sourceText}.${prop}` : sourceText;
    const child: Taint = { ...taint, source: src, whole: isRest && taint.whole, built: false, normalized: false };
    // `const { id } = req.params`: the element is a property of the source. Numbers from defaults stay tainted.
    bindPattern(el.name, child, sc, cx, src);
  }
}

function clearPattern(name: TS.BindingName, sc: Scope): void {
  const t = ts();
  if (t.isIdentifier(name)) sc.vars.set(name.text, null);
  else for (const el of name.elements) if (!t.isOmittedExpression(el)) clearPattern(el.name, sc);
}

let interestingKinds: Set<TS.SyntaxKind> | undefined;
/** Node kinds visit() does more than recurse into: everything else goes straight to its children. */
function interesting(): Set<TS.SyntaxKind> {
  const k = ts().SyntaxKind;
  return (interestingKinds ??= new Set([k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor,
    k.GetAccessor, k.SetAccessor, k.VariableDeclaration, k.BinaryExpression, k.ForOfStatement, k.ForInStatement, k.ForStatement,
    k.CallExpression, k.NewExpression, k.PropertyAssignment, k.StringLiteral, k.NoSubstitutionTemplateLiteral, k.TemplateExpression]));
}

function visit(node: TS.Node, sc: Scope, fn: FnInfo, cx: FileCx): void {
  const t = ts();
  if (!interesting().has(node.kind)) {
    t.forEachChild(node, (c) => visit(c, sc, fn, cx));
    return;
  }
  if (isFunctionLikeNode(node)) {
    analyzeFunction(node, sc, fn, cx);
    return;
  }
  if (t.isVariableDeclaration(node)) {
    if (node.initializer) {
      visit(node.initializer, sc, fn, cx);
      const taint = taintOf(node.initializer, sc, cx);
      bindPattern(node.name, taint, sc, cx, taint?.source ?? '');
      checkSecretAssignment(node.name.getText(cx.sf), node.initializer, cx);
      checkInsecureRandomContext(node, cx);
    }
    return;
  }
  if (t.isBinaryExpression(node) && isAssignmentOp(node.operatorToken.kind)) {
    visit(node.right, sc, fn, cx);
    const right = taintOf(node.right, sc, cx);
    const left = skipOuter(node.left);
    if (t.isIdentifier(left)) {
      if (node.operatorToken.kind === t.SyntaxKind.EqualsToken) sc.vars.set(left.text, right ?? null);
      else if (right) {
        const prev = sc.lookup(left.text);
        sc.vars.set(left.text, { ...(prev ?? right), origin: right.origin, source: right.source, built: true, raw: false, whole: false });
      }
    } else if ((t.isPropertyAccessExpression(left) || t.isElementAccessExpression(left)) && right) {
      // filter.user = req.body.user: the object now carries request data.
      const base = skipOuter(left.expression);
      if (t.isIdentifier(base) && !isRequestObject(base, sc)) {
        const prev = sc.lookup(base.text);
        sc.vars.set(base.text, { ...right, raw: true, whole: prev?.whole ?? false, built: prev?.built ?? false });
      }
      visit(node.left, sc, fn, cx);
    }
    checkSecretAssignment(node.left.getText(cx.sf), node.right, cx);
    return;
  }
  if (t.isForOfStatement(node) || t.isForInStatement(node)) {
    visit(node.expression, sc, fn, cx);
    const init = node.initializer;
    let taint = taintOf(node.expression, sc, cx);
    const exprText = node.expression.getText(cx.sf);
    if (cx.isArchiveFile && /getEntries\s*\(|\.files\b|entries\s*\(/.test(exprText)) {
      taint = { origin: 'archive', source: `entries of ${exprText}`, raw: false, whole: false, built: false, normalized: false };
    }
    if (taint && t.isForInStatement(node)) taint = { ...taint, raw: false, whole: false };
    if (t.isVariableDeclarationList(init)) for (const d of init.declarations) bindPattern(d.name, taint && { ...taint, whole: false }, sc, cx, taint?.source ?? '');
    const literalLoop = t.isArrayLiteralExpression(skipOuter(node.expression)) || t.isObjectLiteralExpression(skipOuter(node.expression));
    if (!literalLoop) fn.loopDepth++;
    visit(node.statement, sc, fn, cx);
    if (!literalLoop) fn.loopDepth--;
    return;
  }
  if (t.isForStatement(node)) {
    if (node.initializer) visit(node.initializer, sc, fn, cx);
    if (node.condition) visit(node.condition, sc, fn, cx);
    fn.loopDepth++;
    visit(node.statement, sc, fn, cx);
    if (node.incrementor) visit(node.incrementor, sc, fn, cx);
    fn.loopDepth--;
    return;
  }
  if (t.isCallExpression(node)) {
    t.forEachChild(node, (c) => visit(c, sc, fn, cx));
    checkCall(node, sc, fn, cx);
    return;
  }
  if (t.isNewExpression(node)) {
    t.forEachChild(node, (c) => visit(c, sc, fn, cx));
    checkNew(node, sc, cx);
    return;
  }
  if (t.isPropertyAssignment(node)) {
    checkSecretAssignment(node.name.getText(cx.sf), node.initializer, cx);
    checkPropertyAssignment(node, sc, cx);
    checkInsecureRandomContext(node, cx);
  }
  if (t.isBinaryExpression(node)) checkComparison(node, sc, fn, cx);
  if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) checkTokenLiteral(node, cx);
  if (cx.isMigration && (t.isTemplateExpression(node) || t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node))) {
    checkMigrationSql(node, cx);
    if (t.isTemplateExpression(node)) return;
  }
  t.forEachChild(node, (c) => visit(c, sc, fn, cx));
}

function isAssignmentOp(k: TS.SyntaxKind): boolean {
  const t = ts();
  return k === t.SyntaxKind.EqualsToken || k === t.SyntaxKind.PlusEqualsToken || k === t.SyntaxKind.BarBarEqualsToken ||
    k === t.SyntaxKind.QuestionQuestionEqualsToken;
}

function hit(cx: FileCx, node: TS.Node, h: Omit<RuleHit, 'start' | 'end'>): void {
  cx.hits.push({ ...h, start: node.getStart(cx.sf), end: node.end });
}

function describe(taint: Taint): string {
  if (taint.origin === 'request') return `request data (${taint.source})`;
  if (taint.origin === 'archive') return `an archive entry name (${taint.source})`;
  return `${taint.source}, whose callers decide its value`;
}

/** Receivers whose name alone does not say "database" (an HTTP client, a cache, a stream): trusted only in files that use a database. */
const AMBIGUOUS_DB_RECEIVER = /^(?:client|pool|conn|connection|session|manager|em|tx|trx|sql|collection|store|models?)$/i;

function isDbReceiver(recv: TS.Expression, cx: FileCx): boolean {
  const t = ts();
  const r = skipOuter(recv);
  let root: TS.Expression = r;
  while (t.isPropertyAccessExpression(root) || t.isElementAccessExpression(root) || t.isCallExpression(root)) root = skipOuter(root.expression);
  if (!cx.hasDb && t.isIdentifier(root) && (AMBIGUOUS_DB_RECEIVER.test(root.text) || /^[A-Z]/.test(root.text))) return false;
  if (t.isIdentifier(root) && /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*$/.test(root.text) && !BUILTIN_PASCAL.has(root.text) && r === root) {
    const mod = cx.imports.get(root.text);
    if (!mod || !/^(?:node:)?(?:fs|path|crypto|http|https|url|util|events|stream|os|child_process)$/.test(mod)) return true;
  }
  if (root.kind === t.SyntaxKind.ThisKeyword && t.isPropertyAccessExpression(r) && /(?:repo|repository|model|prisma|db|dao|knex|em|manager)$/i.test(r.name.text)) return true;
  return DB_RECEIVER.test(r.getText(cx.sf).replace(/\s+/g, ''));
}

function isAwaited(node: TS.Node): boolean {
  const t = ts();
  for (let p = node.parent; p; p = p.parent) {
    if (t.isAwaitExpression(p) || t.isYieldExpression(p)) return true;
    if (t.isCallExpression(p) && /^(?:then|exec|all|allSettled)$/.test(calleeName(p))) return true;
    if (t.isPropertyAccessExpression(p) || t.isCallExpression(p) || t.isParenthesizedExpression(p) || t.isAsExpression(p) || t.isNonNullExpression(p)) continue;
    // `return db.x()` / `async () => db.x()` in an async function hands the promise to an awaiting caller.
    if (t.isReturnStatement(p) || t.isArrowFunction(p)) return isInAsyncFunction(p);
    return false;
  }
  return false;
}

function isInAsyncFunction(n: TS.Node): boolean {
  const t = ts();
  for (let p: TS.Node | undefined = n; p; p = p.parent) {
    if (isFunctionLikeNode(p)) return !!t.getCombinedModifierFlags(p as TS.Declaration) && (t.getCombinedModifierFlags(p as TS.Declaration) & t.ModifierFlags.Async) !== 0;
  }
  return false;
}

function checkCall(call: TS.CallExpression, sc: Scope, fn: FnInfo, cx: FileCx): void {
  const t = ts();
  const name = calleeName(call);
  const recv = receiverOf(call);
  const recvText = recv ? skipOuter(recv).getText(cx.sf).replace(/\s+/g, '') : '';
  const args = call.arguments;
  const arg0 = args[0];
  const mod = t.isIdentifier(skipOuter(call.expression)) ? cx.imports.get(name) : recv && t.isIdentifier(skipOuter(recv)) ? cx.imports.get(recvText) : undefined;

  recordChecks(call, name, recv, sc, cx);
  if (fn.handler && AUTHZ_CALL.test(name)) markOwnership(fn);

  // --- SQL injection
  if (arg0 && (SQL_METHODS_STRONG.has(name)) && !(name === 'get' && !recv)) {
    const taint = taintOf(arg0, sc, cx);
    const sqlText = sqlTextOf(arg0, sc, cx);
    const sqlish = looksLikeSql(sqlText);
    if (taint && taint.origin !== 'archive' && (sqlish || (SQL_METHODS_ANY_TAINT.has(name) && taint.origin === 'request' && isDbishCall(recv, cx))) &&
      (taint.built || taint.origin === 'request') && !(name === 'exec' && mod === 'child_process')) {
      const fromRequest = taint.origin === 'request';
      hit(cx, call, {
        ruleId: 'sql-injection',
        severity: fromRequest ? 'critical' : 'medium',
        confidence: fromRequest ? 0.9 : 0.5,
        title: fromRequest ? 'SQL built from request data' : 'SQL built by concatenation from a function parameter',
        explanation: `The SQL passed to ${name}() is built from ${describe(taint)} by ${taint.built ? 'string concatenation/interpolation' : 'using it as the query text'}. ` +
          'A quote in the value changes the statement. Pass values as bind parameters (placeholders) and keep the SQL text constant.',
        fix: sqlFix(call, arg0, cx),
      });
    }
  }

  // --- NoSQL injection
  if (arg0 && MONGO_FILTER_METHODS.has(name) && !t.isFunctionLike(arg0) && !(name === 'where' && !recv)) {
    checkMongoFilter(call, name, arg0, sc, cx);
  }

  // --- Command injection
  if (arg0 && ((/^(?:exec|execSync)$/.test(name) && (mod === 'child_process' || /child_process|^cp$|^childProcess$|^shell$/.test(recvText) || cx.imports.get(name) === 'child_process')) ||
    (/^(?:spawn|spawnSync|execFile|execFileSync)$/.test(name) && args.some((a) => /shell\s*:\s*true/.test(a.getText(cx.sf)))) ||
    (name === 'exec' && mod === 'shelljs'))) {
    const taint = taintOf(arg0, sc, cx) ?? (/^spawn|^execFile/.test(name) ? args.slice(1).map((a) => taintOf(a, sc, cx)).find(Boolean) : undefined);
    if (taint && taint.origin === 'request') {
      hit(cx, call, { ruleId: 'command-injection', confidence: 0.9,
        explanation: `${name}() runs a shell command built from ${describe(taint)}: characters such as ; | $( ) let a client run any command. ` +
          'Use execFile/spawn with an argument array and no shell, and validate the value against an allow-list.' });
    }
  }

  // --- Code injection
  const calleeText = skipOuter(call.expression).getText(cx.sf);
  if (arg0 && (calleeText === 'eval' || calleeText === 'Function' || /^(?:vm\.)?(?:runInNewContext|runInThisContext|runInContext|compileFunction)$/.test(calleeText) ||
    ((calleeText === 'setTimeout' || calleeText === 'setInterval') && !t.isFunctionLike(arg0) && !t.isIdentifier(arg0)))) {
    const taint = taintOf(arg0, sc, cx);
    if (taint && taint.origin === 'request') {
      hit(cx, call, { ruleId: 'code-injection', confidence: 0.9,
        explanation: `${calleeText}() evaluates code built from ${describe(taint)}: a client can run arbitrary JavaScript on the server. ` +
          'Parse data with JSON.parse, or map the input to a fixed set of operations.' });
    }
  }

  // --- Unsafe deserialization (node-serialize, cryo, funcster)
  if (arg0 && /^(?:unserialize|deserialize|parse)$/.test(name) && /^(?:node-serialize|funcster|cryo|serialize-to-js)$/.test(mod ?? cx.imports.get(recvText) ?? '')) {
    const taint = taintOf(arg0, sc, cx);
    if (!t.isStringLiteralLike(arg0)) {
      hit(cx, call, { ruleId: 'unsafe-deserialization', severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: taint ? 0.9 : 0.7,
        explanation: `${recvText ? recvText + '.' : ''}${name}() revives functions from the serialized text (IIFE payloads run on deserialization)` +
          (taint ? `, and the text comes from ${describe(taint)}.` : '. Anything an attacker can write into that data executes on the server.') +
          ' Use JSON.parse and validate the result.' });
    }
  }

  // --- Path traversal / zip slip
  checkFileSink(call, name, recv, recvText, mod, sc, cx);

  // --- SSRF
  checkSsrf(call, name, recvText, mod, sc, cx);

  // --- Open redirect
  checkRedirect(call, name, recvText, sc, cx);

  // --- Crypto
  checkCrypto(call, name, recvText, mod, sc, cx);

  // --- JWT
  checkJwt(call, name, recvText, mod, cx);

  // --- XXE (libxmljs)
  if (/^(?:parseXml|parseXmlString|parseXmlAsync|parseHtml)$/.test(name) && args[1] && t.isObjectLiteralExpression(args[1])) {
    for (const p of args[1].properties) {
      if (t.isPropertyAssignment(p) && p.name.getText(cx.sf) === 'noent' && p.initializer.kind === t.SyntaxKind.TrueKeyword) {
        const taint = arg0 ? taintOf(arg0, sc, cx) : undefined;
        hit(cx, p, { ruleId: 'xxe', severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: 0.9, fix: 'noent: false',
          explanation: `${name}() with noent: true substitutes external entities, so a document can read local files (file:///etc/passwd) or make the server fetch URLs` +
            (taint ? `; the XML comes from ${describe(taint)}.` : '.') + ' Remove noent (it defaults to false).' });
      }
    }
  }

  // --- Migrations written with knex / TypeORM builders
  if (cx.isMigration) checkMigrationBuilder(call, name, recvText, cx);

  // --- Mass assignment
  checkMassAssignment(call, name, recv, args, sc, cx);

  // --- Database access bookkeeping: IDOR, transactions, N+1
  if (recv && (isDbReceiver(recv, cx) || (cx.hasDb && (name === 'save' || name === 'destroy') && isAwaited(call)))) {
    const write = DB_WRITE_METHODS.has(name) || ((name === 'query' || name === 'execute' || name === 'run') && arg0 && isWriteSql(sqlTextOf(arg0, sc, cx)));
    const read = DB_READ_METHODS.has(name);
    if ((write || read) && isAwaited(call)) {
      if (write && !/(?:tx|trx|transaction|session)\b/i.test(recvText) && !args.some((a) => /\b(?:transaction|session)\s*[:,}]/.test(a.getText(cx.sf)))) {
        fn.writes.push(call);
      }
      if (fn.loopDepth > 0 || fn.perElement) {
        const loop = enclosingLoop(call) ?? fn.node;
        if (!fn.loopQueryReported.has(loop)) {
          fn.loopQueryReported.add(loop);
          hit(cx, call, { ruleId: 'n-plus-one', confidence: 0.6,
            title: write ? 'Database write inside a loop' : 'Query inside a loop (N+1)',
            explanation: `${recvText}.${name}() runs once per ${fn.loopDepth > 0 ? 'loop iteration' : 'element (inside a forEach/map callback)'}: ` +
              `N items cost N round-trips. ${write ? 'Use a bulk write (insertMany/createMany/bulkCreate, one multi-row INSERT)' : 'Load all rows in one query (WHERE id IN (…) / $in / include the relation)'} and look the results up in memory.` });
        }
      }
    }
    const byId = ID_LOOKUP_METHODS.has(name) || /^(?:get|find|fetch|load|read|update|delete|remove|destroy)\w*By\w*Id$/i.test(name) ||
      (name === 'find' && !!arg0 && t.isObjectLiteralExpression(skipOuter(arg0)));
    if (fn.handler && !fn.idorCall && (byId || ((name === 'query' || name === 'execute') && args[1]))) {
      // For raw SQL the id is a bind parameter (args after the text); an id inside the text is sql-injection.
      const idArgs = name === 'query' || name === 'execute' ? args.slice(1) : args;
      const idArg = idArgs.find((a) => {
        const tt = taintOf(a, sc, cx);
        return tt && tt.origin === 'request' && /(?:^|[^a-z])(?:id|[a-z]*Id|[a-z]*_id|uuid|slug)\)?$|\bid\b|Id\b|_id\b/i.test(tt.source) && !/user|session/i.test(tt.source.replace(/req(?:uest)?\.user/, ''));
      });
      if (idArg) fn.idorCall = { call, taint: taintOf(idArg, sc, cx)! };
    }
  }
  // A data-access function imported by the handler (findOrderById(id)) looks records up by id just the same.
  if (!recv && fn.handler && !fn.idorCall && DAO_BY_ID.test(name)) {
    const idArg = args.find((a) => {
      const tt = taintOf(a, sc, cx);
      return tt && tt.origin === 'request' && !/user|session/i.test(tt.source.replace(/req(?:uest)?\.user/, ''));
    });
    if (idArg) fn.idorCall = { call, taint: taintOf(idArg, sc, cx)! };
  }
}

const DAO_BY_ID = /^(?:get|find|fetch|load|read|update|delete|remove|destroy)\w*By\w*Id$/i;

function isDbishCall(recv: TS.Expression | undefined, cx: FileCx): boolean {
  return !!recv && isDbReceiver(recv, cx);
}

function enclosingLoop(n: TS.Node): TS.Node | undefined {
  const t = ts();
  for (let p = n.parent; p; p = p.parent) {
    if (t.isForOfStatement(p) || t.isForInStatement(p) || t.isForStatement(p)) return p;
    if (isFunctionLikeNode(p)) return p;
  }
  return undefined;
}

/** The SQL text an argument holds: the literal parts of a template/concatenation, or what a variable was built from. */
function sqlTextOf(arg: TS.Expression, sc: Scope, cx: FileCx): string {
  const t = ts();
  const e = skipOuter(arg);
  if (t.isStringLiteralLike(e)) return e.text;
  if (t.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => ' x ' + s.literal.text).join('');
  if (t.isBinaryExpression(e) && e.operatorToken.kind === t.SyntaxKind.PlusToken) return sqlTextOf(e.left, sc, cx) + ' x ' + sqlTextOf(e.right, sc, cx);
  if (t.isIdentifier(e)) {
    const decl = findDeclaration(e, cx);
    if (decl) return sqlTextOf(decl, sc, cx) + ' ' + assignedTexts(e.text, e, cx);
  }
  if (t.isCallExpression(e) && /^(?:format|concat|join)$/.test(calleeName(e))) return e.arguments.map((a) => sqlTextOf(a, sc, cx)).join(' ');
  return '';
}

/** Text appended to a variable with += before `use` (query += " WHERE id = " + id). */
function assignedTexts(name: string, use: TS.Node, cx: FileCx): string {
  const t = ts();
  const out: string[] = [];
  const fnBody = enclosingFunctionBody(use);
  const walk = (n: TS.Node): void => {
    if (n.pos >= use.pos) return;
    if (t.isBinaryExpression(n) && n.operatorToken.kind === t.SyntaxKind.PlusEqualsToken && t.isIdentifier(n.left) && n.left.text === name) {
      out.push(sqlTextOf(n.right, new Scope(undefined), cx));
    }
    t.forEachChild(n, walk);
  };
  if (fnBody) walk(fnBody);
  return out.join(' ');
}

function enclosingFunctionBody(n: TS.Node): TS.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLikeNode(p) || ts().isSourceFile(p)) return p;
  return undefined;
}

/** The initializer of the nearest earlier `const/let name = …` in the enclosing functions. */
function findDeclaration(id: TS.Identifier, cx: FileCx): TS.Expression | undefined {
  const t = ts();
  let found: TS.Expression | undefined;
  for (let scope = enclosingFunctionBody(id); scope && !found; scope = scope.parent ? enclosingFunctionBody(scope) : undefined) {
    const walk = (n: TS.Node): void => {
      if (found || n.pos > id.pos) return;
      if (t.isVariableDeclaration(n) && t.isIdentifier(n.name) && n.name.text === id.text && n.initializer) found = n.initializer;
      if (n !== scope && isFunctionLikeNode(n)) return;
      t.forEachChild(n, walk);
    };
    walk(scope);
    if (t.isSourceFile(scope)) break;
  }
  void cx;
  return found;
}

function sqlFix(call: TS.CallExpression, arg0: TS.Expression, cx: FileCx): string | null {
  const t = ts();
  if (!cx.placeholder) return null;
  const e = skipOuter(arg0);
  const literals: string[] = [];
  const exprs: string[] = [];
  if (t.isTemplateExpression(e)) {
    literals.push(e.head.text);
    for (const s of e.templateSpans) {
      exprs.push(s.expression.getText(cx.sf));
      literals.push(s.literal.text);
    }
  } else if (t.isBinaryExpression(e) && e.operatorToken.kind === t.SyntaxKind.PlusToken) {
    const parts: TS.Expression[] = [];
    const flatten = (x: TS.Expression): void => {
      x = t.isParenthesizedExpression(x) ? x.expression : x;
      if (t.isBinaryExpression(x) && x.operatorToken.kind === t.SyntaxKind.PlusToken) {
        flatten(x.left);
        flatten(x.right);
      } else parts.push(x);
    };
    flatten(e);
    let cur = '';
    for (const p of parts) {
      if (t.isStringLiteralLike(p)) cur += p.text;
      else {
        literals.push(cur);
        exprs.push(p.getText(cx.sf));
        cur = '';
      }
    }
    literals.push(cur);
  } else return null;
  const rest = call.arguments.slice(1);
  if (rest.length > 1 || (rest[0] && !t.isFunctionLike(rest[0]))) return null;
  const p = parameterize(literals, exprs, cx.placeholder);
  if (!p || !p.params.length) return null;
  const sqlLit = p.sql.includes('\n') || p.sql.includes("'") ? '`' + p.sql.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${') + '`' : `'${p.sql}'`;
  const callee = call.expression.getText(cx.sf);
  return `${callee}(${[sqlLit, `[${p.params.join(', ')}]`, ...rest.map((r) => r.getText(cx.sf))].join(', ')})`;
}

function checkMongoFilter(call: TS.CallExpression, name: string, arg0: TS.Expression, sc: Scope, cx: FileCx): void {
  const t = ts();
  const filterArg = name === 'distinct' ? call.arguments[1] : arg0;
  if (!filterArg) return;
  const f = skipOuter(filterArg);
  if (t.isObjectLiteralExpression(f)) {
    // Sequelize/TypeORM/Prisma filters ({ where: … }) do not interpret "$" keys from strings.
    if (f.properties.some((p) => p.name && /^(?:where|select|include|relations|order|data)$/.test(p.name.getText(cx.sf)))) return;
    const walkObj = (o: TS.ObjectLiteralExpression): void => {
      for (const p of o.properties) {
        if (t.isPropertyAssignment(p)) {
          const key = p.name.getText(cx.sf).replace(/^['"]|['"]$/g, '');
          const v = skipOuter(p.initializer);
          if (key === '$where') continue; // reported by checkPropertyAssignment
          if (t.isObjectLiteralExpression(v)) {
            walkObj(v);
            continue;
          }
          if (t.isArrayLiteralExpression(v)) {
            for (const el of v.elements) if (t.isObjectLiteralExpression(el)) walkObj(el);
            continue;
          }
          const taint = taintOf(p.initializer, sc, cx);
          if (taint?.origin === 'request' && taint.raw) reportRawMongoValue(p.initializer, key, taint, name, cx);
        } else if (t.isShorthandPropertyAssignment(p)) {
          const taint = sc.lookup(p.name.text);
          if (taint?.origin === 'request' && taint.raw) reportRawMongoValue(p, p.name.text, taint, name, cx, true);
        } else if (t.isSpreadAssignment(p)) {
          const taint = taintOf(p.expression, sc, cx);
          if (taint?.origin === 'request' && taint.raw) reportRawMongoValue(p, '…', taint, name, cx);
        }
      }
    };
    walkObj(f);
    return;
  }
  const taint = taintOf(filterArg, sc, cx);
  if (taint?.origin === 'request' && taint.raw && isDbReceiver(receiverOf(call) ?? filterArg, cx)) {
    hit(cx, call, { ruleId: 'nosql-injection', confidence: 0.8,
      explanation: `The whole filter passed to ${name}() is ${describe(taint)}: a client can send operators ({"$ne": null}, {"$regex": ".*"}, {"$where": …}) and match any document. Build the filter from named, type-checked fields.` });
  }
}

function reportRawMongoValue(node: TS.Node, key: string, taint: Taint, method: string, cx: FileCx, shorthand = false): void {
  const code = node.getText(cx.sf);
  hit(cx, node, { ruleId: 'nosql-injection', confidence: 0.75,
    explanation: `The ${method}() filter takes "${key}" from ${describe(taint)}, which is parsed from JSON/query syntax and can be an object such as {"$ne": ""} or {"$gt": ""}: ` +
      'that turns an equality match into "any value" (e.g. logging in without the password). Force a string (String(value)), validate the type, or use mongo-sanitize / sanitizeFilter.',
    fix: shorthand ? `${code}: String(${code})` : `String(${code})` });
}

function checkPropertyAssignment(p: TS.PropertyAssignment, sc: Scope, cx: FileCx): void {
  const t = ts();
  const key = p.name.getText(cx.sf).replace(/^['"]|['"]$/g, '');
  if (key === '$where' && !t.isStringLiteralLike(skipOuter(p.initializer)) && !t.isFunctionLike(skipOuter(p.initializer))) {
    const taint = taintOf(p.initializer, sc, cx);
    hit(cx, p, { ruleId: 'nosql-injection', severity: taint?.origin === 'request' ? 'critical' : 'high', confidence: taint ? 0.9 : 0.6,
      title: '$where built from non-constant code',
      explanation: `$where runs JavaScript inside MongoDB for every document; here the code is built from ${taint ? describe(taint) : 'a non-constant value'}, so a quote in it injects code ("' || '1'=='1"). Replace $where with query operators ($eq, $gt, $expr).` });
  }
}

function recordChecks(call: TS.CallExpression, name: string, recv: TS.Expression | undefined, sc: Scope, cx: FileCx): void {
  const t = ts();
  const args = call.arguments;
  const mark = (e: TS.Node, kind: 'prefix' | 'dotdot' | 'allow'): void => {
    for (const id of identifiersIn(e)) if (!sc.isRequestName(id)) sc.markChecked(id, kind);
    if (!t.isIdentifier(e)) sc.markChecked(`=${e.getText(cx.sf).replace(/\s+/g, '')}`, kind);
  };
  if (name === 'startsWith' && recv) mark(recv, 'prefix');
  else if ((name === 'includes' || name === 'indexOf') && recv && args[0] && t.isStringLiteralLike(args[0]) && args[0].text.includes('..')) mark(recv, 'dotdot');
  else if ((name === 'includes' || name === 'has' || name === 'indexOf' || name === 'test' || name === 'match' || name === 'some') && args[0] && recv &&
    (t.isIdentifier(skipOuter(recv)) || t.isRegularExpressionLiteral(skipOuter(recv)) || t.isArrayLiteralExpression(skipOuter(recv)) || t.isPropertyAccessExpression(skipOuter(recv)))) {
    // ALLOWED_HOSTS.includes(url.hostname), /^\/[a-z]/.test(next)
    if (!t.isStringLiteralLike(args[0])) mark(args[0], 'allow');
    else if (name === 'match') mark(recv, 'allow');
  } else if (name === 'relative' && args[1]) mark(args[1], 'prefix');
  else if (CHECK_FUNCTION.test(name)) for (const a of args) mark(a, 'allow');
}

function checkComparison(b: TS.BinaryExpression, sc: Scope, fn: FnInfo, cx: FileCx): void {
  const t = ts();
  const k = b.operatorToken.kind;
  if (k !== t.SyntaxKind.EqualsEqualsEqualsToken && k !== t.SyntaxKind.ExclamationEqualsEqualsToken &&
    k !== t.SyntaxKind.EqualsEqualsToken && k !== t.SyntaxKind.ExclamationEqualsToken) return;
  if (fn.handler && USER_IDENTITY.test(b.getText(cx.sf))) markOwnership(fn);
  for (const side of [b.left, b.right]) {
    const s = side.getText(cx.sf);
    if (/\.(?:hostname|host|origin|protocol)$/.test(s)) {
      for (const id of identifiersIn(side)) if (!sc.isRequestName(id)) sc.markChecked(id, 'allow');
    }
  }
}

/** Whether a check covers the value. A prefix check proves containment only on a normalized path, unless `anyPrefix`. */
function isChecked(arg: TS.Expression, taint: Taint, kinds: ('prefix' | 'dotdot' | 'allow')[], sc: Scope, anyPrefix = false): boolean {
  return sc.covers(arg.getText().replace(/\s+/g, ''), identifiersIn(arg), taint, kinds, anyPrefix);
}

const FS_SINKS = /^(?:readFile|readFileSync|createReadStream|writeFile|writeFileSync|createWriteStream|appendFile|appendFileSync|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|copyFile|copyFileSync|rename|renameSync|mkdir|mkdirSync|access|accessSync|stat|statSync|lstat|exists|existsSync|truncate|outputFile|outputFileSync|readJson|readJSON|readJsonSync|writeJson|remove|removeSync|move|copy|ensureFile|rmdir|rmdirSync|symlink|chmod)$/;

function checkFileSink(call: TS.CallExpression, name: string, recv: TS.Expression | undefined, recvText: string, mod: string | undefined, sc: Scope, cx: FileCx): void {
  const t = ts();
  const arg0 = call.arguments[0];
  if (!arg0) return;
  let sink = false;
  let safeOption = false;
  if (FS_SINKS.test(name)) {
    const fsMod = mod ?? cx.imports.get(recvText);
    sink = (!!fsMod && /^(?:node:)?fs(?:\/promises)?$|^fs-extra$|^graceful-fs$/.test(fsMod)) || /^(?:fs|fsp|fse|fsPromises|fs\.promises|fsExtra|promises)$/.test(recvText);
  } else if ((name === 'sendFile' || name === 'download' || name === 'sendfile') && recv && /^(?:res|response|reply|ctx)$/.test(recvText)) {
    sink = true;
    const opts = call.arguments[1];
    // res.sendFile(name, { root }) resolves inside root and rejects "..".
    safeOption = !!opts && t.isObjectLiteralExpression(opts) && opts.properties.some((p) => p.name?.getText(cx.sf) === 'root');
  } else if (name === 'extractEntryTo' && call.arguments[1]) {
    sink = false;
  }
  if (!sink || safeOption) return;
  const taint = taintOf(arg0, sc, cx);
  if (!taint || taint.origin === 'param') return;
  if (isChecked(arg0, taint, ['prefix', 'dotdot', 'allow'], sc)) return;
  if (taint.origin === 'archive') {
    hit(cx, call, { ruleId: 'zip-slip', confidence: 0.8,
      explanation: `${name}() writes to a path built from ${describe(taint)}. Entries named "../../x" escape the target directory and overwrite any file the process can write. ` +
        'Resolve the full path and refuse it unless it starts with path.resolve(targetDir) + path.sep.' });
    return;
  }
  hit(cx, call, { ruleId: 'path-traversal', confidence: 0.85,
    explanation: `${recvText ? recvText + '.' : ''}${name}() uses a path built from ${describe(taint)}: "../" sequences (or an absolute path) reach files outside the intended directory. ` +
      'Take path.basename() of the name, or resolve it and check the result starts with the allowed root (path.resolve(root) + path.sep).' });
}

const HTTP_CLIENT_MODULES = /^(?:axios|got|node-fetch|undici|request|request-promise|request-promise-native|superagent|needle|ky|phin|bent|cross-fetch|isomorphic-fetch|http|https|node:http|node:https|make-fetch-happen)$/;

function checkSsrf(call: TS.CallExpression, name: string, recvText: string, mod: string | undefined, sc: Scope, cx: FileCx): void {
  const t = ts();
  const arg0 = call.arguments[0];
  if (!arg0) return;
  const root = recvText.split('.')[0];
  const rootMod = cx.imports.get(root) ?? mod;
  const isClient = (name === 'fetch' && !recvText) || (!!rootMod && HTTP_CLIENT_MODULES.test(rootMod) &&
    (!recvText ? true : /^(?:get|post|put|patch|delete|head|request|options|fetch|stream)$/.test(name)));
  if (!isClient) return;
  let urlExpr: TS.Expression = arg0;
  const a0 = skipOuter(arg0);
  if (t.isObjectLiteralExpression(a0)) {
    const p = a0.properties.find((pp) => t.isPropertyAssignment(pp) && /^(?:url|uri|host|hostname|baseURL|prefixUrl)$/.test(pp.name.getText(cx.sf))) as TS.PropertyAssignment | undefined;
    if (!p) return;
    urlExpr = p.initializer;
  }
  const taint = taintOf(urlExpr, sc, cx);
  if (!taint || taint.origin !== 'request') return;
  if (hasFixedOrigin(urlExpr, cx)) return;
  if (isChecked(urlExpr, taint, ['allow'], sc)) return;
  hit(cx, call, { ruleId: 'ssrf', confidence: 0.8,
    explanation: `The server requests a URL taken from ${describe(taint)}: a client can make it call internal services, cloud metadata (http://169.254.169.254/) or localhost admin ports. ` +
      'Parse the URL, require https and check the hostname against an allow-list before the request (and do not follow redirects to other hosts).' });
}

/** The literal text a template or concatenation starts with ('' when it starts with a value). */
function leadingLiteral(e: TS.Expression): string {
  const t = ts();
  const x = skipOuter(e);
  if (t.isTemplateExpression(x)) return x.head.text;
  if (t.isBinaryExpression(x) && x.operatorToken.kind === t.SyntaxKind.PlusToken) {
    let l: TS.Expression = x;
    while (t.isBinaryExpression(l) && l.operatorToken.kind === t.SyntaxKind.PlusToken) l = skipOuter(l.left);
    if (t.isStringLiteralLike(l)) return l.text;
  }
  return '';
}

/** The first value of a concatenation when it is a constant base URL (API_BASE + path). */
function startsWithBaseConstant(e: TS.Expression): boolean {
  const t = ts();
  let l = skipOuter(e);
  if (!t.isBinaryExpression(l) || l.operatorToken.kind !== t.SyntaxKind.PlusToken) return false;
  while (t.isBinaryExpression(l) && l.operatorToken.kind === t.SyntaxKind.PlusToken) l = skipOuter(l.left);
  return t.isIdentifier(l) && /^[A-Z_]+$|BASE|base|Url$|URL$/.test(l.text);
}

const FIXED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i;

/** `https://api.example.com/users/${id}`: the host is fixed by the literal prefix. */
function hasFixedOrigin(e: TS.Expression, cx: FileCx): boolean {
  void cx;
  const head = leadingLiteral(e);
  return FIXED_ORIGIN.test(head) || (head.startsWith('/') && !head.startsWith('//')) || startsWithBaseConstant(e);
}

function checkRedirect(call: TS.CallExpression, name: string, recvText: string, sc: Scope, cx: FileCx): void {
  const t = ts();
  let target: TS.Expression | undefined;
  const args = call.arguments;
  if ((name === 'redirect' && /^(?:res|response|reply|ctx|h|NextResponse|Response|this)$/.test(recvText)) || (name === 'redirect' && !recvText && cx.imports.get('redirect')?.startsWith('next'))) {
    target = args.length > 1 && t.isNumericLiteral(skipOuter(args[0])) ? args[1] : args[0];
  } else if (name === 'location' && /^(?:res|response)$/.test(recvText)) target = args[0];
  else if ((name === 'setHeader' || name === 'header' || name === 'set') && /^(?:res|response|reply|ctx)$/.test(recvText) && args[0] && t.isStringLiteralLike(args[0]) && /^location$/i.test(args[0].text)) target = args[1];
  if (!target) return;
  const taint = taintOf(target, sc, cx);
  if (!taint || taint.origin !== 'request') return;
  if (hasLocalPrefix(target)) return;
  if (isChecked(target, taint, ['allow', 'prefix'], sc, true)) return; // next.startsWith('/') is the local-path check
  hit(cx, call, { ruleId: 'open-redirect', confidence: 0.8,
    explanation: `The redirect target comes from ${describe(taint)}: a link to this endpoint can send users to any site (phishing with your domain in the URL, or leaking tokens in the redirect). ` +
      'Accept only local paths (starts with "/" but not "//" or "/\\") or hosts on an allow-list.' });
}

/** A local path ("/orders/…", not "//host" or "/\\host") or a fixed origin. */
function hasLocalPrefix(e: TS.Expression): boolean {
  const head = leadingLiteral(e);
  return /^\/[^/\\]/.test(head) || FIXED_ORIGIN.test(head);
}

function checkCrypto(call: TS.CallExpression, name: string, recvText: string, mod: string | undefined, sc: Scope, cx: FileCx): void {
  const t = ts();
  const args = call.arguments;
  const cryptoish = !recvText ? (mod === 'crypto' || mod === 'node:crypto') : /^(?:crypto|nodeCrypto|require\(['"](?:node:)?crypto['"]\))$/.test(recvText) || cx.imports.get(recvText)?.replace('node:', '') === 'crypto';
  if ((name === 'createCipher' || name === 'createDecipher') && cryptoish) {
    hit(cx, call, { ruleId: 'weak-cipher', confidence: 0.95,
      explanation: `crypto.${name}() derives the key with a single MD5 and uses no IV, so equal plaintexts give equal ciphertexts and the key is cheap to brute-force (removed in Node 22). ` +
        'Use createCipheriv("aes-256-gcm", key, randomBytes(12)) with a key from scrypt/HKDF, and store the IV and auth tag.' });
    return;
  }
  if ((name === 'createCipheriv' || name === 'createDecipheriv') && args[0]) {
    const alg = t.isStringLiteralLike(args[0]) ? args[0].text : '';
    if (/ecb|^des\b|^des-|^des3|rc4|rc2|^bf|blowfish|^cast/i.test(alg)) {
      hit(cx, args[0], { ruleId: 'weak-cipher', confidence: 0.95,
        explanation: `"${alg}" is ${/ecb/i.test(alg) ? 'ECB mode: identical blocks encrypt identically and leak patterns' : 'a broken or 64-bit-block cipher'}. Use "aes-256-gcm" with a random 12-byte IV per message.`,
        fix: /ecb/i.test(alg) ? null : "'aes-256-gcm'" });
    }
  }
  // Literal keys: createCipheriv(alg, 'key…', iv), createHmac('sha256', 'secret'), jwt.sign(payload, 'secret').
  const keyArg = (name === 'createCipheriv' || name === 'createDecipheriv' || name === 'createHmac') && cryptoish ? args[1]
    : (name === 'sign' || name === 'verify') && (/^(?:jwt|jsonwebtoken|JWT)$/.test(recvText) || cx.imports.get(recvText) === 'jsonwebtoken') ? args[1] : undefined;
  if (keyArg && !cx.isTest) {
    let k = skipOuter(keyArg);
    // process.env.JWT_SECRET || 'dev-secret': the literal is what signs tokens when the variable is missing.
    if (t.isBinaryExpression(k) && (k.operatorToken.kind === t.SyntaxKind.BarBarToken || k.operatorToken.kind === t.SyntaxKind.QuestionQuestionToken)) k = skipOuter(k.right);
    const lit = t.isStringLiteralLike(k) ? k : t.isIdentifier(k) ? literalInitializer(k, cx) : undefined;
    if (lit && lit.text.length >= 6 && isSecretValue(lit.text)) {
      hit(cx, lit, { ruleId: 'hardcoded-secret', confidence: 0.85, title: 'Hard-coded cryptographic key',
        explanation: `${recvText ? recvText + '.' : ''}${name}() uses a key written in the source: anyone with the code can forge tokens or decrypt data, and rotating it needs a deploy. Load it from the environment or a key manager.` });
    }
  }
  // createHash('md5').update(password)
  if (name === 'update' && args[0]) {
    const r = receiverOf(call);
    const inner = r && skipOuter(r);
    if (inner && t.isCallExpression(inner) && calleeName(inner) === 'createHash' && inner.arguments[0] && t.isStringLiteralLike(inner.arguments[0])) {
      const alg = inner.arguments[0].text.toLowerCase();
      if (/^(?:md4|md5|sha1|sha-?1|sha224|sha256|sha384|sha512|sha-?256|sha-?512|ripemd160|sha3-\d+)$/.test(alg) && isPasswordValue(args[0], call, cx)) {
        reportWeakHash(call, alg, cx);
      }
    }
  }
  // md5(password), sha1(password), CryptoJS.SHA256(password)
  if (args[0] && /^(?:md5|sha1|sha256|sha512|MD5|SHA1|SHA256|SHA512|md5Hex|sha1Hex)$/.test(name) &&
    (!recvText || /^(?:CryptoJS|cryptoJs|crypto-js|hasha|jsSHA)$/i.test(recvText)) && isPasswordValue(args[0], call, cx)) {
    reportWeakHash(call, name.toLowerCase(), cx);
  }
  // Math.random() for secrets is reported by checkInsecureRandomContext from the enclosing name.
  void sc;
}

/** `const key = 'literal'` (a const, so the value cannot change before use). */
function literalInitializer(id: TS.Identifier, cx: FileCx): TS.StringLiteralLike | undefined {
  const t = ts();
  const init = findDeclaration(id, cx);
  const e = init && skipOuter(init);
  return e && t.isStringLiteralLike(e) ? e : undefined;
}

function isPasswordValue(arg: TS.Expression, call: TS.Node, cx: FileCx): boolean {
  const t = ts();
  const names: string[] = [];
  const walk = (n: TS.Node): void => {
    if (t.isIdentifier(n)) names.push(n.text);
    else if (t.isPropertyAccessExpression(n)) {
      names.push(n.name.text);
      walk(n.expression);
      return;
    }
    t.forEachChild(n, walk);
  };
  walk(arg);
  if (names.some((n) => PASSWORD_NAME.test(n) && !/token|reset|hint/i.test(n))) return true;
  // Inside hashPassword(p) { … }: the data is the password whatever the parameter is called.
  for (let p = call.parent; p; p = p.parent) {
    if (isFunctionLikeNode(p)) {
      const fnName = functionName(p);
      return /pass(?:word|wd)/i.test(fnName) && !/token|reset/i.test(fnName) && t.isIdentifier(skipOuter(arg)) &&
        p.parameters.some((pp) => t.isIdentifier(pp.name) && pp.name.text === (skipOuter(arg) as TS.Identifier).text);
    }
  }
  void cx;
  return false;
}

function reportWeakHash(call: TS.CallExpression, alg: string, cx: FileCx): void {
  hit(cx, call, { ruleId: 'weak-password-hash', confidence: 0.85,
    explanation: `The password is hashed with ${alg.toUpperCase()}, a fast hash: GPUs try billions of guesses per second against a leaked table, and without a per-user salt equal passwords share a hash. ` +
      'Use argon2id (argon2), bcrypt or crypto.scrypt with a random salt, and compare with timingSafeEqual / the library\'s verify.' });
}

/** Math.random() assigned to, returned as, or used inside something named like a secret. */
function checkInsecureRandomContext(node: TS.VariableDeclaration | TS.PropertyAssignment, cx: FileCx): void {
  const t = ts();
  const init = node.initializer;
  if (!init || !cx.hasMathRandom) return;
  const name = node.name.getText(cx.sf);
  const calls: TS.CallExpression[] = [];
  const walk = (n: TS.Node): void => {
    if (t.isCallExpression(n) && n.expression.getText(cx.sf).replace(/\s+/g, '') === 'Math.random') calls.push(n);
    if (isFunctionLikeNode(n)) return;
    t.forEachChild(n, walk);
  };
  walk(init);
  if (!calls.length) return;
  let context = SECRET_CONTEXT.test(name) ? name : '';
  if (!context) {
    for (let p: TS.Node | undefined = node.parent; p; p = p.parent) {
      if (isFunctionLikeNode(p)) {
        const fnName = functionName(p);
        if (SECRET_CONTEXT.test(fnName)) context = fnName;
        break;
      }
    }
  }
  if (!context || /color|colour|delay|jitter|backoff|retry|sample|shuffle|animation|position|offset|index|idx|opacity|width|height|random(?:ize)?$/i.test(context)) return;
  hit(cx, calls[0], { ruleId: 'insecure-random', confidence: 0.75,
    explanation: `Math.random() makes "${context}", which must be unguessable: it is not a cryptographic generator and its state can be recovered from a few outputs. ` +
      'Use crypto.randomBytes(32).toString("hex"), crypto.randomInt(), or crypto.randomUUID().' });
}

function checkJwt(call: TS.CallExpression, name: string, recvText: string, mod: string | undefined, cx: FileCx): void {
  const t = ts();
  const jwtRecv = recvText && (/^(?:jwt|jsonwebtoken|JWT|jws)$/.test(recvText) || cx.imports.get(recvText) === 'jsonwebtoken');
  const jwtFree = !recvText && mod === 'jsonwebtoken';
  if (!jwtRecv && !jwtFree) {
    if (/^(?:jwtDecode|jwt_decode|decodeJwt)$/.test(name) && !cx.hasJwtVerify) reportJwtDecode(call, name, cx);
    return;
  }
  const args = call.arguments;
  if (name === 'verify') {
    const opts = args[2] && !t.isFunctionLike(args[2]) ? skipOuter(args[2]) : undefined;
    if (opts && !t.isObjectLiteralExpression(opts)) return; // options built elsewhere: cannot tell
    const algProp = opts?.properties.find((p) => p.name?.getText(cx.sf) === 'algorithms');
    const algText = algProp?.getText(cx.sf) ?? '';
    if (/['"]none['"]/i.test(algText)) {
      hit(cx, algProp!, { ruleId: 'jwt-unsafe-verify', severity: 'critical', confidence: 0.95, title: "JWT verification accepts alg 'none'",
        explanation: "The accepted algorithms include 'none': an unsigned token with any claims passes verification. List only the algorithm you sign with." });
      return;
    }
    if (!algProp) {
      const signed = /\balgorithm\s*:\s*['"]([A-Z]{2}\d{3})['"]/.exec(cx.fileText)?.[1];
      const key = args[1]?.getText(cx.sf) ?? '';
      const alg = signed ?? (/public|pem|cert|jwks/i.test(key) ? null : 'HS256');
      hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'medium', confidence: 0.7, title: 'JWT verified without a fixed algorithm list',
        explanation: 'jwt.verify() is called without { algorithms: [...] }, so the token header chooses the algorithm. With a public key as the secret, ' +
          'an attacker can sign an HS256 token with that public key (algorithm confusion). Pin the algorithm(s) you issue.',
        fix: alg && args.length === 2 ? `${call.expression.getText(cx.sf)}(${args.map((a) => a.getText(cx.sf)).join(', ')}, { algorithms: ['${alg}'] })` : null });
    }
    const ign = opts?.properties.find((p) => p.name?.getText(cx.sf) === 'ignoreExpiration' && t.isPropertyAssignment(p) && p.initializer.kind === t.SyntaxKind.TrueKeyword);
    if (ign) {
      hit(cx, ign, { ruleId: 'jwt-unsafe-verify', severity: 'medium', confidence: 0.9, title: 'JWT expiry ignored',
        explanation: 'ignoreExpiration: true accepts expired tokens forever: a leaked token never stops working.', fix: 'ignoreExpiration: false' });
    }
  } else if (name === 'sign') {
    const opts = args[2] && skipOuter(args[2]);
    if (opts && t.isObjectLiteralExpression(opts)) {
      const a = opts.properties.find((p) => p.name?.getText(cx.sf) === 'algorithm');
      if (a && /['"]none['"]/i.test(a.getText(cx.sf))) {
        hit(cx, a, { ruleId: 'jwt-unsafe-verify', severity: 'critical', confidence: 0.95, title: "JWT signed with alg 'none'",
          explanation: "Tokens signed with 'none' carry no signature: anyone can forge them, and a verifier that accepts them accepts anything." });
      }
    }
  } else if (name === 'decode' && !cx.hasJwtVerify) {
    reportJwtDecode(call, `${recvText}.decode`, cx);
  }
}

function reportJwtDecode(call: TS.CallExpression, name: string, cx: FileCx): void {
  hit(cx, call, { ruleId: 'jwt-unsafe-verify', severity: 'high', confidence: 0.7, title: 'JWT decoded but never verified',
    explanation: `${name}() only base64-decodes the token; nothing in this file verifies its signature, so claims such as the user id or role can be forged. ` +
      'Use jwt.verify(token, key, { algorithms: [...] }) and trust only its result.' });
}

function checkMassAssignment(call: TS.CallExpression, name: string, recv: TS.Expression | undefined, args: TS.NodeArray<TS.Expression>, sc: Scope, cx: FileCx): void {
  const t = ts();
  let target: TS.Expression | undefined;
  if (name === 'assign' && recv && recv.getText(cx.sf) === 'Object') {
    if (args[0] && t.isObjectLiteralExpression(skipOuter(args[0]))) return; // a copy, not a write
    target = args.slice(1).find((a) => isWholeRequest(taintOf(a, sc, cx)));
  } else if (recv && name in MASS_ASSIGN_METHODS && (isDbReceiver(recv, cx) || name === 'set' || name === 'setAttributes' || name === 'merge')) {
    if ((name === 'set' || name === 'setAttributes') && isRequestObject(recv, sc)) return;
    if (name === 'set' && (!args[0] || args.length > 1)) return; // map.set(k, v) / res.set(header, v)
    const idx = MASS_ASSIGN_METHODS[name];
    const cand = args[idx];
    if (cand) {
      const c = skipOuter(cand);
      // Prisma: create({ data: req.body }), update({ where, data }); Mongo: { $set: req.body }.
      if (t.isObjectLiteralExpression(c)) {
        const p = c.properties.find((pp) => t.isPropertyAssignment(pp) && /^(?:data|create|update|\$set|values)$/.test(pp.name.getText(cx.sf).replace(/['"]/g, '')) &&
          isWholeRequest(taintOf(pp.initializer, sc, cx))) as TS.PropertyAssignment | undefined;
        if (p) target = p.initializer;
        else if (isWholeRequest(taintOf(c, sc, cx))) target = c;
      } else if (isWholeRequest(taintOf(cand, sc, cx))) target = cand;
    }
    if (!target && name === 'update' && args[0] && isWholeRequest(taintOf(args[0], sc, cx)) && isDbReceiver(recv, cx)) target = args[0]; // Sequelize Model.update(values, { where })
  }
  if (!target) return;
  const taint = taintOf(target, sc, cx)!;
  hit(cx, call, { ruleId: 'mass-assignment', confidence: 0.8,
    explanation: `${call.expression.getText(cx.sf)}() receives the whole request body (${taint.source}): a client can add fields the form never shows (role, isAdmin, ownerId, balance, verified). ` +
      'Copy only allowed fields (const { name, email } = req.body) or validate with a schema that strips unknown keys.' });
}

function isWholeRequest(t: Taint | undefined): boolean {
  return !!t && t.whole && t.origin === 'request';
}

function checkNew(node: TS.NewExpression, sc: Scope, cx: FileCx): void {
  const t = ts();
  const callee = skipOuter(node.expression);
  const args = node.arguments ?? [];
  if (t.isIdentifier(callee) && callee.text === 'Function' && args.length) {
    const taint = args.map((a) => taintOf(a, sc, cx)).find((x) => x?.origin === 'request');
    if (taint) {
      hit(cx, node, { ruleId: 'code-injection', confidence: 0.9,
        explanation: `new Function() compiles code built from ${describe(taint)}: a client can run arbitrary JavaScript on the server. Map the input to fixed operations instead.` });
    }
    return;
  }
  if (t.isPropertyAccessExpression(callee) && callee.name.text === 'Script' && args[0]) {
    const taint = taintOf(args[0], sc, cx);
    if (taint?.origin === 'request') {
      hit(cx, node, { ruleId: 'code-injection', confidence: 0.9,
        explanation: `vm.Script compiles code from ${describe(taint)}; the vm module is not a security boundary. Do not run client-supplied code.` });
    }
    return;
  }
  // new User(req.body)
  if (t.isIdentifier(callee) && /^[A-Z]/.test(callee.text) && !BUILTIN_PASCAL.has(callee.text) && args[0] && !/Error$|Exception$|Dto$|DTO$|Schema$|Validator$/.test(callee.text)) {
    const taint = taintOf(args[0], sc, cx);
    if (taint?.whole && taint.origin === 'request' && isDbReceiver(callee, cx)) {
      hit(cx, node, { ruleId: 'mass-assignment', confidence: 0.7,
        explanation: `new ${callee.text}() is built from the whole request body (${taint.source}): a client can set any field of the model (role, isAdmin, ownerId…). Copy only allowed fields.` });
    }
  }
}

function checkSecretAssignment(name: string, value: TS.Expression, cx: FileCx): void {
  const t = ts();
  if (cx.isTest) return;
  let v = skipOuter(value);
  // process.env.JWT_SECRET || 'dev-secret': the fallback ships to production when the variable is missing.
  let fallback = false;
  if (t.isBinaryExpression(v) && (v.operatorToken.kind === t.SyntaxKind.BarBarToken || v.operatorToken.kind === t.SyntaxKind.QuestionQuestionToken)) {
    v = skipOuter(v.right);
    fallback = true;
  }
  if (!t.isStringLiteralLike(v)) return;
  if (!isSecretName(name)) return;
  if (matchTokenPattern(v.text)) return; // reported by checkTokenLiteral
  if (!isSecretValue(v.text, name)) return;
  const env = envNameFor(name);
  hit(cx, v, { ruleId: 'hardcoded-secret', confidence: fallback ? 0.8 : 0.7,
    title: fallback ? 'Hard-coded fallback secret' : 'Hard-coded secret',
    explanation: `"${name.replace(/\s+/g, ' ')}" ${fallback ? 'falls back to' : 'is set to'} a literal secret in the source: anyone with the repository (or the bundle) has it, and it cannot be rotated without a deploy. ` +
      `Read it from the environment or a secret manager${fallback ? ' and fail at startup when it is missing' : ''}.`,
    fix: fallback ? null : `process.env.${env}` });
}

function checkTokenLiteral(node: TS.StringLiteral | TS.NoSubstitutionTemplateLiteral, cx: FileCx): void {
  if (cx.isTest || node.text.length < 16) return;
  const p = matchTokenPattern(node.text);
  if (!p) return;
  hit(cx, node, { ruleId: 'hardcoded-secret', severity: /private key|AWS|Stripe|password/.test(p.name) ? 'critical' : 'high', confidence: 0.9,
    title: `Hard-coded secret: ${p.name.replace(/^an? /, '')}`,
    explanation: `This string contains ${p.name}. Secrets in source control leak with every clone, fork and build log; revoke this one and load it from the environment or a secret manager.` });
}

/** DDL strings in a migration file (queryRunner.query, knex.raw, pgm.sql…), skipping the rollback (down) side. */
function checkMigrationSql(node: TS.TemplateExpression | TS.StringLiteral | TS.NoSubstitutionTemplateLiteral, cx: FileCx): void {
  const start = node.getStart(cx.sf) + 1;
  const end = node.end - 1;
  const raw = cx.fileText.slice(start, end);
  if (!/\b(?:ALTER|CREATE|DROP)\b/i.test(raw)) return;
  for (let p = node.parent; p; p = p.parent) {
    if (isFunctionLikeNode(p) && /^(?:down|rollback|revert)$/i.test(functionName(p))) return;
  }
  for (const h of analyzeSql(raw, start)) cx.hits.push(h);
}

/** Whether a node sits in a migration's rollback (down/rollback/revert). */
function inRollback(n: TS.Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLikeNode(p) && /^(?:down|rollback|revert)$/i.test(functionName(p))) return true;
  return false;
}

/** The table name of the enclosing knex schema.alterTable('t', …) / createTable('t', …) call. */
function enclosingSchemaCall(n: TS.Node): { kind: string; table: string } | undefined {
  const t = ts();
  for (let p = n.parent; p; p = p.parent) {
    if (t.isCallExpression(p) && /^(?:alterTable|table|createTable|createTableIfNotExists)$/.test(calleeName(p)) && p.arguments[0] && t.isStringLiteralLike(p.arguments[0])) {
      return { kind: calleeName(p), table: p.arguments[0].text };
    }
  }
  return undefined;
}

/**
 * knex schema builder and TypeORM QueryRunner calls with the same PostgreSQL hazards as raw DDL:
 * a NOT NULL column without a default on an existing table, column type changes, dropped columns, indexes.
 */
function checkMigrationBuilder(call: TS.CallExpression, name: string, recvText: string, cx: FileCx): void {
  if (inRollback(call)) return;
  const schema = enclosingSchemaCall(call);
  const existing = schema && (schema.kind === 'alterTable' || schema.kind === 'table');
  const chain = call.getText(cx.sf);
  const outer = ts().isPropertyAccessExpression(call.parent) ? undefined : call; // only the end of a builder chain
  if ((name === 'dropColumn' || name === 'dropColumns') && (existing || /queryRunner/.test(recvText))) {
    hit(cx, call, { ruleId: 'migration-drop-column', confidence: 0.75,
      explanation: `${name}() removes a column that running instances of the previous release may still read or write. Stop using it in one release, drop it in a later migration.` });
  } else if (outer && existing && /\.notNullable\(\)/.test(chain) && !/\.defaultTo\(/.test(chain) && !/\.alter\(/.test(chain) && !/increments\(/.test(chain)) {
    hit(cx, call, { ruleId: 'migration-not-null-without-default', confidence: 0.8,
      explanation: `Adding a NOT NULL column to "${schema!.table}" without .defaultTo() fails as soon as the table has rows. Add a default, or add it nullable, backfill, then make it NOT NULL.` });
  } else if (outer && existing && /\.alter\(/.test(chain) && name === 'alter') {
    hit(cx, call, { ruleId: 'migration-alter-column-type', confidence: 0.7,
      explanation: `.alter() re-declares a column of "${schema!.table}" (type included): changing the type rewrites the table under an ACCESS EXCLUSIVE lock. Add a new column, backfill, switch, then drop the old one.` });
  } else if (outer && existing && (name === 'index' || name === 'unique') && recvText.length <= 12) {
    hit(cx, call, { ruleId: 'migration-index-not-concurrent', confidence: 0.7,
      explanation: `An index built on the existing table "${schema!.table}" blocks writes until it is done; knex cannot build it concurrently. Use knex.raw('CREATE INDEX CONCURRENTLY …') in a migration with config = { transaction: false }.` });
  } else if (/queryRunner/.test(recvText) && (name === 'changeColumn' || name === 'changeColumns')) {
    hit(cx, call, { ruleId: 'migration-alter-column-type', confidence: 0.7,
      explanation: `${name}() may drop and re-add the column or rewrite the table. Prefer add-new-column, backfill, switch, drop.` });
  }
}

function finishFunction(fn: FnInfo, cx: FileCx): void {
  const t = ts();
  const fnText = fn.node === cx.sf ? '' : fn.node.getText(cx.sf);
  if (fn.idorCall && fn.handler && !cx.fileAuthz && !fn.ownership && !OWNERSHIP.test(fn.guardText) &&
    !USER_IDENTITY.test(fn.idorCall.call.arguments.map((a) => a.getText(cx.sf)).join(' '))) {
    const { call, taint } = fn.idorCall;
    hit(cx, call, { ruleId: 'idor', confidence: 0.55,
      explanation: `${call.expression.getText(cx.sf)}() looks the record up by ${taint.source}, which the client chooses, and nothing in this handler or its route middleware ` +
        'checks that the signed-in user owns it or may access it: any user can read or change anyone\'s record by changing the id. ' +
        'Scope the query to the user (e.g. { id, ownerId: req.user.id }) or check ownership and return 404/403.' });
  }
  if (fn.writes.length >= 2 && fn.node !== cx.sf && !TRANSACTION.test(fnText) && !TRANSACTION.test(fn.guardText)) {
    const lines = fn.writes.map((w) => cx.sf.getLineAndCharacterOfPosition(w.getStart(cx.sf)).line + 1);
    const second = fn.writes[1];
    hit(cx, second, { ruleId: 'missing-transaction', confidence: 0.6,
      explanation: `This function makes ${fn.writes.length} database writes (lines ${lines.join(', ')}) with no transaction around them: if a later one fails (or the process dies between them), ` +
        'the earlier ones stay committed and the data is left half-updated. Run them in one transaction (sequelize.transaction, prisma.$transaction, knex.transaction, session.withTransaction, BEGIN/COMMIT).' });
  }
  void t;
}
