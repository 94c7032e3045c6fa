/**
 * The one TypeScript/JavaScript walk (compiler API, no type checker: a file at a time, fast enough to
 * run on save). It visits each function in source order, keeps the taint scopes (./taint), records the
 * checks it sees (startsWith, allow-list lookups, validators), and fires events that the rules' matchers
 * (`<rule-id>/ts.ts`) listen to: function enter/exit, call, new, assignment, property, comparison,
 * string, file end. Matchers never walk the tree themselves.
 */
import type * as TS from 'typescript';
import { Reporter, type ReportSpec, type SinkBuilder } from '../../engine';
import type { RuleMeta } from '../../rule';
import type { ProjectFacts } from '../../project';
import { isTestPath } from '../../secrets';
import { mergeBranches, paramTaint, Scope, source, step, type CheckKind, type Taint } from '../../taint';
import {
  ARCHIVE_MODULES, DB_MODULE, GRAPHQL_ARG_DECORATORS, HTTP_METHOD_EXPORT, NEST_PARAM_DECORATORS, REQUEST_TYPE, ROUTE_METHODS, ROUTER_RECEIVER,
} from './frameworks';
import { calleeName, identifiersIn, isRequestObject, receiverOf, skipOuter, taintOf, ts, type TaintContext } from './taint';
import { decoratorNames, functionName, isClassType, isDbReceiver, isFunctionLikeNode, isNamedFunction } from './util';

/** A function being walked, with what every rule may ask about it. */
export interface TsFn {
  node: TS.Node;
  /** Summary key ('' for anonymous functions and the file itself). */
  key: string;
  name: string;
  scope: Scope;
  /** Has a request parameter (req/request/@Req/@Param…) or is nested in a function that has: an HTTP handler. */
  handler: boolean;
  loopDepth: number;
  /** Callback of forEach/map…: every call in it runs once per element. */
  perElement: boolean;
  /** Extra text that may hold an authorization check: route middleware, decorators. */
  guardText: string;
  parent?: TsFn;
}

/** What the walk knows about the file. */
export interface TsFile extends TaintContext {
  path: string;
  text: string;
  imports: Map<string, string>;
  modules: Set<string>;
  isTest: boolean;
  isMigration: boolean;
  /** Imports a database client, ORM or local models/repositories (or imports nothing: a snippet). */
  hasDb: boolean;
  project?: ProjectFacts;
}

export interface TsCall {
  node: TS.CallExpression;
  name: string;
  recv: TS.Expression | undefined;
  /** Receiver text without spaces ('' for a free call). */
  recvText: string;
  args: TS.NodeArray<TS.Expression>;
  /** The module the callee (or its receiver) was imported from. */
  mod: string | undefined;
  /** The callee as written, without spaces. */
  calleeText: string;
}

export interface TsListeners {
  enterFunction?(fn: TsFn): void;
  exitFunction?(fn: TsFn): void;
  call?(c: TsCall): void;
  newExpression?(node: TS.NewExpression): void;
  /** A value stored under a name: `const x = v`, `x = v`, `{ x: v }` (kind tells which). */
  assignment?(name: string, value: TS.Expression, node: TS.VariableDeclaration | TS.BinaryExpression | TS.PropertyAssignment): void;
  property?(node: TS.PropertyAssignment): void;
  comparison?(node: TS.BinaryExpression): void;
  string?(node: TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateExpression): void;
  endFile?(): void;
}

export interface TsRuleContext<M extends string = string> {
  readonly file: TsFile;
  /** The scope and function at the current event. */
  readonly scope: Scope;
  readonly fn: TsFn;
  taintOf(e: TS.Expression): Taint | undefined;
  /** Whether a check seen so far covers `e` (e.g. a startsWith on the normalized path, an allow-list lookup). */
  isChecked(e: TS.Expression, taint: Taint, kinds: CheckKind[], anyPrefix?: boolean): boolean;
  isDbReceiver(recv: TS.Expression): boolean;
  report(node: TS.Node, messageId: M, data?: Record<string, string | number>, extra?: Omit<ReportSpec, 'start' | 'end' | 'messageId' | 'data'>): void;
  /** A sink reached by `taint`: reported now for request/archive data, through callers for a parameter (engine.ts). */
  sink(taint: Taint, build: (t: Taint, span: (n: TS.Node) => { start: number; end: number }) => ReportSpec | null): void;
  /** Per-function state of this rule. */
  state<S>(fn: TsFn, init: () => S): S;
}

export interface TsMatcher<M extends string = string> {
  meta: RuleMeta<string, M>;
  create(cx: TsRuleContext<M>): TsListeners;
}

export function tsMatcher<M extends string>(meta: RuleMeta<string, M>, create: (cx: TsRuleContext<M>) => TsListeners): TsMatcher<M> {
  return { meta, create };
}

type EventName = keyof TsListeners;

interface Bound {
  meta: RuleMeta;
  listeners: TsListeners;
}

/** Route middleware guard names and request-type names: see isIncomingRequestParam. */
const NOT_DATA_PARAM = /^(?:res|response|reply|next|h|cb|callback|done|err|error|options|opts|config|info|parent|root|_)$/;

/**
 * Walk one file with the rules' matchers. `extra` adds listeners that are not rules (the migration
 * collector, lang/ts/migrations.ts), built once the file's facts are known.
 */
export function walkTypeScript(path: string, text: string, matchers: readonly TsMatcher[], project?: ProjectFacts, extra?: (file: TsFile) => TsListeners): Reporter {
  const t = ts();
  const kind = /\.tsx$/i.test(path) ? t.ScriptKind.TSX : /\.jsx$/i.test(path) ? t.ScriptKind.JSX
    : /\.[cm]?js$/i.test(path) ? t.ScriptKind.JS : t.ScriptKind.TS;
  // JSDoc is not read by any rule; skipping it is a large share of the parse on commented library code.
  // Parents are set by scanDeclarations' single pass, which also finds the imports and local functions.
  const sf = t.createSourceFile(path, text, { languageVersion: t.ScriptTarget.Latest, jsDocParsingMode: t.JSDocParsingMode.ParseNone }, false, kind);
  const declarations = scanDeclarations(sf);
  return new TsWalk(sf, path, text, declarations, matchers, project, extra).run();
}

/** The pseudo-rule that owns non-rule listeners (their errors are reported under this id). */
const INTERNAL: RuleMeta = { id: 'migrations', title: '', severity: 'info', category: 'migration', cwe: null, languages: [], description: '', tier: 'hint', messages: {} };

class TsWalk {
  readonly file: TsFile;
  readonly reporter: Reporter;
  private readonly bound: Bound[] = [];
  private readonly byEvent = new Map<EventName, Bound[]>();
  private scope: Scope;
  private fn: TsFn;
  /** Local functions by name, for summaries (declarations, const f = () =>, methods). */
  private readonly locals: Map<string, TS.FunctionLikeDeclaration>;
  private readonly returnSummaries = new Map<TS.Node, { mask: number; taint?: Taint } | 'pending'>();
  /** Silent walks compute a local function's return summary: no events, no summaries recorded. */
  private silent = 0;
  /** Taints of the current function's return values, and of the last function walked. */
  private returns: (Taint | undefined)[] = [];
  private lastReturns: (Taint | undefined)[] = [];
  /** Taints computed during one event, shared by every rule listening to it. */
  private readonly cache = new Map<TS.Node, Taint | undefined>();
  private readonly states = new Map<RuleMeta, WeakMap<TsFn, unknown>>();

  constructor(private readonly sf: TS.SourceFile, path: string, text: string, declarations: Declarations, matchers: readonly TsMatcher[], project?: ProjectFacts,
    extra?: (file: TsFile) => TsListeners) {
    const imports = declarations.imports;
    this.locals = declarations.locals;
    const modules = new Set(imports.values());
    this.file = {
      sf, path, text, imports, modules,
      isArchiveFile: [...modules].some((m) => ARCHIVE_MODULES.test(m)),
      isTest: isTestPath(path),
      isMigration: /(?:^|\/)migrations?\//i.test(path),
      hasDb: imports.size === 0 || [...modules].some((m) => DB_MODULE.test(m)),
      localCall: (call, sc) => this.localCall(call, sc),
      project,
    };
    this.reporter = new Reporter(text);
    this.scope = new Scope(undefined);
    this.fn = { node: sf, key: '', name: '', scope: this.scope, handler: false, loopDepth: 0, perElement: false, guardText: '' };
    for (const m of matchers) {
      const b: Bound = { meta: m.meta, listeners: {} };
      this.reporter.guard(m.meta, () => {
        b.listeners = m.create(this.context(m.meta));
      });
      this.bound.push(b);
    }
    if (extra) {
      const b: Bound = { meta: INTERNAL, listeners: {} };
      this.reporter.guard(INTERNAL, () => {
        b.listeners = extra(this.file);
      });
      this.bound.push(b);
    }
    for (const b of this.bound) {
      for (const ev of Object.keys(b.listeners) as EventName[]) {
        const list = this.byEvent.get(ev) ?? [];
        list.push(b);
        this.byEvent.set(ev, list);
      }
    }
  }

  run(): Reporter {
    this.emit('enterFunction', (l) => l.enterFunction?.(this.fn));
    this.visit(this.sf);
    this.emit('exitFunction', (l) => l.exitFunction?.(this.fn));
    this.emit('endFile', (l) => l.endFile?.());
    this.reporter.resolve();
    return this.reporter;
  }

  private emit(ev: EventName, call: (l: TsListeners) => void): void {
    if (this.silent) return;
    const list = this.byEvent.get(ev);
    if (!list) return;
    this.cache.clear();
    this.reporter.dispatch(list, call);
  }

  private context(meta: RuleMeta): TsRuleContext {
    const span = (n: TS.Node): { start: number; end: number } => ({ start: n.getStart(this.sf), end: n.end });
    const cx: Omit<TsRuleContext, 'scope' | 'fn'> = {
      file: this.file,
      taintOf: (e) => {
        if (this.cache.has(e)) return this.cache.get(e);
        const v = taintOf(e, this.scope, this.file);
        this.cache.set(e, v);
        return v;
      },
      isChecked: (e, taint, kinds, anyPrefix) => this.scope.covers(e.getText(this.sf).replace(/\s+/g, ''), identifiersIn(e), taint, kinds, anyPrefix),
      isDbReceiver: (recv) => isDbReceiver(recv, this.file),
      report: (node, messageId, data, extra) => this.reporter.report(meta, { ...span(node), messageId, data, ...extra }),
      sink: (taint, build) => this.reporter.sink(meta, taint, ((tt) => build(tt, span)) as SinkBuilder),
      state: <S>(fn: TsFn, init: () => S): S => {
        let m = this.states.get(meta);
        if (!m) this.states.set(meta, (m = new WeakMap()));
        let s = m.get(fn) as S | undefined;
        if (s === undefined) m.set(fn, (s = init()));
        return s;
      },
    };
    // The scope and function at the current event, read when a listener asks.
    Object.defineProperties(cx, { scope: { get: () => this.scope }, fn: { get: () => this.fn } });
    return cx as TsRuleContext;
  }

  // ---- functions

  private analyzeFunction(fnNode: TS.FunctionLikeDeclaration): void {
    const t = ts();
    const cx = this.file;
    const sc = new Scope(this.scope);
    const parentFn = this.fn;
    let handler = false;
    const guardParts: string[] = [];
    const named = isNamedFunction(fnNode);
    const name = functionName(fnNode);
    const resolver = isResolverFunction(fnNode, cx);
    fnNode.parameters.forEach((p, index) => {
      const decos = decoratorNames(p);
      const nameText = t.isIdentifier(p.name) ? p.name.text : '';
      const deco = decos.find((d) => NEST_PARAM_DECORATORS.test(d.name) || GRAPHQL_ARG_DECORATORS.test(d.name));
      if (deco) {
        handler = true;
        if (deco.name === 'Req' || deco.name === 'Request') {
          if (nameText) sc.requestNames.add(nameText);
          return;
        }
        const typed = isClassType(p.type);
        const arg = deco.args[0] && t.isStringLiteralLike(deco.args[0]) ? deco.args[0].text : undefined;
        const raw = (deco.name === 'Body' || deco.name === 'Query' || deco.name === 'Args') && !typed && !(p.type && /^(?:string|number|boolean)/.test(p.type.getText(cx.sf)));
        const taint = source('request', `@${deco.name}(${arg ? `'${arg}'` : ''}) ${p.name.getText(cx.sf)}`, p.getStart(cx.sf), p.end,
          { raw, whole: (deco.name === 'Body' || deco.name === 'Args') && !arg && !typed });
        this.bindPattern(p.name, taint, sc, taint.source);
        return;
      }
      const typeText = p.type?.getText(cx.sf) ?? '';
      if (nameText && isIncomingRequestParam(fnNode, p, nameText, typeText, cx)) {
        sc.requestNames.add(nameText);
        handler = true;
        return;
      }
      if (nameText === 'ctx' && /Context|^$/.test(typeText) && /ctx\.(?:request|query|params)\b/.test(fnNode.getText(cx.sf))) {
        sc.requestNames.add(`ctx:${nameText}`);
        handler = true;
        return;
      }
      if (nameText === 'c' && /c\.req\./.test(fnNode.getText(cx.sf))) {
        handler = true;
        return;
      }
      // GraphQL resolvers: (parent, args, context, info) — args is client data, context.req the request.
      if (resolver && index === 1) {
        const taint = source('request', `GraphQL arguments ${p.name.getText(cx.sf)}`, p.getStart(cx.sf), p.end, { raw: true, whole: true });
        this.bindPattern(p.name, taint, sc, taint.source);
        handler = true;
        return;
      }
      if (resolver && index === 2 && nameText) {
        sc.requestNames.add(`ctx:${nameText}`);
        return;
      }
      if (named && !/^(?:number|boolean|bigint)\b/.test(typeText) && !NOT_DATA_PARAM.test(nameText)) {
        const pt = paramTaint(p.name.getText(cx.sf), index, p.getStart(cx.sf), p.end, named ? name : '');
        this.bindPattern(p.name, pt, sc, pt.source);
      } else {
        clearPattern(p.name, sc);
      }
    });
    // Archive entry callbacks: zip.getEntries().forEach(entry => …), .on('entry', entry => …), zip.forEach((relativePath, file) => …).
    const parent = fnNode.parent;
    if (cx.isArchiveFile && parent && t.isCallExpression(parent) && fnNode.parameters[0]) {
      const cname = calleeName(parent);
      const recvText = receiverOf(parent)?.getText(cx.sf) ?? '';
      const onEntry = cname === 'on' && parent.arguments[0] && t.isStringLiteralLike(parent.arguments[0]) && parent.arguments[0].text === 'entry';
      if (onEntry || ((cname === 'forEach' || cname === 'map') && /getEntries|zip|archive/i.test(recvText))) {
        const p0 = fnNode.parameters[0].name;
        if (t.isIdentifier(p0)) sc.vars.set(p0.text, source('archive', `archive entry ${p0.text}`, p0.getStart(cx.sf), p0.end));
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
    const info: TsFn = {
      node: fnNode, key: named && name ? name : '', name, scope: sc, handler: handler || parentFn.handler, loopDepth: 0, perElement: false,
      guardText: guardParts.join('\n') + '\n' + parentFn.guardText, parent: parentFn,
    };
    // A callback of forEach/map/filter… runs per element: queries in it are N+1 like in a loop.
    if (parent && t.isCallExpression(parent) && /^(?:forEach|map|flatMap|filter|reduce|some|every|each|mapSeries|eachSeries)$/.test(calleeName(parent))) {
      const recv = receiverOf(parent);
      if (!recv || !isDbReceiver(recv, cx)) info.perElement = true;
    }
    if (parentFn.loopDepth > 0 || parentFn.perElement) info.perElement = info.perElement || parentFn.loopDepth > 0;
    const savedScope = this.scope;
    const savedFn = this.fn;
    this.scope = sc;
    this.fn = info;
    const savedReturns = this.returns;
    this.returns = [];
    this.emit('enterFunction', (l) => l.enterFunction?.(info));
    if (fnNode.body) {
      this.visit(fnNode.body);
      if (!t.isBlock(fnNode.body)) this.returns.push(taintOf(fnNode.body, sc, cx));
    }
    this.emit('exitFunction', (l) => l.exitFunction?.(info));
    this.lastReturns = this.returns;
    this.returns = savedReturns;
    this.scope = savedScope;
    this.fn = savedFn;
  }

  /**
   * The taint a call of a local function returns: which of its parameters reach its return value, computed
   * once per function by a silent walk of its body. null: not a local function.
   */
  private localCall(call: TS.CallExpression, sc: Scope): Taint | undefined | null {
    const t = ts();
    const c = skipOuter(call.expression);
    const name = t.isIdentifier(c) ? c.text
      : t.isPropertyAccessExpression(c) && c.expression.kind === t.SyntaxKind.ThisKeyword ? c.name.text : undefined;
    if (!name) return null;
    const decl = this.locals.get(name);
    if (!decl) return null;
    const s = this.returnSummary(decl);
    const args = s?.mask ? call.arguments.map((a) => taintOf(a, sc, this.file)) : [];
    if (!s || !s.mask) return s?.taint ? step(s.taint, call.getStart(this.sf), call.end, `returned by ${name}()`) : undefined;
    let out: Taint | undefined;
    args.forEach((a, i) => {
      if (a && i < 31 && s.mask & (1 << i)) out = out ? { ...out, built: out.built || a.built } : a;
    });
    return out && step({ ...out, built: true, raw: false, whole: false }, call.getStart(this.sf), call.end, `through ${name}()`);
  }

  /** A call of a local function, with its arguments' taint: resolved against the callee's sink summary after the walk. */
  private recordLocalCall(call: TS.CallExpression): void {
    const t = ts();
    const c = skipOuter(call.expression);
    const name = t.isIdentifier(c) ? c.text
      : t.isPropertyAccessExpression(c) && c.expression.kind === t.SyntaxKind.ThisKeyword ? c.name.text : undefined;
    if (!name || !this.locals.has(name) || !call.arguments.length) return;
    const args = call.arguments.map((a) => taintOf(a, this.scope, this.file));
    this.reporter.call(name, args, call.getStart(this.sf), call.end);
  }

  private returnSummary(decl: TS.FunctionLikeDeclaration): { mask: number; taint?: Taint } | undefined {
    const known = this.returnSummaries.get(decl);
    if (known === 'pending') return undefined; // recursion
    if (known) return known;
    this.returnSummaries.set(decl, 'pending');
    const savedScope = this.scope;
    const savedFn = this.fn;
    this.silent++;
    this.scope = new Scope(undefined);
    try {
      this.analyzeFunction(decl);
    } finally {
      this.silent--;
      this.scope = savedScope;
      this.fn = savedFn;
    }
    const rets = this.lastReturns;
    let mask = 0;
    let request: Taint | undefined;
    for (const r of rets) {
      if (!r) continue;
      if (r.origin === 'param') mask |= r.params ?? 0;
      else request ??= r;
    }
    const s = { mask, taint: request };
    this.returnSummaries.set(decl, s);
    return s;
  }

  // ---- bindings

  private bindPattern(name: TS.BindingName, taint: Taint | undefined, sc: Scope, sourceText: string): void {
    const t = ts();
    if (t.isIdentifier(name)) {
      sc.vars.set(name.text, taint ?? null);
      return;
    }
    for (const el of name.elements) {
      if (t.isOmittedExpression(el)) continue;
      if (!taint) {
        this.bindPattern(el.name, undefined, sc, sourceText);
        continue;
      }
      const prop = t.isObjectBindingPattern(name)
        ? (el.propertyName ? el.propertyName.getText(this.sf) : el.name.getText(this.sf))
        : undefined;
      const isRest = !!el.dotDotDotToken;
      const src = taint.origin === 'request' && prop ? `${sourceText}.${prop}` : sourceText;
      const child: Taint = { ...taint, source: src, whole: isRest && taint.whole, built: false, normalized: false };
      // `const { id } = req.params`: the element is a property of the source. Numbers from defaults stay tainted.
      this.bindPattern(el.name, child, sc, src);
    }
  }

  // ---- the walk

  /** One visitor for every child (forEachChild stops at a truthy return: this returns nothing). */
  private readonly visitChild = (c: TS.Node): void => this.visit(c);

  private visit(node: TS.Node): void {
    const t = ts();
    if (!interesting()[node.kind]) {
      t.forEachChild(node, this.visitChild);
      return;
    }
    const cx = this.file;
    if (isFunctionLikeNode(node)) {
      this.analyzeFunction(node);
      return;
    }
    if (t.isReturnStatement(node)) {
      if (node.expression) {
        this.visit(node.expression);
        this.returns.push(taintOf(node.expression, this.scope, cx));
      }
      return;
    }
    if (t.isVariableDeclaration(node)) {
      if (node.initializer) {
        this.visit(node.initializer);
        let taint = taintOf(node.initializer, this.scope, cx);
        if (taint) taint = step(taint, node.getStart(this.sf), node.end, `assigned to ${node.name.getText(this.sf)}`);
        this.bindPattern(node.name, taint, this.scope, taint?.source ?? '');
        if (taint && this.fn.node !== this.sf) this.inheritChecks(node.name, node.initializer);
        const init = node.initializer;
        this.emit('assignment', (l) => l.assignment?.(node.name.getText(this.sf), init, node));
      }
      return;
    }
    if (t.isBinaryExpression(node) && isAssignmentOp(node.operatorToken.kind)) {
      this.visit(node.right);
      let right = taintOf(node.right, this.scope, cx);
      if (right) right = step(right, node.getStart(this.sf), node.end, `assigned to ${node.left.getText(this.sf)}`);
      const left = skipOuter(node.left);
      if (t.isIdentifier(left)) {
        if (node.operatorToken.kind === t.SyntaxKind.EqualsToken) this.scope.vars.set(left.text, right ?? null);
        else if (right) {
          const prev = this.scope.lookup(left.text);
          this.scope.vars.set(left.text, { ...(prev ?? right), origin: right.origin, source: right.source, built: true, raw: false, whole: false, steps: right.steps, params: right.params });
        }
      } else if ((t.isPropertyAccessExpression(left) || t.isElementAccessExpression(left)) && right) {
        // filter.user = req.body.user: the object now carries request data.
        const base = skipOuter(left.expression);
        if (t.isIdentifier(base) && !isRequestObject(base, this.scope)) {
          const prev = this.scope.lookup(base.text);
          // url.search = … / url.pathname = …: part of a URL whose origin stays what it was.
          const part = t.isPropertyAccessExpression(left) && /^(?:search|hash|pathname|searchParams|query)$/.test(left.name.text);
          this.scope.vars.set(base.text, { ...right, raw: true, whole: prev?.whole ?? false, built: prev?.built ?? false,
            lead: part && !prev ? false : prev?.lead, self: part ? prev?.self : undefined });
        }
        this.visit(node.left);
      }
      this.emit('assignment', (l) => l.assignment?.(node.left.getText(this.sf), node.right, node));
      return;
    }
    if (t.isForOfStatement(node) || t.isForInStatement(node)) {
      this.visit(node.expression);
      const init = node.initializer;
      let taint = taintOf(node.expression, this.scope, cx);
      const exprText = node.expression.getText(this.sf);
      if (cx.isArchiveFile && /getEntries\s*\(|(?:zip|archive|tar)\w*\.entries\s*\(/i.test(exprText)) {
        taint = source('archive', `entries of ${exprText}`, node.expression.getStart(this.sf), node.expression.end);
      }
      if (taint && t.isForInStatement(node)) taint = { ...taint, raw: false, whole: false };
      if (t.isVariableDeclarationList(init)) for (const d of init.declarations) this.bindPattern(d.name, taint && { ...taint, whole: false }, this.scope, taint?.source ?? '');
      const counted = !isConstantCollection(node.expression, this.sf);
      if (counted) this.fn.loopDepth++;
      this.visit(node.statement);
      if (counted) this.fn.loopDepth--;
      return;
    }
    if (t.isIfStatement(node)) {
      // Either branch may run: afterwards a variable holds what any branch left in it (`if (!x) x = ''` does not clean x).
      this.visit(node.expression);
      const before = new Map(this.scope.vars);
      const states: Map<string, Taint | null>[] = node.elseStatement ? [] : [before];
      for (const b of [node.thenStatement, node.elseStatement]) {
        if (!b) continue;
        this.scope.vars.clear();
        for (const [k, v] of before) this.scope.vars.set(k, v);
        this.visit(b);
        states.push(new Map(this.scope.vars));
      }
      mergeBranches(this.scope.vars, states);
      return;
    }
    if (t.isForStatement(node)) {
      if (node.initializer) this.visit(node.initializer);
      if (node.condition) this.visit(node.condition);
      this.fn.loopDepth++;
      this.visit(node.statement);
      if (node.incrementor) this.visit(node.incrementor);
      this.fn.loopDepth--;
      return;
    }
    if (t.isCallExpression(node)) {
      t.forEachChild(node, this.visitChild);
      this.recordChecks(node);
      if (this.silent) return;
      this.recordLocalCall(node);
      const name = calleeName(node);
      const recv = receiverOf(node);
      const recvText = recv ? skipOuter(recv).getText(this.sf).replace(/\s+/g, '') : '';
      const callee = skipOuter(node.expression);
      const mod = t.isIdentifier(callee) ? cx.imports.get(name) : recv && t.isIdentifier(skipOuter(recv)) ? cx.imports.get(recvText) : undefined;
      const ev: TsCall = { node, name, recv, recvText, args: node.arguments, mod, calleeText: callee.getText(this.sf).replace(/\s+/g, '') };
      this.emit('call', (l) => l.call?.(ev));
      return;
    }
    if (t.isNewExpression(node)) {
      t.forEachChild(node, this.visitChild);
      this.emit('newExpression', (l) => l.newExpression?.(node));
      return;
    }
    if (t.isPropertyAssignment(node)) {
      this.emit('assignment', (l) => l.assignment?.(node.name.getText(this.sf), node.initializer, node));
      this.emit('property', (l) => l.property?.(node));
    }
    if (t.isBinaryExpression(node)) this.comparison(node);
    if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node) || t.isTemplateExpression(node)) this.emit('string', (l) => l.string?.(node));
    t.forEachChild(node, this.visitChild);
  }

  /** `const p = path.join(root, req.params.theme)` after a check on req.params.theme: p is checked too. */
  private inheritChecks(name: TS.BindingName, init: TS.Expression): void {
    const t = ts();
    if (!t.isIdentifier(name)) return;
    const text = init.getText(this.sf).replace(/\s+/g, '');
    const ids = identifiersIn(init);
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      for (const [key, kinds] of s.checks) {
        const hit = key.startsWith('=') ? text.includes(key.slice(1)) : ids.includes(key);
        if (hit) for (const k of kinds) this.scope.markChecked(name.text, k);
      }
    }
  }

  private comparison(b: TS.BinaryExpression): void {
    const t = ts();
    const k = b.operatorToken.kind;
    if (k !== t.SyntaxKind.EqualsEqualsEqualsToken && k !== t.SyntaxKind.ExclamationEqualsEqualsToken &&
      k !== t.SyntaxKind.EqualsEqualsToken && k !== t.SyntaxKind.ExclamationEqualsToken) return;
    for (const side of [b.left, b.right]) {
      const s = side.getText(this.sf);
      if (/\.(?:hostname|host|origin|protocol)$/.test(s)) {
        for (const id of identifiersIn(side)) if (!this.scope.isRequestName(id)) this.scope.markChecked(id, 'allow');
      }
    }
    this.emit('comparison', (l) => l.comparison?.(b));
  }

  /** Checks that make later uses of a value safe: containment, "..", allow-lists, validators. */
  private recordChecks(call: TS.CallExpression): void {
    const t = ts();
    const name = calleeName(call);
    const recv = receiverOf(call);
    const args = call.arguments;
    const sc = this.scope;
    const mark = (e: TS.Node, kind: CheckKind): void => {
      for (const id of identifiersIn(e)) if (!sc.isRequestName(id)) sc.markChecked(id, kind);
      if (!t.isIdentifier(e)) sc.markChecked(`=${e.getText(this.sf).replace(/\s+/g, '')}`, kind);
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
}

/** Functions whose name says they validate their argument (isSafeUrl, isAllowedHost, validateRedirect, isInside…). */
const CHECK_FUNCTION = /^_*(?:is|check|validate|ensure|assert|verify)[A-Z_]|allow|whitelist|trusted|inside|within|permitted|[sS]afe(?:For)?Redirect|[sS]afeUrl/;

/** for (const x of [a, b]) / Object.keys({…}) / a constant array: a fixed, small number of iterations. */
function isConstantCollection(e: TS.Expression, sf: TS.SourceFile): boolean {
  const t = ts();
  const x = skipOuter(e);
  if (t.isArrayLiteralExpression(x) || t.isObjectLiteralExpression(x)) return true;
  if (t.isCallExpression(x) && /^Object\.(?:keys|values|entries)$/.test(x.expression.getText(sf)) && x.arguments[0] && t.isObjectLiteralExpression(skipOuter(x.arguments[0]))) return true;
  if (t.isIdentifier(x) && /^[A-Z][A-Z0-9_]+$/.test(x.text)) return true; // SUPPORTED_LOCALES, ROLES: module constants
  return false;
}

let interestingKinds: boolean[] | undefined;
/** Node kinds visit() does more than recurse into, by kind: everything else goes straight to its children. */
function interesting(): boolean[] {
  if (interestingKinds) return interestingKinds;
  const k = ts().SyntaxKind;
  const kinds = [k.FunctionDeclaration, k.FunctionExpression, k.ArrowFunction, k.MethodDeclaration, k.Constructor,
    k.GetAccessor, k.SetAccessor, k.VariableDeclaration, k.BinaryExpression, k.ForOfStatement, k.ForInStatement, k.ForStatement,
    k.CallExpression, k.NewExpression, k.PropertyAssignment, k.StringLiteral, k.NoSubstitutionTemplateLiteral, k.TemplateExpression, k.ReturnStatement,
    k.IfStatement];
  const table: boolean[] = Array.from({ length: Math.max(...kinds) + 1 }, () => false);
  for (const kind of kinds) table[kind] = true;
  return (interestingKinds = table);
}

function isAssignmentOp(k: TS.SyntaxKind): boolean {
  const t = ts();
  return k === t.SyntaxKind.EqualsToken || k === t.SyntaxKind.PlusEqualsToken || k === t.SyntaxKind.BarBarEqualsToken ||
    k === t.SyntaxKind.QuestionQuestionEqualsToken;
}

function clearPattern(name: TS.BindingName, sc: Scope): void {
  const t = ts();
  if (t.isIdentifier(name)) sc.vars.set(name.text, null);
  else for (const el of name.elements) if (!t.isOmittedExpression(el)) clearPattern(el.name, sc);
}

interface Declarations {
  /** Imported or required names → the module they come from. */
  imports: Map<string, string>;
  /** Functions declared with a name in this file: `function f`, `const f = () =>`, class methods. */
  locals: Map<string, TS.FunctionLikeDeclaration>;
}

/**
 * One pass over the tree before the walk: sets every node's parent (the parser is asked not to, which
 * would be a pass of its own), and finds the imports and the named local functions.
 */
function scanDeclarations(sf: TS.SourceFile): Declarations {
  const t = ts();
  const imports = new Map<string, string>();
  const locals = new Map<string, TS.FunctionLikeDeclaration>();
  const functions: TS.FunctionLikeDeclaration[] = [];
  const bindName = (name: TS.BindingName | undefined, mod: string): void => {
    if (!name) return;
    if (t.isIdentifier(name)) imports.set(name.text, mod);
    else for (const el of name.elements) if (!t.isOmittedExpression(el)) bindName(el.name, mod);
  };
  const visitNode = (n: TS.Node): void => {
    if (t.isImportDeclaration(n) && t.isStringLiteral(n.moduleSpecifier)) {
      const mod = n.moduleSpecifier.text;
      const c = n.importClause;
      if (c?.name) imports.set(c.name.text, mod);
      const nb = c?.namedBindings;
      if (nb && t.isNamespaceImport(nb)) imports.set(nb.name.text, mod);
      if (nb && t.isNamedImports(nb)) for (const el of nb.elements) imports.set(el.name.text, mod);
    } else if (t.isImportEqualsDeclaration(n) && t.isExternalModuleReference(n.moduleReference) && t.isStringLiteral(n.moduleReference.expression)) {
      imports.set(n.name.text, n.moduleReference.expression.text);
    } else if (t.isVariableDeclaration(n) && n.initializer) {
      const req = requireTarget(n.initializer);
      if (req) bindName(n.name, req);
    } else if (isFunctionLikeNode(n) && n.body) {
      functions.push(n); // named once the whole tree has parents (a name is read through its own)
    }
    const outer = parent;
    parent = n;
    t.forEachChild(n, visitChild);
    parent = outer;
  };
  let parent: TS.Node = sf;
  const visitChild = (c: TS.Node): void => {
    (c as { parent: TS.Node }).parent = parent;
    visitNode(c);
  };
  visitNode(sf);
  for (const fn of functions) {
    if (!isNamedFunction(fn)) continue;
    const name = functionName(fn);
    if (name && !locals.has(name)) locals.set(name, fn);
  }
  return { imports, locals };
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

/**
 * An incoming HTTP request, not any variable called `request` (HTTP client libraries have those too):
 * typed as a server request, followed by a response/reply/next parameter, passed to a route registration,
 * or the parameter of an exported GET/POST… route handler.
 */
function isIncomingRequestParam(fn: TS.FunctionLikeDeclaration, p: TS.ParameterDeclaration, name: string, typeText: string, cx: TsFile): boolean {
  const t = ts();
  if (REQUEST_TYPE.test(typeText)) return true;
  if (name !== 'req' && name !== 'request') return false;
  const idx = fn.parameters.indexOf(p);
  const next = fn.parameters[idx + 1];
  if (next && t.isIdentifier(next.name) && /^(?:res|response|reply|h|next|rep)$/.test(next.name.text)) return true;
  const parent = fn.parent;
  if (parent && t.isCallExpression(parent)) {
    const recv = receiverOf(parent);
    if (recv && ROUTER_RECEIVER.test(recv.getText(cx.sf)) && ROUTE_METHODS.test(calleeName(parent))) return true;
  }
  return HTTP_METHOD_EXPORT.test(functionName(fn));
}

/**
 * A GraphQL resolver: a function in a `resolvers`/`Query`/`Mutation` object literal taking
 * (parent, args, context, info), or a @Query/@Mutation/@Resolver method.
 */
function isResolverFunction(fn: TS.FunctionLikeDeclaration, cx: TsFile): boolean {
  const t = ts();
  if (fn.parameters.length < 2) return false;
  if (t.isMethodDeclaration(fn) && decoratorNames(fn).some((d) => /^(?:Query|Mutation|ResolveField|FieldResolver|Subscription)$/.test(d.name))) return false; // @Args decorators say it
  let p: TS.Node | undefined = fn.parent;
  if (p && (t.isPropertyAssignment(p) || t.isMethodDeclaration(fn))) p = t.isPropertyAssignment(p) ? p.parent : fn.parent;
  if (!p || !t.isObjectLiteralExpression(p)) return false;
  const owner = p.parent;
  if (!owner) return false;
  const ownerName = t.isPropertyAssignment(owner) || t.isVariableDeclaration(owner) ? owner.name.getText(cx.sf) : '';
  return /^(?:Query|Mutation|Subscription|resolvers?|\w+Resolvers?)$/.test(ownerName);
}
