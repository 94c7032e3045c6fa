/**
 * Taint of TypeScript/JavaScript expressions: which carry request data (lang/ts/frameworks.ts says where
 * it comes from), archive entry names, or a function parameter of unknown origin. Scopes follow
 * functions; closures see their parents' taint; calls of local functions use their summaries.
 */
import type * as TS from 'typescript';
import { concat, Scope, source, union, type Taint } from '../../taint';
import {
  ARCHIVE_ENTRY_VARS, ARCHIVE_NAME_PROPS, KOA_CONTEXT_PROPS, NON_STRING_METHODS, PASS_THROUGH, REQUEST_METHODS, REQUEST_PROPS, SANITIZERS, SELF_LOCATION_PROPS,
} from './frameworks';

let tsLib: typeof TS | undefined;
/** The compiler is ~9 MB: loaded on the first TS/JS file, never at activation. */
export function ts(): typeof TS {
  return (tsLib ??= require('typescript') as typeof TS);
}

/** Whether `e` denotes a request object in this scope (req, request, ctx.request, c.req, a Nest @Req() parameter…). */
export function isRequestObject(e: TS.Expression, sc: Scope): boolean {
  const t = ts();
  e = skipOuter(e);
  if (t.isIdentifier(e)) return sc.isRequestName(e.text);
  if (t.isPropertyAccessExpression(e)) {
    const base = skipOuter(e.expression);
    if (!t.isIdentifier(base)) return false;
    if (e.name.text === 'request' && (base.text === 'ctx' || base.text === 'context' || sc.isRequestName(base.text))) return true;
    if (e.name.text === 'req' && (base.text === 'c' || sc.isRequestName(`ctx:${base.text}`))) return true; // Hono c.req, GraphQL context.req
  }
  return false;
}

function isKoaContext(e: TS.Expression, sc: Scope): boolean {
  const t = ts();
  e = skipOuter(e);
  return t.isIdentifier(e) && (e.text === 'ctx' || sc.isRequestName(`ctx:${e.text}`));
}

export function skipOuter(e: TS.Expression): TS.Expression {
  const t = ts();
  while (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e) || t.isTypeAssertionExpression(e) ||
    t.isSatisfiesExpression(e) || t.isAwaitExpression(e)) e = e.expression;
  return e;
}

function requestSource(e: TS.PropertyAccessExpression | TS.ElementAccessExpression, sc: Scope, sf: TS.SourceFile): Taint | undefined {
  const t = ts();
  const prop = t.isPropertyAccessExpression(e) ? e.name.text
    : t.isStringLiteralLike(e.argumentExpression) ? e.argumentExpression.text : undefined;
  if (!prop) return undefined;
  const flags = REQUEST_PROPS[prop];
  if (!flags) return undefined;
  if (!isRequestObject(e.expression, sc) && !(isKoaContext(e.expression, sc) && KOA_CONTEXT_PROPS.has(prop))) return undefined;
  return source('request', e.getText(sf), e.getStart(sf), e.end, { raw: flags[0], whole: flags[1], self: SELF_LOCATION_PROPS.has(prop) || undefined });
}

export interface TaintContext {
  sf: TS.SourceFile;
  isArchiveFile: boolean;
  /** The taint a call of a function declared in this file returns (its summary); null when the callee is not local. */
  localCall?: (call: TS.CallExpression, sc: Scope) => Taint | undefined | null;
}

export function taintOf(e: TS.Expression, sc: Scope, cx: TaintContext): Taint | undefined {
  const t = ts();
  const { sf } = cx;
  if (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isNonNullExpression(e) || t.isTypeAssertionExpression(e) ||
    t.isSatisfiesExpression(e) || t.isAwaitExpression(e) || t.isSpreadElement(e)) {
    return taintOf(e.expression, sc, cx);
  }
  if (t.isIdentifier(e)) return sc.lookup(e.text);
  if (t.isPropertyAccessExpression(e) || t.isElementAccessExpression(e)) {
    const src = requestSource(e, sc, sf);
    if (src) return src;
    if (cx.isArchiveFile && t.isPropertyAccessExpression(e)) {
      const p = e.name.text;
      const base = skipOuter(e.expression);
      if (ARCHIVE_NAME_PROPS.has(p) || ((p === 'path' || p === 'name') && t.isIdentifier(base) && ARCHIVE_ENTRY_VARS.test(base.text))) {
        return source('archive', e.getText(sf), e.getStart(sf), e.end);
      }
    }
    const prop = t.isPropertyAccessExpression(e) ? e.name.text : undefined;
    if (prop === 'length' || prop === 'size') return undefined;
    const base = taintOf(e.expression, sc, cx);
    if (!base) return undefined;
    return { ...base, source: base.origin === 'request' && !base.built ? e.getText(sf) : base.source, whole: false, normalized: false, built: base.built && !prop,
      self: base.self && prop !== undefined && /^(?:pathname|path|href)$/.test(prop) ? true : undefined };
  }
  if (t.isCallExpression(e)) return callTaint(e, sc, cx);
  if (t.isTemplateExpression(e)) {
    // `${BASE}/x?y=${v}`: the first span decides; `/orders/${id}`, `https://api/${p}`: the head fixes the start.
    return concat(e.templateSpans.map((s) => taintOf(s.expression, sc, cx)), e.head.text);
  }
  if (t.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === t.SyntaxKind.PlusToken || op === t.SyntaxKind.PlusEqualsToken) {
      const left = skipOuter(e.left);
      if (t.isStringLiteralLike(left)) return concat([taintOf(e.right, sc, cx)], left.text);
      return concat([taintOf(e.left, sc, cx), taintOf(e.right, sc, cx)]);
    }
    if (op === t.SyntaxKind.BarBarToken || op === t.SyntaxKind.QuestionQuestionToken) return union(taintOf(e.left, sc, cx), taintOf(e.right, sc, cx));
    if (op === t.SyntaxKind.CommaToken || op === t.SyntaxKind.EqualsToken) return taintOf(e.right, sc, cx);
    return undefined;
  }
  if (t.isConditionalExpression(e)) return union(taintOf(e.whenTrue, sc, cx), taintOf(e.whenFalse, sc, cx));
  if (t.isObjectLiteralExpression(e)) {
    let acc: Taint | undefined;
    let whole = false;
    for (const p of e.properties) {
      if (t.isSpreadAssignment(p)) {
        const s = taintOf(p.expression, sc, cx);
        if (s?.whole) whole = true;
        acc = union(acc, s);
      } else if (t.isPropertyAssignment(p)) acc = union(acc, taintOf(p.initializer, sc, cx));
      else if (t.isShorthandPropertyAssignment(p)) acc = union(acc, sc.lookup(p.name.text));
    }
    return acc && { ...acc, raw: true, whole, built: false, normalized: false };
  }
  if (t.isArrayLiteralExpression(e)) {
    let acc: Taint | undefined;
    for (const el of e.elements) acc = union(acc, taintOf(el as TS.Expression, sc, cx));
    return acc && { ...acc, raw: true, whole: false, built: false, normalized: false };
  }
  if (t.isNewExpression(e)) {
    const callee = t.isIdentifier(e.expression) ? e.expression.text : '';
    if (callee === 'URL' || callee === 'String' || callee === 'URLSearchParams') {
      let acc: Taint | undefined;
      for (const a of e.arguments?.slice(0, 1) ?? []) acc = union(acc, taintOf(a, sc, cx));
      return acc && { ...acc, raw: false, whole: false };
    }
    return undefined;
  }
  if (t.isTaggedTemplateExpression(e)) return undefined; // sql`…${x}` builders parameterise
  return undefined;
}

export function calleeName(call: TS.CallExpression | TS.NewExpression): string {
  const t = ts();
  const c = skipOuter(call.expression);
  if (t.isIdentifier(c)) return c.text;
  if (t.isPropertyAccessExpression(c)) return c.name.text;
  if (t.isElementAccessExpression(c) && t.isStringLiteralLike(c.argumentExpression)) return c.argumentExpression.text;
  return '';
}

export function receiverOf(call: TS.CallExpression | TS.NewExpression): TS.Expression | undefined {
  const t = ts();
  const c = skipOuter(call.expression);
  if (t.isPropertyAccessExpression(c) || t.isElementAccessExpression(c)) return c.expression;
  return undefined;
}

function callTaint(e: TS.CallExpression, sc: Scope, cx: TaintContext): Taint | undefined {
  const t = ts();
  const name = calleeName(e);
  const recv = receiverOf(e);
  if (recv && isRequestObject(recv, sc)) {
    const flags = REQUEST_METHODS[name];
    if (name === 'valid') return undefined; // Hono validator output
    if (flags) return source('request', e.getText(cx.sf), e.getStart(cx.sf), e.end, { raw: flags[0], whole: flags[1] });
  }
  const local = cx.localCall?.(e, sc);
  if (local !== null && local !== undefined) return local;
  if (local === undefined && !recv) return undefined; // a local function that returns nothing tainted
  const recvName = recv ? skipOuter(recv).getText(cx.sf) : '';
  // Parsers that turn request text into objects: the result may carry operators ({"$gt": ""}) and any field.
  if (name === 'parse' && /^(?:JSON|qs|querystring|url|URL)$/.test(recvName)) {
    const a = e.arguments[0] && taintOf(e.arguments[0], sc, cx);
    return a && (recvName === 'url' || recvName === 'URL' ? { ...a, raw: false, whole: false } : { ...a, raw: true, whole: true, built: false, normalized: false });
  }
  if (name === 'format' && /sql|conn|pool|db|knex/i.test(recvName)) return undefined; // mysql.format / SqlString.format escape values
  if (SANITIZERS.has(name) || /^(?:sanitize|escape|validate|is[A-Z])/.test(name)) return undefined;
  if (NON_STRING_METHODS.has(name)) return undefined;
  const args = e.arguments;
  // `.replace(/[^a-z0-9]/g, '')` keeps only an allow-list of characters: a sanitizer.
  if (name === 'replace' || name === 'replaceAll') {
    const pat = args[0];
    if (pat && t.isRegularExpressionLiteral(pat) && /^\/\[\^/.test(pat.text)) return undefined;
  }
  const recvTaint = recv ? taintOf(recv, sc, cx) : undefined;
  // ids.map((_, i) => `$${i + 1}`): the result is what the callback returns, not the elements.
  if ((name === 'map' || name === 'flatMap') && args[0] && (t.isArrowFunction(args[0]) || t.isFunctionExpression(args[0]))) {
    return callbackResultTaint(args[0], recvTaint, sc, cx);
  }
  let argTaint: Taint | undefined;
  const r = recv && skipOuter(recv);
  const isPathCall = r && t.isIdentifier(r) && /^(?:path|posix|win32)$/.test(r.text);
  if (PASS_THROUGH.has(name) || isPathCall || (r && t.isPropertyAccessExpression(r) && /path\.(?:posix|win32)$/.test(r.getText(cx.sf)))) {
    for (const a of args) argTaint = union(argTaint, taintOf(a, sc, cx));
  }
  if (isPathCall && (name === 'join' || name === 'resolve' || name === 'normalize')) {
    return argTaint && { ...argTaint, raw: false, whole: false, built: true, normalized: true };
  }
  if (name === 'realpathSync' || name === 'realpath') {
    const a = args[0] && taintOf(args[0], sc, cx);
    return a && { ...a, normalized: true };
  }
  if (name === 'assign' && args.length > 1 && t.isObjectLiteralExpression(args[0]) && args[0].properties.length === 0) {
    let acc: Taint | undefined;
    for (const a of args.slice(1)) acc = union(acc, taintOf(a, sc, cx));
    return acc; // a shallow copy keeps `whole`
  }
  const acc = union(recvTaint && { ...recvTaint, whole: false, normalized: false }, argTaint);
  if (!acc) return undefined;
  const built = acc.built || name === 'format' || name === 'concat' || name === 'join';
  return { ...acc, raw: name === 'get' || name === 'split' ? acc.raw : false, whole: false, built, normalized: false,
    self: acc.self && /^(?:clone|toString|valueOf|toJSON|replace|replaceAll|toLowerCase|trim|trimEnd)$/.test(name) ? true : undefined };
}

function callbackResultTaint(fn: TS.ArrowFunction | TS.FunctionExpression, element: Taint | undefined, sc: Scope, cx: TaintContext): Taint | undefined {
  const t = ts();
  const inner = new Scope(sc);
  fn.parameters.forEach((p, i) => {
    if (t.isIdentifier(p.name)) inner.vars.set(p.name.text, i === 0 && element ? { ...element, whole: false } : null);
  });
  if (!t.isBlock(fn.body)) return taintOf(fn.body, inner, cx);
  let acc: Taint | undefined;
  const walk = (n: TS.Node): void => {
    if (t.isReturnStatement(n) && n.expression) acc = union(acc, taintOf(n.expression, inner, cx));
    if (t.isFunctionLike(n)) return;
    t.forEachChild(n, walk);
  };
  walk(fn.body);
  // Locals assigned inside the block are not tracked here: fall back to the element's taint if anything returns.
  return acc ?? undefined;
}

/** Identifiers read by an expression (not property names), for check bookkeeping. */
export function identifiersIn(e: TS.Node): string[] {
  const t = ts();
  const out: string[] = [];
  const walk = (n: TS.Node): void => {
    if (t.isIdentifier(n)) {
      const p = n.parent;
      if (p && t.isPropertyAccessExpression(p) && p.name === n) return;
      if (p && t.isPropertyAssignment(p) && p.name === n) return;
      out.push(n.text);
      return;
    }
    if (t.isFunctionLike(n)) return;
    t.forEachChild(n, walk);
  };
  walk(e);
  return out;
}
