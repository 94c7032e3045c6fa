/** Syntax helpers shared by the TypeScript walk and the TypeScript matchers of the rules. */
import type * as TS from 'typescript';
import type { Scope } from '../../taint';
import { AMBIGUOUS_DB_RECEIVER, BUILTIN_PASCAL, DB_RECEIVER } from './frameworks';
import { calleeName, skipOuter, ts } from './taint';

let functionKinds: boolean[] | undefined;
/** Function declarations and expressions, arrows, methods, constructors, accessors (by kind: the walks ask for every node). */
export function isFunctionLikeNode(n: TS.Node): n is TS.FunctionLikeDeclaration {
  if (!functionKinds) {
    const k = ts().SyntaxKind;
    const kinds = [k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor, k.GetAccessor, k.SetAccessor];
    functionKinds = Array.from({ length: Math.max(...kinds) + 1 }, () => false);
    for (const kind of kinds) functionKinds[kind] = true;
  }
  return functionKinds[n.kind] === true;
}

export function functionName(fn: TS.Node): string {
  const t = ts();
  if ((t.isFunctionDeclaration(fn) || t.isMethodDeclaration(fn) || t.isFunctionExpression(fn)) && fn.name) return fn.name.getText();
  const p = fn.parent;
  if (p && (t.isVariableDeclaration(p) || t.isPropertyAssignment(p) || t.isPropertyDeclaration(p))) return p.name.getText();
  if (p && t.isBinaryExpression(p) && p.right === fn) return p.left.getText().replace(/^.*\./, ''); // exports.down = function…
  return '';
}

export function isNamedFunction(fn: TS.FunctionLikeDeclaration): boolean {
  const t = ts();
  if (t.isFunctionDeclaration(fn) || t.isMethodDeclaration(fn)) return true;
  const p = fn.parent;
  return !!p && (t.isVariableDeclaration(p) || t.isPropertyAssignment(p) || t.isPropertyDeclaration(p)) && p.initializer === fn;
}

export function decoratorNames(n: TS.Node): { name: string; args: readonly TS.Expression[] }[] {
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
export function isClassType(type: TS.TypeNode | undefined): boolean {
  const t = ts();
  if (!type || !t.isTypeReferenceNode(type)) return false;
  const n = t.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  return /^[A-Z]/.test(n) && !/^(?:Record|Object|Partial|Request|Body|Any|Json|Dict|Map)$/.test(n);
}

/** Whether a node sits in a migration's rollback (down/rollback/revert). */
export function inRollback(n: TS.Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLikeNode(p) && /^(?:down|rollback|revert)$/i.test(functionName(p))) return true;
  return false;
}

export function enclosingLoop(n: TS.Node): TS.Node | undefined {
  const t = ts();
  for (let p = n.parent; p; p = p.parent) {
    if (t.isForOfStatement(p) || t.isForInStatement(p) || t.isForStatement(p)) return p;
    if (isFunctionLikeNode(p)) return p;
  }
  return undefined;
}

function enclosingFunctionBody(n: TS.Node): TS.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLikeNode(p) || ts().isSourceFile(p)) return p;
  return undefined;
}

/** The initializer of the nearest earlier `const/let name = …` in the enclosing functions. */
export function findDeclaration(id: TS.Identifier): TS.Expression | undefined {
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
  return found;
}

/** `const key = 'literal'` (a const, so the value cannot change before use). */
export function literalInitializer(id: TS.Identifier): TS.StringLiteralLike | undefined {
  const t = ts();
  const init = findDeclaration(id);
  const e = init && skipOuter(init);
  return e && t.isStringLiteralLike(e) ? e : undefined;
}

/**
 * The SQL text an argument holds: the literal parts of a template/concatenation, or what a variable was
 * built from, followed a few steps (`q += q + …` refers to itself).
 */
export function sqlTextOf(arg: TS.Expression, depth = 0): string {
  if (depth > MAX_SQL_TEXT_DEPTH) return '';
  const t = ts();
  const e = skipOuter(arg);
  if (t.isStringLiteralLike(e)) return e.text;
  if (t.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => ' x ' + s.literal.text).join('');
  if (t.isBinaryExpression(e) && e.operatorToken.kind === t.SyntaxKind.PlusToken) return sqlTextOf(e.left, depth + 1) + ' x ' + sqlTextOf(e.right, depth + 1);
  if (t.isIdentifier(e)) {
    const decl = findDeclaration(e);
    if (decl) return sqlTextOf(decl, depth + 1) + ' ' + assignedTexts(e.text, e, depth + 1);
  }
  if (t.isCallExpression(e) && /^(?:format|concat|join)$/.test(calleeName(e))) return e.arguments.map((a) => sqlTextOf(a, depth + 1)).join(' ');
  return '';
}

/** How many steps of expressions and earlier assignments sqlTextOf follows. */
const MAX_SQL_TEXT_DEPTH = 12;

/** Text appended to a variable with += before `use` (query += " WHERE id = " + id). */
function assignedTexts(name: string, use: TS.Node, depth: number): string {
  const t = ts();
  const out: string[] = [];
  const fnBody = enclosingFunctionBody(use);
  const walk = (n: TS.Node): void => {
    if (n.pos >= use.pos) return;
    if (t.isBinaryExpression(n) && n.operatorToken.kind === t.SyntaxKind.PlusEqualsToken && t.isIdentifier(n.left) && n.left.text === name) {
      out.push(sqlTextOf(n.right, depth + 1));
    }
    t.forEachChild(n, walk);
  };
  if (fnBody) walk(fnBody);
  return out.join(' ');
}

/** The literal text a template or concatenation starts with ('' when it starts with a value). */
export function leadingLiteral(e: TS.Expression): string {
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
  if (t.isTemplateExpression(l)) return l.head.text === '' && t.isIdentifier(l.templateSpans[0].expression) && /^[A-Z_]+$|BASE|base|Url$|URL$|Origin$/.test(l.templateSpans[0].expression.text);
  if (!t.isBinaryExpression(l) || l.operatorToken.kind !== t.SyntaxKind.PlusToken) return false;
  while (t.isBinaryExpression(l) && l.operatorToken.kind === t.SyntaxKind.PlusToken) l = skipOuter(l.left);
  return t.isIdentifier(l) && /^[A-Z_]+$|BASE|base|Url$|URL$/.test(l.text);
}

export const FIXED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#$]+[/?#]/i;

/** `https://api.example.com/users/${id}`: the host is fixed by the literal prefix. */
export function hasFixedOrigin(e: TS.Expression): boolean {
  const head = leadingLiteral(e);
  return FIXED_ORIGIN.test(head) || (head.startsWith('/') && !head.startsWith('//')) || startsWithBaseConstant(e);
}

/** A local path ("/orders/…", not "//host" or "/\\host") or a fixed origin. */
export function hasLocalPrefix(e: TS.Expression): boolean {
  const head = leadingLiteral(e);
  return /^\/[^/\\]/.test(head) || FIXED_ORIGIN.test(head);
}

export interface DbFacts {
  hasDb: boolean;
  imports: Map<string, string>;
}

/** Whether a receiver is a database handle (a repository, a model, a pool, Prisma…). */
export function isDbReceiver(recv: TS.Expression, cx: DbFacts): boolean {
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
  return DB_RECEIVER.test(r.getText().replace(/\s+/g, ''));
}

export function isInAsyncFunction(n: TS.Node): boolean {
  const t = ts();
  for (let p: TS.Node | undefined = n; p; p = p.parent) {
    if (isFunctionLikeNode(p)) return (t.getCombinedModifierFlags(p as TS.Declaration) & t.ModifierFlags.Async) !== 0;
  }
  return false;
}

export function isAwaited(node: TS.Node): boolean {
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

/** Whether a check in scope covers the value. A prefix check proves containment only on a normalized path, unless `anyPrefix`. */
export type CheckKinds = ('prefix' | 'dotdot' | 'allow')[];
export type { Scope };
