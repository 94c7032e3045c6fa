/**
 * The one Go walk (tree-sitter): net/http and every handler type that wraps it — gin, echo, fiber, chi/mux,
 * fasthttp, macaron/gogs-style contexts (c.Query, c.Params), an app's own request-event types holding an
 * *http.Request. It keeps the taint scopes (request data, or a string parameter of unknown origin) and the
 * checks seen so far, and fires events for the rules' matchers (`<rule-id>/go.ts`).
 */
import type { SyntaxNode as Node } from '../syntax-tree';
import { Reporter, type ReportSpec, type SinkBuilder } from '../../engine';
import type { RuleMeta } from '../../rule';
import { isTestPath } from '../../secrets';
import { concat, mergeBranches, paramTaint, Scope, source, step, union, type CheckKind, type Taint } from '../../taint';
import type { ProjectFacts } from '../../project';

/** Methods of request objects (net/http Request, gin/echo/fiber/macaron contexts) that return client data. */
const REQUEST_METHODS = new Set(['FormValue', 'PostFormValue', 'Get', 'Query', 'Param', 'Params', 'PostForm', 'DefaultQuery', 'DefaultPostForm',
  'GetHeader', 'QueryParam', 'QueryParams', 'Cookie', 'GetQuery', 'GetPostForm', 'FormFile', 'Body', 'BodyParser', 'QueryArray', 'ParamsInt64',
  'QueryStrings', 'QueryTrim', 'QueryEscape', 'FormParams', 'PathParam', 'PathValue', 'GetString', 'Referer', 'UserAgent']);
/** Methods that decode the request into their argument: c.ShouldBindJSON(&req), json.NewDecoder(r.Body).Decode(&req). */
const BIND_METHODS = /^(?:Bind|BindJSON|BindQuery|ShouldBind|ShouldBindJSON|ShouldBindQuery|ShouldBindUri|BodyParser|QueryParser|Decode|Unmarshal)$/;
/** Methods whose result is the request's own location (redirecting there stays on the site). */
const SELF_METHODS = new Set(['String', 'RequestURI', 'EscapedPath', 'Path', 'OriginalURL']);
const REQUEST_FIELDS = new Set(['URL', 'Form', 'PostForm', 'Header', 'Body', 'RequestURI', 'Host', 'MultipartForm', 'Request', 'Req']);
const SELF_FIELDS = new Set(['URL', 'RequestURI']);
const SANITIZERS = new Set(['Atoi', 'ParseInt', 'ParseUint', 'ParseFloat', 'ParseBool', 'Base', 'QueryEscape', 'PathEscape', 'EscapeString',
  'Quote', 'QuoteIdentifier', 'Parse' /* uuid.Parse */, 'MustParse', 'Len', 'Contains', 'HasPrefix', 'HasSuffix', 'EqualFold', 'QueryInt', 'QueryInt64', 'ParamsInt64']);
const PASS_THROUGH = /^(?:fmt\.Sprintf|fmt\.Sprint|fmt\.Sprintln|strings\.Join|strings\.Replace|strings\.ReplaceAll|strings\.TrimSpace|strings\.ToLower|strings\.ToUpper|strings\.Trim|strings\.TrimPrefix|strings\.TrimSuffix|filepath\.Join|path\.Join|filepath\.Clean|path\.Clean|filepath\.Abs|string|\[\]byte|url\.PathUnescape|url\.QueryUnescape|base64\.StdEncoding\.DecodeString)$/;
/** Parameter types that are (or wrap) an incoming request. */
const REQUEST_TYPE = /\*http\.Request|\*gin\.Context|echo\.Context|\*fiber\.Ctx|fiber\.Ctx|\*fasthttp\.RequestCtx|\*macaron\.Context|\*(?:\w+\.)?(?:Context|ReqContext|APIContext|WebContext|RequestEvent|RequestCtx|HandlerContext)\b/;

export interface GoFile {
  path: string;
  text: string;
  imports: Set<string>;
  isTest: boolean;
  project?: ProjectFacts;
}

export interface GoFn {
  node: Node | null;
  key: string;
  name: string;
  scope: Scope;
  handler: boolean;
  parent?: GoFn;
}

export interface GoCall {
  node: Node;
  recv: Node | null;
  name: string;
  /** The callee as written without spaces ("exec.Command"). */
  full: string;
  args: Node[];
}

export interface GoListeners {
  call?(c: GoCall): void;
  /** A value stored under a name: `x := v`, `x = v`, `var x = v`, a struct field `Key: v`. */
  assignment?(name: string, value: Node): void;
  string?(node: Node): void;
  /** Values assigned together under these names, and values returned (for the random-in-a-secret check). */
  values?(names: string, values: Node[]): void;
  enterFunction?(fn: GoFn): void;
  exitFunction?(fn: GoFn): void;
}

export interface GoRuleContext<M extends string = string> {
  readonly file: GoFile;
  readonly scope: Scope;
  readonly fn: GoFn;
  taintOf(n: Node | null): Taint | undefined;
  isRequestExpr(n: Node | null): boolean;
  /** A check (strings.HasPrefix, an allow-list function, filepath.Rel) seen on an identifier the node reads. */
  isChecked(n: Node): boolean;
  report(node: Node, messageId: M, data?: Record<string, string | number>, extra?: Omit<ReportSpec, 'start' | 'end' | 'messageId' | 'data'>): void;
  sink(taint: Taint, build: (t: Taint, span: (n: Node) => { start: number; end: number }) => ReportSpec | null): void;
}

export interface GoMatcher<M extends string = string> {
  meta: RuleMeta<string, M>;
  create(cx: GoRuleContext<M>): GoListeners;
}

export function goMatcher<M extends string>(meta: RuleMeta<string, M>, create: (cx: GoRuleContext<M>) => GoListeners): GoMatcher<M> {
  return { meta, create };
}

export const named = (n: Node): Node[] => n.namedChildren;
export const field = (n: Node, f: string): Node | null => n.childForFieldName(f);

export function stringValue(n: Node | null | undefined): string | null {
  if (!n) return null;
  if (n.type === 'interpreted_string_literal') return named(n).map((c) => c.text).join('');
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1);
  return null;
}

export function calleeParts(call: Node): { recv: Node | null; name: string; full: string } {
  const f = field(call, 'function');
  if (!f) return { recv: null, name: '', full: '' };
  if (f.type === 'selector_expression') return { recv: field(f, 'operand'), name: field(f, 'field')?.text ?? '', full: f.text.replace(/\s+/g, '') };
  return { recv: null, name: f.text, full: f.text };
}

export function argsOf(call: Node): Node[] {
  const a = field(call, 'arguments');
  return a ? named(a) : [];
}

/**
 * The SQL (or URL) text a value holds: literal parts, or what the variable was built from earlier in the
 * function. Only assignments that end before the use count (in `q = q + " AND …"` the `q` on the right is
 * the earlier value), followed a few steps so a long chain of reassignments stays cheap.
 */
export function textOf(n: Node, depth = 0): string {
  if (depth > MAX_TEXT_DEPTH) return '';
  if (n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal') return stringValue(n) ?? '';
  if (n.type === 'binary_expression') return `${textOf(field(n, 'left')!, depth + 1)} x ${textOf(field(n, 'right')!, depth + 1)}`;
  if (n.type === 'call_expression') return argsOf(n).map((a) => textOf(a, depth + 1)).join(' ');
  if (n.type === 'identifier') {
    let fn: Node | null = n.parent;
    while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') fn = fn.parent;
    if (!fn) return '';
    const out: string[] = [];
    for (const d of fn.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
      if (!d || d.endIndex > n.startIndex) continue;
      const left = field(d, 'left') ?? field(d, 'name');
      const right = field(d, 'right') ?? field(d, 'value');
      if (left && right && named(left.type === 'expression_list' ? left : d).some((x) => x.text === n.text)) {
        for (const r of right.type === 'expression_list' ? named(right) : [right]) if (r.type !== 'identifier') out.push(textOf(r, depth + 1));
      }
    }
    return out.join(' ');
  }
  return '';
}

/** How many steps of expressions and earlier assignments textOf follows. */
const MAX_TEXT_DEPTH = 12;

/** The literal a value starts with: "…" + x, fmt.Sprintf("/path?%s", …). */
export function headOf(n: Node): string {
  if (n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal') return stringValue(n) ?? '';
  if (n.type === 'binary_expression') return headOf(field(n, 'left') ?? n);
  if (n.type === 'call_expression' && calleeParts(n).full === 'fmt.Sprintf') return (stringValue(argsOf(n)[0]) ?? '').split('%')[0];
  return '';
}

type EventName = keyof GoListeners;

export function walkGo(root: Node, file: GoFile, matchers: readonly GoMatcher[]): Reporter {
  return new GoWalk(root, file, matchers).run();
}

class GoWalk {
  readonly reporter: Reporter;
  private readonly byEvent = new Map<EventName, { meta: RuleMeta; listeners: GoListeners }[]>();
  private scope = new Scope(undefined);
  private fn: GoFn;
  private readonly locals = new Map<string, Node>();

  constructor(private readonly root: Node, readonly file: GoFile, matchers: readonly GoMatcher[]) {
    this.reporter = new Reporter(file.text);
    this.fn = { node: null, key: '', name: '', scope: this.scope, handler: false };
    for (const m of matchers) {
      let listeners: GoListeners = {};
      this.reporter.guard(m.meta, () => {
        listeners = m.create(this.context(m.meta));
      });
      for (const ev of Object.keys(listeners) as EventName[]) {
        const list = this.byEvent.get(ev) ?? [];
        list.push({ meta: m.meta, listeners });
        this.byEvent.set(ev, list);
      }
    }
    for (const n of root.descendantsOfType('function_declaration')) {
      const name = n && field(n, 'name')?.text;
      if (n && name) this.locals.set(name, n);
    }
  }

  run(): Reporter {
    this.walk(this.root);
    this.reporter.resolve();
    return this.reporter;
  }

  private emit(ev: EventName, call: (l: GoListeners) => void): void {
    const list = this.byEvent.get(ev);
    if (!list) return;
    this.reporter.dispatch(list, call);
  }

  private context(meta: RuleMeta): GoRuleContext {
    const span = (n: Node): { start: number; end: number } => ({ start: n.startIndex, end: n.endIndex });
    const cx: Omit<GoRuleContext, 'scope' | 'fn'> = {
      file: this.file,
      taintOf: (n) => this.taintOf(n),
      isRequestExpr: (n) => this.isRequestExpr(n),
      isChecked: (n) => (n.type === 'identifier' && !!this.scope.checkedAs(n.text)) || n.descendantsOfType('identifier').some((id) => !!id && !!this.scope.checkedAs(id.text)),
      report: (node, messageId, data, extra) => this.reporter.report(meta, { ...span(node), messageId, data, ...extra }),
      sink: (taint, build) => this.reporter.sink(meta, taint, ((tt) => build(tt, span)) as SinkBuilder),
    };
    // The scope and function at the current event, read when a listener asks.
    Object.defineProperties(cx, { scope: { get: () => this.scope }, fn: { get: () => this.fn } });
    return cx as GoRuleContext;
  }

  isRequestExpr(n: Node | null): boolean {
    if (!n) return false;
    if (n.type === 'identifier') return this.scope.isRequestName(n.text);
    if (n.type === 'selector_expression') return this.isRequestExpr(field(n, 'operand'));
    if (n.type === 'call_expression') return this.isRequestExpr(calleeParts(n).recv);
    if (n.type === 'parenthesized_expression') return this.isRequestExpr(named(n)[0] ?? null);
    return false;
  }

  taintOf(n: Node | null): Taint | undefined {
    if (!n) return undefined;
    const sc = this.scope;
    switch (n.type) {
      case 'identifier':
        return sc.lookup(n.text);
      case 'parenthesized_expression':
        return this.taintOf(named(n)[0] ?? null);
      case 'selector_expression': {
        const operand = field(n, 'operand');
        const f = field(n, 'field')?.text ?? '';
        if (operand && this.isRequestExpr(operand) && REQUEST_FIELDS.has(f)) {
          return source('request', n.text, n.startIndex, n.endIndex, { self: SELF_FIELDS.has(f) || undefined });
        }
        const base = this.taintOf(operand);
        return base && { ...base, self: base.self && /^(?:Path|RawQuery|RawPath)$/.test(f) ? true : undefined };
      }
      case 'index_expression': {
        const base = this.taintOf(field(n, 'operand'));
        return base && { ...base, source: base.origin === 'request' ? n.text : base.source, self: undefined };
      }
      case 'binary_expression': {
        const op = n.children.find((c) => c && !c.isNamed)?.type;
        if (op !== '+') return undefined;
        const left = field(n, 'left');
        const lit = stringValue(left);
        return lit !== null ? concat([this.taintOf(field(n, 'right'))], lit) : concat([this.taintOf(left), this.taintOf(field(n, 'right'))]);
      }
      case 'call_expression': {
        const { recv, name, full } = calleeParts(n);
        const args = argsOf(n);
        if (recv && this.isRequestExpr(recv) && REQUEST_METHODS.has(name)) return source('request', n.text, n.startIndex, n.endIndex);
        if (full === 'mux.Vars' || full === 'chi.URLParam' || full === 'chi.URLParamFromCtx') return source('request', n.text, n.startIndex, n.endIndex);
        if (SANITIZERS.has(name)) return undefined;
        if (full === 'fmt.Sprintf' && args[0]) {
          const head = (stringValue(args[0]) ?? '').split('%')[0];
          const rest = args.slice(1).map((a) => this.taintOf(a));
          return rest.some(Boolean) ? concat(rest, head) : undefined;
        }
        if (PASS_THROUGH.test(full)) {
          let t: Taint | undefined;
          for (const a of args) t = union(t, this.taintOf(a));
          return t && { ...t, built: t.built || /Sprint|Join/.test(full) };
        }
        if (!recv && this.locals.has(name)) return this.localReturn(n, name);
        if (recv) {
          const t = this.taintOf(recv);
          if (t && !/^(?:Len|Contains|HasPrefix|HasSuffix)$/.test(name)) return { ...t, self: t.self && SELF_METHODS.has(name) ? true : undefined };
        }
        return undefined;
      }
      case 'type_conversion_expression':
        return this.taintOf(field(n, 'operand'));
      default:
        return undefined;
    }
  }

  /** A local function's result: tainted when it returns one of its parameters (a plain pass-through helper). */
  private localReturn(call: Node, name: string): Taint | undefined {
    const decl = this.locals.get(name)!;
    const params = field(decl, 'parameters');
    const pnames = params ? named(params).flatMap((p) => p.childrenForFieldName('name').filter((x): x is Node => !!x).map((x) => x.text)) : [];
    const body = field(decl, 'body');
    if (!body || pnames.length === 0) return undefined;
    const returned = new Set<number>();
    for (const r of body.descendantsOfType('return_statement')) {
      for (const id of r?.descendantsOfType('identifier') ?? []) {
        const i = id ? pnames.indexOf(id.text) : -1;
        if (i >= 0) returned.add(i);
      }
    }
    let out: Taint | undefined;
    argsOf(call).forEach((a, i) => {
      if (returned.has(i)) out = union(out, this.taintOf(a));
    });
    return out && step({ ...out, built: true }, call.startIndex, call.endIndex, `through ${name}()`);
  }

  private bind(left: Node, right: Node | null, rightCount: number): void {
    const targets = left.type === 'expression_list' ? named(left) : [left];
    const t = right ? this.taintOf(right) : undefined;
    targets.forEach((target, i) => {
      if (target.type !== 'identifier' || target.text === '_') return;
      // n, err := strconv.Atoi(x): only the first result carries the value; err never does.
      if (rightCount === 1 && targets.length > 1 && i > 0) {
        this.scope.vars.set(target.text, null);
        return;
      }
      this.scope.vars.set(target.text, t ? step(t, target.startIndex, (right ?? target).endIndex, `assigned to ${target.text}`) : null);
    });
  }

  private walk(n: Node): void {
    switch (n.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal': {
        const inner = new Scope(this.scope);
        const params = field(n, 'parameters');
        const name = field(n, 'name')?.text ?? this.fn.name;
        const key = n.type === 'function_declaration' ? name : '';
        let handler = false;
        let index = 0;
        for (const p of params ? named(params) : []) {
          const type = field(p, 'type')?.text ?? '';
          const names = p.childrenForFieldName('name').filter((x): x is Node => !!x);
          if (REQUEST_TYPE.test(type) && !/^context\.Context$|cli\.Context|testing\./.test(type)) {
            for (const nm of names) inner.requestNames.add(nm.text);
            handler = true;
          } else if (n.type !== 'func_literal' && /^string$/.test(type)) {
            for (const nm of names) inner.vars.set(nm.text, paramTaint(nm.text, index + names.indexOf(nm), nm.startIndex, nm.endIndex, key));
          } else for (const nm of names) inner.vars.set(nm.text, null);
          index += Math.max(names.length, 1);
        }
        const fn: GoFn = { node: n, key, name, scope: inner, handler, parent: this.fn };
        const savedScope = this.scope;
        const savedFn = this.fn;
        this.scope = inner;
        this.fn = fn;
        this.emit('enterFunction', (l) => l.enterFunction?.(fn));
        const body = field(n, 'body');
        if (body) this.walk(body);
        this.emit('exitFunction', (l) => l.exitFunction?.(fn));
        this.scope = savedScope;
        this.fn = savedFn;
        return;
      }
      case 'short_var_declaration':
      case 'assignment_statement': {
        const right = field(n, 'right');
        if (right) this.walk(right);
        const left = field(n, 'left');
        const rights = right ? (right.type === 'expression_list' ? named(right) : [right]) : [];
        if (left) {
          const op = n.children.find((c) => c && !c.isNamed && /=/.test(c.type))?.type;
          if (op === '+=' && left.type === 'expression_list' && named(left)[0]?.type === 'identifier') {
            const name = named(left)[0].text;
            const t = union(this.scope.lookup(name), rights[0] ? this.taintOf(rights[0]) : undefined);
            this.scope.vars.set(name, t ? { ...t, built: true } : null);
          } else if (rights.length === 1) this.bind(left, rights[0], 1);
          else named(left).forEach((l, i) => this.bind(l, rights[i] ?? null, rights.length));
          for (const r of rights) this.emit('assignment', (l) => l.assignment?.(left.text, r));
          this.emit('values', (l) => l.values?.(left.text, rights));
        }
        return;
      }
      case 'var_spec':
      case 'const_spec': {
        const value = field(n, 'value');
        if (value) this.walk(value);
        const names = n.childrenForFieldName('name').filter((x): x is Node => !!x);
        const values = value ? named(value) : [];
        names.forEach((nm, i) => {
          const v = values[i] ?? null;
          this.scope.vars.set(nm.text, v ? this.taintOf(v) ?? null : null);
          if (v) this.emit('assignment', (l) => l.assignment?.(nm.text, v));
        });
        this.emit('values', (l) => l.values?.(names.map((x) => x.text).join(','), values));
        return;
      }
      case 'keyed_element': {
        const parts = named(n);
        if (parts.length === 2) {
          const v = parts[1].type === 'literal_element' ? named(parts[1])[0] ?? parts[1] : parts[1];
          this.emit('assignment', (l) => l.assignment?.(parts[0].text.replace(/^"|"$/g, ''), v));
        }
        break;
      }
      case 'call_expression': {
        for (const c of named(n)) this.walk(c);
        const { recv, name, full } = calleeParts(n);
        const args = argsOf(n);
        this.recordChecks(full, name, args);
        if (!recv && this.locals.has(name)) {
          const ts = args.map((a) => this.taintOf(a));
          if (ts.some(Boolean)) this.reporter.call(name, ts, n.startIndex, n.endIndex);
        }
        if (BIND_METHODS.test(name) && ((recv && this.isRequestExpr(recv)) || (recv && this.taintOf(recv)) || (full === 'json.Unmarshal' && this.taintOf(args[0] ?? null)))) {
          const from = recv && this.isRequestExpr(recv) ? source('request', n.text, n.startIndex, n.endIndex, { raw: true, whole: true }) : this.taintOf(recv) ?? this.taintOf(args[0] ?? null);
          for (const a of args) {
            const target = a.type === 'unary_expression' ? named(a)[0] : a;
            if (target?.type === 'identifier' && from) this.scope.vars.set(target.text, from);
          }
        }
        const ev: GoCall = { node: n, recv, name, full, args };
        this.emit('call', (l) => l.call?.(ev));
        return;
      }
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        this.emit('string', (l) => l.string?.(n));
        return;
      case 'return_statement':
        this.emit('values', (l) => l.values?.(this.fn.name, named(n)));
        break;
      case 'binary_expression':
        this.recordComparison(n);
        break;
      case 'if_statement': {
        // Either branch may run: afterwards a variable holds what any branch left in it.
        for (const f of ['initializer', 'condition']) {
          const c = field(n, f);
          if (c) this.walk(c);
        }
        const cons = field(n, 'consequence');
        const alt = field(n, 'alternative');
        const before = new Map(this.scope.vars);
        const states: Map<string, Taint | null>[] = alt ? [] : [before];
        for (const b of [cons, alt]) {
          if (!b) continue;
          this.scope.vars.clear();
          for (const [k, v] of before) this.scope.vars.set(k, v);
          this.walk(b);
          states.push(new Map(this.scope.vars));
        }
        mergeBranches(this.scope.vars, states);
        return;
      }
    }
    for (const c of named(n)) this.walk(c);
  }

  /** strings.HasPrefix(p, root) after Clean/Abs, strings.Contains(p, ".."), allow-list lookups, filepath.Rel. */
  private recordChecks(full: string, name: string, args: Node[]): void {
    const mark = (id: string, kind: CheckKind = 'allow'): void => this.scope.markChecked(id, kind);
    if (/^strings\.(?:HasPrefix|Contains)$/.test(full) && args[0]) for (const id of args[0].descendantsOfType('identifier')) if (id) mark(id.text);
    if (args[0]?.type === 'identifier' && /allow|valid|safe|trusted|whitelist/i.test(name)) mark(args[0].text);
    if (/^filepath\.Rel$/.test(full) && args[1]?.type === 'identifier') mark(args[1].text);
    // slices.Contains(trusted, next), lo.Contains(allowed, host): membership in a list.
    if (/^(?:slices|lo|funk|utils?)\.Contains$/.test(full) && args[1]?.type === 'identifier') mark(args[1].text);
  }

  /** next == trusted / u.Host != cfg.Host: an exact comparison decides what the value can be. */
  private recordComparison(n: Node): void {
    const op = n.children.find((c) => c && !c.isNamed)?.type;
    if (op !== '==' && op !== '!=') return;
    for (const side of [field(n, 'left'), field(n, 'right')]) {
      if (side?.type === 'identifier' && this.scope.lookup(side.text)) this.scope.markChecked(side.text, 'allow');
      if (side?.type === 'selector_expression' && /\.(?:Host|Hostname|Scheme)$/.test(side.text)) for (const id of side.descendantsOfType('identifier')) if (id) this.scope.markChecked(id.text, 'allow');
    }
  }
}

export function newGoFile(path: string, text: string, root: Node, project?: ProjectFacts): GoFile {
  const imports = new Set<string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    const p = spec?.childForFieldName('path');
    if (p) imports.add(p.text.replace(/^"|"$/g, ''));
  }
  return { path, text, imports, isTest: isTestPath(path) || path.endsWith('_test.go'), project };
}
