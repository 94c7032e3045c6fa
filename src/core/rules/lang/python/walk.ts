/**
 * The one Python walk (tree-sitter): Flask, Django (function and class-based views, DRF), FastAPI,
 * DB-API cursors, SQLAlchemy, pymongo. It keeps the taint scopes (request data, archive member names,
 * parameters of unknown origin), the contents of lists, dicts and ConfigParser objects indexed by
 * constants, skips branches whose condition is a constant, records checks, and fires events that the
 * rules' matchers (`<rule-id>/python.ts`) listen to.
 */
import type { SyntaxNode as Node } from '../syntax-tree';
import { Reporter, type ReportSpec, type SinkBuilder } from '../../engine';
import type { RuleMeta } from '../../rule';
import { isTestPath } from '../../secrets';
import type { PlaceholderStyle } from '../../sql-text';
import { concat, mergeBranches, paramTaint, Scope, source, step, union, type CheckKind, type Taint } from '../../taint';
import type { ProjectFacts } from '../../project';
import type { ClassSummary, ModuleSummary } from './modules';
import {
  ARCHIVE_ITER, CHECK_FUNCTION, NORMALIZERS, PASS_THROUGH, REQUEST_ATTRS, REQUEST_METHODS, SANITIZERS, SELF_LOCATION_ATTRS,
} from './frameworks';

export interface PyFn {
  node: Node | null;
  key: string;
  name: string;
  scope: Scope;
  handler: boolean;
  loopDepth: number;
  /** Decorators, class bases and class-level statements that may hold an authorization check. */
  guardText: string;
  /** The enclosing class, when this is a method. */
  cls?: PyClass;
  parent?: PyFn;
  /** A route whose path has no variables (@app.route('/health')): request.path is that constant. */
  fixedPath?: boolean;
}

export interface PyClass {
  node: Node;
  name: string;
  bases: string;
  /** Class-level statements (permission_classes, queryset = …), one text. */
  body: string;
}

export interface PyFile {
  path: string;
  text: string;
  imports: Set<string>;
  isTest: boolean;
  isMigration: boolean;
  isArchive: boolean;
  isDjango: boolean;
  usesDefusedXml: boolean;
  usesRandom: boolean;
  placeholder: PlaceholderStyle | null;
  project?: ProjectFacts;
  /** `from pkg.mod import Name`: the module each imported name comes from. */
  importedFrom: Map<string, string>;
  /** Summaries of workspace modules this file imports (lang/python/modules.ts), when a reader is available. */
  module?: (dotted: string) => ModuleSummary | undefined;
}

export interface PyCall {
  node: Node;
  name: string;
  recv: Node | null;
  recvText: string;
  /** The callee as written, without spaces ("os.path.join"). */
  fnText: string;
  /** Positional arguments. */
  args: Node[];
  kwarg(name: string): Node | null;
}

export interface PyListeners {
  enterFunction?(fn: PyFn): void;
  exitFunction?(fn: PyFn): void;
  call?(c: PyCall): void;
  /** `name = value` (target text as the name: `x`, `self.x`, `d['k']`). */
  assignment?(target: Node, value: Node): void;
  keyword?(name: string, value: Node, node: Node): void;
  /** A dict entry with a string key. */
  pair?(key: string, value: Node, node: Node): void;
  string?(node: Node): void;
  comparison?(node: Node): void;
  raise?(node: Node): void;
  return?(value: Node): void;
  endFile?(): void;
}

export interface PyRuleContext<M extends string = string> {
  readonly file: PyFile;
  readonly scope: Scope;
  readonly fn: PyFn;
  taintOf(n: Node | null): Taint | undefined;
  isChecked(n: Node, taint: Taint, kinds: CheckKind[]): boolean;
  report(node: Node, messageId: M, data?: Record<string, string | number>, extra?: Omit<ReportSpec, 'start' | 'end' | 'messageId' | 'data'>): void;
  sink(taint: Taint, build: (t: Taint, span: (n: Node) => { start: number; end: number }) => ReportSpec | null): void;
  state<S>(fn: PyFn, init: () => S): S;
  /** The string literal an identifier was last assigned in the enclosing function or module, or the literal itself. */
  literalOf(n: Node): Node | null;
}

export interface PyMatcher<M extends string = string> {
  meta: RuleMeta<string, M>;
  create(cx: PyRuleContext<M>): PyListeners;
}

export function pyMatcher<M extends string>(meta: RuleMeta<string, M>, create: (cx: PyRuleContext<M>) => PyListeners): PyMatcher<M> {
  return { meta, create };
}

// ---- syntax helpers (shared with the matchers)

export const field = (n: Node, name: string): Node | null => n.childForFieldName(name);
export const named = (n: Node): Node[] => n.namedChildren;

export function calleeName(call: Node): string {
  const f = field(call, 'function');
  if (!f) return '';
  if (f.type === 'identifier') return f.text;
  if (f.type === 'attribute') return field(f, 'attribute')?.text ?? '';
  return '';
}

export function receiver(call: Node): Node | null {
  const f = field(call, 'function');
  return f && f.type === 'attribute' ? field(f, 'object') : null;
}

export function positionalArgs(call: Node): Node[] {
  const a = field(call, 'arguments');
  if (!a || a.type !== 'argument_list') return a ? [a] : [];
  return named(a).filter((c) => c.type !== 'keyword_argument' && c.type !== 'comment');
}

export function kwarg(call: Node, name: string): Node | null {
  const a = field(call, 'arguments');
  if (!a) return null;
  for (const c of named(a)) if (c.type === 'keyword_argument' && field(c, 'name')?.text === name) return field(c, 'value');
  return null;
}

export function stringValue(n: Node | null): string | null {
  if (!n || n.type !== 'string') return null;
  const parts = named(n);
  if (parts.some((c) => c.type === 'interpolation')) return null;
  return parts.filter((c) => c.type === 'string_content' || c.type === 'escape_sequence').map((c) => c.type === 'escape_sequence' ? unescape(c.text) : c.text).join('');
}

function unescape(s: string): string {
  return ({ '\\n': '\n', '\\t': '\t', "\\'": "'", '\\"': '"', '\\\\': '\\' } as Record<string, string>)[s] ?? s;
}

export function identifiersIn(n: Node): string[] {
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

export function isRequestObject(n: Node): boolean {
  if (n.type === 'identifier') return n.text === 'request' || n.text === 'req';
  if (n.type === 'attribute') return n.text.replace(/\s+/g, '') === 'self.request';
  return false;
}

/** The literal head of an f-string or concatenation ('' when it starts with a value). */
export function headText(n: Node): string {
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

const HTML_ESCAPERS = /(?:^|\.)(?:html\.escape|markupsafe\.escape|escape_for_html|cgi\.escape|conditional_escape|escape_html|bleach\.clean)$|^escape$/;

// ---- containers: lists, dicts and ConfigParser objects indexed by constants

type Container = { kind: 'list'; items: (Taint | undefined)[] } | { kind: 'dict'; keys: Map<string, Taint | undefined> };

// ---- constants, for conditions that decide a branch (if 7 * 42 - num > 200)

type Const = number | string | boolean | null;

type EventName = keyof PyListeners;

export function newPyFile(path: string, text: string, root: Node, project?: ProjectFacts, module?: (dotted: string) => ModuleSummary | undefined): PyFile {
  const imports = new Set<string>();
  const importedFrom = new Map<string, string>();
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!n) continue;
    if (n.type === 'import_from_statement') {
      const m = n.childForFieldName('module_name');
      if (m) imports.add(m.text);
      if (m) for (const c of n.childrenForFieldName('name')) if (c) importedFrom.set(c.type === 'aliased_import' ? c.childForFieldName('alias')?.text ?? '' : c.text, m.text);
    } else {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'dotted_name') imports.add(c.text);
        else if (c.type === 'aliased_import') imports.add(c.childForFieldName('name')?.text ?? '');
      }
    }
  }
  const has = (re: RegExp): boolean => [...imports].some((m) => re.test(m));
  return {
    path, text, imports, project, importedFrom, module,
    isTest: isTestPath(path),
    isMigration: /(?:^|\/)(?:migrations|alembic|versions)\//i.test(path),
    isArchive: has(/^(?:zipfile|tarfile)$/),
    isDjango: has(/^django/),
    usesDefusedXml: has(/^defusedxml/),
    usesRandom: imports.has('random'),
    placeholder: has(/^sqlite3$|^aiosqlite$/) ? 'qmark' : has(/^(?:psycopg2?|pymysql|MySQLdb|mysql\.connector|asyncpg)/) ? (has(/^asyncpg/) ? 'dollar' : 'pyformat') : null,
  };
}

export function walkPython(root: Node, file: PyFile, matchers: readonly PyMatcher[], extra: readonly PyListeners[] = []): Reporter {
  return new PyWalk(root, file, matchers, extra).run();
}

class PyWalk {
  readonly reporter: Reporter;
  private readonly byEvent = new Map<EventName, { meta: RuleMeta; listeners: PyListeners }[]>();
  private scope = new Scope(undefined);
  private fn: PyFn;
  private readonly states = new Map<RuleMeta, WeakMap<PyFn, unknown>>();
  private readonly containers = new WeakMap<Scope, Map<string, Container>>();
  private readonly consts = new WeakMap<Scope, Map<string, Const>>();
  private readonly locals = new Map<string, Node>();
  private readonly returnSummaries = new Map<number, { mask: number; taint?: Taint } | 'pending'>();
  private silent = 0;
  /** Inside a while loop (for loops count in fn.loopDepth): values change between iterations, so no folding. */
  private whileDepth = 0;
  private returns: (Taint | undefined)[] = [];
  private lastReturns: (Taint | undefined)[] = [];
  private readonly cache = new Map<number, Taint | undefined>();
  /** Variables holding an instance of a workspace class that wraps the request (wrapped = request_wrapper(request)). */
  private readonly wrappers = new WeakMap<Scope, Map<string, { cls: ClassSummary; arg: number }>>();

  constructor(private readonly root: Node, readonly file: PyFile, matchers: readonly PyMatcher[], extra: readonly PyListeners[]) {
    this.reporter = new Reporter(file.text);
    this.fn = { node: null, key: '', name: '', scope: this.scope, handler: false, loopDepth: 0, guardText: '' };
    const bind = (meta: RuleMeta, listeners: PyListeners): void => {
      for (const ev of Object.keys(listeners) as EventName[]) {
        const list = this.byEvent.get(ev) ?? [];
        list.push({ meta, listeners });
        this.byEvent.set(ev, list);
      }
    };
    for (const m of matchers) {
      let listeners: PyListeners = {};
      this.reporter.guard(m.meta, () => {
        listeners = m.create(this.context(m.meta));
      });
      bind(m.meta, listeners);
    }
    const internal: RuleMeta = { id: 'migrations', title: '', severity: 'info', category: 'migration', cwe: null, languages: [], description: '', tier: 'hint', messages: {} };
    for (const l of extra) bind(internal, l);
    for (const n of root.descendantsOfType('function_definition')) {
      const name = n && field(n, 'name')?.text;
      if (n && name && !this.locals.has(name)) this.locals.set(name, n);
    }
  }

  run(): Reporter {
    this.emit('enterFunction', (l) => l.enterFunction?.(this.fn));
    this.walk(this.root);
    this.emit('exitFunction', (l) => l.exitFunction?.(this.fn));
    this.emit('endFile', (l) => l.endFile?.());
    this.reporter.resolve();
    return this.reporter;
  }

  private emit(ev: EventName, call: (l: PyListeners) => void): void {
    if (this.silent) return;
    const list = this.byEvent.get(ev);
    if (!list) return;
    this.cache.clear();
    this.reporter.dispatch(list, call);
  }

  private context(meta: RuleMeta): PyRuleContext {
    const span = (n: Node): { start: number; end: number } => ({ start: n.startIndex, end: n.endIndex });
    const cx: Omit<PyRuleContext, 'scope' | 'fn'> = {
      file: this.file,
      taintOf: (n) => {
        if (!n) return undefined;
        if (this.cache.has(n.id)) return this.cache.get(n.id);
        const v = this.taintOf(n);
        this.cache.set(n.id, v);
        return v;
      },
      isChecked: (n, taint, kinds) => this.scope.covers(n.text.replace(/\s+/g, ''), identifiersIn(n), taint, kinds),
      report: (node, messageId, data, extra) => this.reporter.report(meta, { ...span(node), messageId, data, ...extra }),
      sink: (taint, build) => this.reporter.sink(meta, taint, ((tt) => build(tt, span)) as SinkBuilder),
      state: <S>(fn: PyFn, init: () => S): S => {
        let m = this.states.get(meta);
        if (!m) this.states.set(meta, (m = new WeakMap()));
        let s = m.get(fn) as S | undefined;
        if (s === undefined) m.set(fn, (s = init()));
        return s;
      },
      literalOf: (n) => literalOf(n),
    };
    // The scope and function at the current event, read when a listener asks.
    Object.defineProperties(cx, { scope: { get: () => this.scope }, fn: { get: () => this.fn } });
    return cx as PyRuleContext;
  }

  // ---- containers and constants

  private container(name: string): Container | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const m = this.containers.get(s);
      if (m?.has(name)) return m.get(name);
      if (s.vars.has(name)) return undefined;
    }
    return undefined;
  }

  private setContainer(name: string, c: Container | undefined): void {
    let m = this.containers.get(this.scope);
    if (!m) this.containers.set(this.scope, (m = new Map()));
    if (c) m.set(name, c);
    else m.delete(name);
  }

  private containerTaint(c: Container): Taint | undefined {
    let acc: Taint | undefined;
    for (const v of c.kind === 'list' ? c.items : c.keys.values()) acc = union(acc, v);
    return acc;
  }

  private constOf(n: Node | null): Const | undefined {
    if (!n) return undefined;
    switch (n.type) {
      case 'integer':
        return Number(n.text.replace(/_/g, ''));
      case 'float':
        return Number(n.text);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'none':
        return null;
      case 'string':
        return stringValue(n) ?? undefined;
      case 'parenthesized_expression':
        return this.constOf(named(n)[0] ?? null);
      case 'subscript': {
        // possible = "ABC"; guess = possible[1]
        const v = this.constOf(field(n, 'value'));
        const i = this.constOf(field(n, 'subscript'));
        if (typeof v === 'string' && typeof i === 'number') return v[i < 0 ? v.length + i : i];
        return undefined;
      }
      case 'identifier':
        if (this.fn.loopDepth > 0 || this.whileDepth > 0) return undefined;
        for (let s: Scope | undefined = this.scope; s; s = s.parent) {
          const m = this.consts.get(s);
          if (m?.has(n.text)) return m.get(n.text);
          if (s.vars.has(n.text)) return undefined;
        }
        return undefined;
      case 'unary_operator': {
        const v = this.constOf(field(n, 'argument'));
        return typeof v === 'number' && n.text.trim().startsWith('-') ? -v : undefined;
      }
      case 'not_operator': {
        const v = this.constOf(field(n, 'argument'));
        return v === undefined ? undefined : !v;
      }
      case 'binary_operator': {
        const l = this.constOf(field(n, 'left'));
        const r = this.constOf(field(n, 'right'));
        const op = field(n, 'operator')?.type ?? n.children.find((c) => c && !c.isNamed)?.type;
        if (typeof l === 'number' && typeof r === 'number') {
          switch (op) {
            case '+': return l + r;
            case '-': return l - r;
            case '*': return l * r;
            case '//': return r ? Math.floor(l / r) : undefined;
            case '/': return r ? l / r : undefined;
            case '%': return r ? l % r : undefined;
          }
        }
        if (typeof l === 'string' && typeof r === 'string' && op === '+') return l + r;
        return undefined;
      }
      case 'comparison_operator': {
        const parts = named(n);
        const ops = n.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
        if (parts.length !== 2 || ops.length !== 1) return undefined;
        const l = this.constOf(parts[0]);
        const r = this.constOf(parts[1]);
        if (l === undefined || r === undefined) return undefined;
        switch (ops[0]) {
          case '>': return (l as number) > (r as number);
          case '<': return (l as number) < (r as number);
          case '>=': return (l as number) >= (r as number);
          case '<=': return (l as number) <= (r as number);
          case '==': return l === r;
          case '!=': return l !== r;
          case 'in': return typeof l === 'string' && typeof r === 'string' ? r.includes(l) : undefined;
          case 'not in': return typeof l === 'string' && typeof r === 'string' ? !r.includes(l) : undefined;
        }
        return undefined;
      }
      case 'boolean_operator': {
        const l = this.constOf(field(n, 'left'));
        const r = this.constOf(field(n, 'right'));
        if (l === undefined || r === undefined) return undefined;
        return n.children.some((c) => c?.type === 'and') ? !!l && !!r : !!l || !!r;
      }
      default:
        return undefined;
    }
  }

  private setConst(name: string, v: Const | undefined): void {
    let m = this.consts.get(this.scope);
    if (!m) this.consts.set(this.scope, (m = new Map()));
    if (v === undefined) m.delete(name);
    else m.set(name, v);
  }

  // ---- taint

  taintOf(n: Node | null): Taint | undefined {
    if (!n) return undefined;
    switch (n.type) {
      case 'identifier':
        return this.scope.lookup(n.text);
      case 'parenthesized_expression':
      case 'await':
      case 'expression_statement':
        return this.taintOf(named(n)[0] ?? null);
      case 'attribute': {
        const obj = field(n, 'object');
        const attr = field(n, 'attribute')?.text ?? '';
        if (obj && isRequestObject(obj) && REQUEST_ATTRS[attr]) {
          // A route without <variables>: request.path is always the route's own path.
          if ((attr === 'path' || attr === 'full_path' || attr === 'path_info') && this.fn.fixedPath) return undefined;
          const [raw, whole] = REQUEST_ATTRS[attr];
          return source('request', n.text, n.startIndex, n.endIndex, { raw, whole, self: SELF_LOCATION_ATTRS.has(attr) || undefined });
        }
        // self.kwargs['pk'] in class-based views: the URL kwargs
        if (obj && obj.text === 'self' && attr === 'kwargs') return source('request', n.text, n.startIndex, n.endIndex);
        const base = this.taintOf(obj);
        // Django's UploadedFile.name is reduced to a base name by the multipart parser.
        if (base && attr === 'name' && this.file.isDjango && /\bFILES\b/.test(base.source)) return undefined;
        return base && { ...base, source: base.origin === 'request' && !base.built ? n.text : base.source, whole: false, normalized: false,
          self: base.self && /^(?:path|full_path)$/.test(attr) ? true : undefined };
      }
      case 'subscript': {
        const value = field(n, 'value');
        if (value?.type === 'identifier') {
          const c = this.container(value.text);
          const idx = this.constOf(field(n, 'subscript'));
          if (c && idx !== undefined) {
            if (c.kind === 'list' && typeof idx === 'number') return c.items[idx < 0 ? c.items.length + idx : idx];
            if (c.kind === 'dict' && typeof idx === 'string') return c.keys.has(idx) ? c.keys.get(idx) : this.containerTaint(c);
          }
        }
        const base = this.taintOf(value);
        return base && { ...base, source: base.origin === 'request' && !base.built ? n.text : base.source, whole: false, normalized: false, built: false };
      }
      case 'call':
        return this.callTaint(n);
      case 'string': {
        const parts: (Taint | undefined)[] = [];
        let head = '';
        for (const c of named(n)) {
          if (c.type === 'interpolation') parts.push(this.taintOf(field(c, 'expression') ?? named(c)[0] ?? null));
          else if (c.type === 'string_content' && parts.length === 0) head += c.text;
        }
        if (!parts.some(Boolean)) return undefined;
        return concat(parts, head);
      }
      case 'concatenated_string': {
        let acc: Taint | undefined;
        for (const c of named(n)) acc = union(acc, this.taintOf(c));
        return acc;
      }
      case 'binary_operator': {
        const op = n.children.find((c) => c && !c.isNamed)?.type;
        // pathlib: root / name joins paths.
        if (op === '/') {
          const acc = union(this.taintOf(field(n, 'left')), this.taintOf(field(n, 'right')));
          return acc && { ...acc, raw: false, whole: false, built: true, normalized: false };
        }
        const left = field(n, 'left');
        if (op === '+') {
          const lit = left?.type === 'string' ? stringValue(left) : null;
          return lit !== null ? concat([this.taintOf(field(n, 'right'))], lit) : concat([this.taintOf(left), this.taintOf(field(n, 'right'))]);
        }
        if (op === '%') {
          // "https://%s/x" % host: the format's literal start decides, then the values.
          const lit = left?.type === 'string' ? stringValue(left) : null;
          return lit !== null ? concat([this.taintOf(field(n, 'right'))], lit.split('%')[0]) : concat([this.taintOf(left), this.taintOf(field(n, 'right'))]);
        }
        return undefined;
      }
      case 'boolean_operator':
        // `a and b` is b when a is truthy (and a falsy a carries nothing); `a or b` is either.
        if (n.children.some((c) => c?.type === 'and')) return this.taintOf(field(n, 'right'));
        return union(this.taintOf(field(n, 'left')), this.taintOf(field(n, 'right')));
      case 'conditional_expression': {
        const parts = named(n);
        const cond = this.constOf(parts[1] ?? null);
        if (cond === true || (cond !== undefined && cond !== false && cond !== null && cond !== 0 && cond !== '')) return this.taintOf(parts[0] ?? null);
        if (cond !== undefined) return this.taintOf(parts[2] ?? null);
        return union(this.taintOf(parts[0] ?? null), this.taintOf(parts[2] ?? null));
      }
      case 'dictionary': {
        let acc: Taint | undefined;
        let whole = false;
        for (const c of named(n)) {
          if (c.type === 'pair') acc = union(acc, this.taintOf(field(c, 'value')));
          else if (c.type === 'dictionary_splat') {
            const s = this.taintOf(named(c)[0] ?? null);
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
        for (const c of named(n)) acc = union(acc, this.taintOf(c));
        return acc && { ...acc, raw: true, whole: false };
      }
      default:
        return undefined;
    }
  }

  private callTaint(n: Node): Taint | undefined {
    const name = calleeName(n);
    const recv = receiver(n);
    const a = positionalArgs(n);
    if (recv && isRequestObject(recv) && REQUEST_METHODS[name]) {
      const [raw, whole] = REQUEST_METHODS[name];
      return source('request', n.text, n.startIndex, n.endIndex, { raw, whole, self: SELF_LOCATION_ATTRS.has(name) || undefined });
    }
    const fnText = field(n, 'function')?.text.replace(/\s+/g, '') ?? '';
    // HTML escapers make HTML safe, not paths, commands, URLs or code: the value stays tainted, marked escaped.
    if (HTML_ESCAPERS.test(fnText)) {
      const t = a[0] ? this.taintOf(a[0]) : undefined;
      return t && { ...t, html: true };
    }
    if (SANITIZERS.has(name)) return undefined;
    const recvText = recv?.text ?? '';
    // ConfigParser / dict .get with a constant key on a tracked container.
    if (recv?.type === 'identifier' && (name === 'get' || name === 'pop') && a.length) {
      const c = this.container(recv.text);
      if (c?.kind === 'dict') {
        const key = this.constOf(a[a.length === 1 || name === 'pop' ? 0 : 1]);
        if (typeof key === 'string') return c.keys.has(key) ? c.keys.get(key) : undefined;
      }
      if (c?.kind === 'list' && name === 'pop') return c.items[c.items.length - 1];
    }
    if (!recv && this.locals.has(name)) {
      const local = this.localCall(n, name);
      if (local !== null) return local;
    }
    // wrapped.get_form_parameter('x') on an instance of an imported class that returns self.request.form.get(…).
    if (recv?.type === 'identifier') {
      const w = this.wrapperOf(recv.text);
      if (w && w.cls.requestMethods.get(name) === w.arg) return source('request', n.text, n.startIndex, n.endIndex);
    }
    if (name === 'loads' && /^(?:json|ujson|orjson|simplejson)$/.test(recvText)) {
      const t = this.taintOf(a[0] ?? null);
      return t && { ...t, raw: true, whole: true, built: false };
    }
    if (name === 'format' && recv?.type === 'string') {
      let acc: Taint | undefined;
      for (const x of a) acc = union(acc, this.taintOf(x));
      const kw = field(n, 'arguments');
      if (kw) for (const c of named(kw)) if (c.type === 'keyword_argument') acc = union(acc, this.taintOf(field(c, 'value')));
      return acc && { ...acc, raw: false, whole: false, built: true, normalized: false };
    }
    if (name === 'join' && recv?.type === 'string') {
      const t = this.taintOf(a[0] ?? null);
      return t && { ...t, raw: false, whole: false, built: true };
    }
    // os.path.join / Path(...) / urljoin / text(...) / str(...) pass values through.
    if (PASS_THROUGH.test(name)) {
      let acc: Taint | undefined;
      for (const x of a) acc = union(acc, this.taintOf(x));
      if (recv) acc = union(acc, this.taintOf(recv));
      if (!acc) return undefined;
      const normalized = NORMALIZERS.has(name);
      return { ...acc, raw: name === 'dict' || name === 'list' ? acc.raw : false, whole: name === 'dict' ? acc.whole : false,
        built: acc.built || name === 'join' || name === 'joinpath', normalized: normalized || (acc.normalized && name !== 'join'), self: acc.self && name !== 'join' ? true : undefined };
    }
    if (recv) {
      if (/^(?:startswith|endswith|isdigit|isnumeric|isalnum|isalpha|__contains__|count|find|index)$/.test(name)) return undefined;
      const t = this.taintOf(recv);
      if (t) {
        const keepsRaw = name === 'get' || name === 'getlist' || name === 'pop' || name === 'copy' || name === 'items' || name === 'values';
        return { ...t, source: t.origin === 'request' && !t.built && (name === 'get' || name === 'getlist') ? n.text : t.source, raw: keepsRaw ? t.raw : false,
          whole: name === 'copy' || name === 'dict' || name === 'to_dict' ? t.whole : false,
          built: t.built || name === 'format', normalized: NORMALIZERS.has(name) || false, self: t.self && name === 'get_full_path' ? true : undefined };
      }
    }
    return undefined;
  }

  /** The taint a call of a module-level function of this file returns; null when it is not one. */
  private localCall(call: Node, name: string): Taint | undefined | null {
    const decl = this.locals.get(name);
    if (!decl) return null;
    const s = this.returnSummary(decl);
    if (!s) return undefined;
    if (!s.mask) return s.taint && step(s.taint, call.startIndex, call.endIndex, `returned by ${name}()`);
    let out: Taint | undefined;
    positionalArgs(call).forEach((a, i) => {
      if (i < 31 && s.mask & (1 << i)) out = union(out, this.taintOf(a));
    });
    return out && step({ ...out, built: true, raw: false, whole: false }, call.startIndex, call.endIndex, `through ${name}()`);
  }

  private returnSummary(decl: Node): { mask: number; taint?: Taint } | undefined {
    const known = this.returnSummaries.get(decl.id);
    if (known === 'pending') return undefined;
    if (known) return known;
    this.returnSummaries.set(decl.id, 'pending');
    const savedScope = this.scope;
    const savedFn = this.fn;
    this.silent++;
    this.scope = new Scope(undefined);
    try {
      this.analyzeFunction(decl, []);
    } finally {
      this.silent--;
      this.scope = savedScope;
      this.fn = savedFn;
    }
    let mask = 0;
    let request: Taint | undefined;
    for (const r of this.lastReturns) {
      if (!r) continue;
      if (r.origin === 'param') mask |= r.params ?? 0;
      else request ??= r;
    }
    const s = { mask, taint: request };
    this.returnSummaries.set(decl.id, s);
    return s;
  }

  // ---- bindings

  private bindTarget(target: Node, t: Taint | undefined): void {
    const sc = this.scope;
    if (target.type === 'identifier') {
      sc.vars.set(target.text, t ?? null);
      this.setContainer(target.text, undefined);
    } else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern' || target.type === 'expression_list') {
      for (const c of named(target)) this.bindTarget(c, t && { ...t, whole: false });
    } else if (target.type === 'attribute' || target.type === 'subscript') {
      const base = field(target, target.type === 'attribute' ? 'object' : 'value');
      if (!base || base.type !== 'identifier' || base.text === 'self') return;
      const c = target.type === 'subscript' ? this.container(base.text) : undefined;
      const key = target.type === 'subscript' ? this.constOf(field(target, 'subscript')) : undefined;
      if (c?.kind === 'dict' && typeof key === 'string') {
        c.keys.set(key, t);
        sc.vars.set(base.text, this.containerTaint(c) ?? null);
        return;
      }
      if (c?.kind === 'list' && typeof key === 'number') {
        c.items[key < 0 ? c.items.length + key : key] = t;
        sc.vars.set(base.text, this.containerTaint(c) ?? null);
        return;
      }
      if (t) {
        // query['name'] = request.args['name']: the dict now carries request data.
        const prev = sc.lookup(base.text);
        sc.vars.set(base.text, { ...t, raw: true, whole: prev?.whole ?? false, built: prev?.built ?? false });
      }
    }
  }

  private wrapperOf(name: string): { cls: ClassSummary; arg: number } | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const w = this.wrappers.get(s)?.get(name);
      if (w) return w;
      if (s.vars.has(name)) return undefined;
    }
    return undefined;
  }

  /** wrapped = helpers.separate_request.request_wrapper(request): remember the instance when its class is summarised. */
  private recordWrapper(name: string, value: Node): void {
    if (value.type !== 'call' || !this.file.module) return;
    const args = positionalArgs(value);
    const arg = args.findIndex((a) => isRequestObject(a));
    if (arg < 0) return;
    const fnText = field(value, 'function')?.text.replace(/\s+/g, '') ?? '';
    const dot = fnText.lastIndexOf('.');
    const cls = dot < 0 ? fnText : fnText.slice(dot + 1);
    const mod = dot < 0 ? this.file.importedFrom.get(fnText) : fnText.slice(0, dot);
    const summary = mod ? this.file.module(mod)?.classes.get(cls) : undefined;
    if (!summary?.requestMethods.size) return;
    let m = this.wrappers.get(this.scope);
    if (!m) this.wrappers.set(this.scope, (m = new Map()));
    m.set(name, { cls: summary, arg });
  }

  /** Container bookkeeping for x.append(v), x.pop(0), conf.set('s', 'k', v), conf.add_section(…). */
  private containerCall(call: Node): void {
    const recv = receiver(call);
    if (!recv || recv.type !== 'identifier') return;
    const name = calleeName(call);
    const a = positionalArgs(call);
    const c = this.container(recv.text);
    if (c?.kind === 'list') {
      if (name === 'append' && a[0]) c.items.push(this.taintOf(a[0]));
      else if (name === 'insert' && a[1]) {
        const i = this.constOf(a[0]);
        if (typeof i === 'number') c.items.splice(i, 0, this.taintOf(a[1]));
        else c.items.push(this.taintOf(a[1]));
      } else if (name === 'pop') {
        const i = a[0] ? this.constOf(a[0]) : -1;
        if (typeof i === 'number') c.items.splice(i < 0 ? c.items.length + i : i, 1);
      } else if (name === 'extend' && a[0]) c.items.push(this.taintOf(a[0]));
      else if (name === 'reverse') c.items.reverse();
      else if (name === 'clear') c.items.length = 0;
      else return;
      this.scope.vars.set(recv.text, this.containerTaint(c) ?? null);
      return;
    }
    if (c?.kind === 'dict') {
      if (name === 'set' && a.length >= 3) { // ConfigParser.set(section, key, value)
        const key = this.constOf(a[1]);
        if (typeof key === 'string') c.keys.set(key, this.taintOf(a[2]));
      } else if (name === 'update' && a[0]) c.keys.set('\0any', this.taintOf(a[0]));
      else if (name === 'setdefault' && a[1]) {
        const key = this.constOf(a[0]);
        if (typeof key === 'string' && !c.keys.has(key)) c.keys.set(key, this.taintOf(a[1]));
      } else return;
      this.scope.vars.set(recv.text, this.containerTaint(c) ?? null);
      return;
    }
    // Not a tracked container: x.append(request data) taints x.
    if (/^(?:append|extend|insert|add|update|appendleft)$/.test(name)) {
      const t = a.map((x) => this.taintOf(x)).reduce<Taint | undefined>((acc, x) => union(acc, x), undefined);
      if (t) this.scope.vars.set(recv.text, union(this.scope.lookup(recv.text), { ...t, built: true }) ?? null);
    }
  }

  // ---- the walk

  private walk(n: Node): void {
    switch (n.type) {
      case 'decorated_definition': {
        const def = field(n, 'definition');
        const decos = named(n).filter((c) => c.type === 'decorator');
        if (def?.type === 'function_definition') this.analyzeFunction(def, decos);
        else if (def) this.walkClass(def, decos);
        return;
      }
      case 'function_definition':
        this.analyzeFunction(n, []);
        return;
      case 'class_definition':
        this.walkClass(n, []);
        return;
      case 'lambda':
        return;
      case 'if_statement': {
        const cond = this.constOf(field(n, 'condition'));
        const cons = field(n, 'consequence');
        const alts = n.childrenForFieldName('alternative').filter((x): x is Node => !!x);
        if (cond !== undefined) {
          // A constant condition (if 7 * 42 - num > 200): only the branch that runs is walked.
          if (cond) {
            if (cons) this.walk(cons);
          } else for (const alt of alts) {
            if (alt.type === 'else_clause') this.walk(alt);
            else if (alt.type === 'elif_clause') {
              const ec = this.constOf(field(alt, 'condition'));
              if (ec === undefined || ec) {
                this.walk(alt);
                if (ec) break;
              }
            }
          }
          return;
        }
        // Either branch may run: a variable holds what any branch left in it (a `param = ""` default does not clean it),
        // and a name given a constant in one of them is no longer a known constant after the if.
        const before = new Map(this.consts.get(this.scope) ?? []);
        const condition = field(n, 'condition');
        if (condition) this.walk(condition);
        this.walkBranches([cons, ...alts].filter((x): x is Node => !!x), alts.some((a) => a.type === 'else_clause'));
        const after = this.consts.get(this.scope);
        if (after) for (const [k, v] of after) if (before.get(k) !== v) after.delete(k);
        return;
      }
      case 'match_statement': {
        const subject = field(n, 'subject');
        if (subject) this.walk(subject);
        const value = this.constOf(subject);
        const body = field(n, 'body');
        const cases = body ? named(body).filter((c) => c.type === 'case_clause') : [];
        if (value !== undefined) {
          // match on a constant: only the first case whose pattern matches runs.
          const chosen = cases.find((c) => {
            const pats = named(c).filter((x) => x.type === 'case_pattern');
            return pats.some((p) => p.text.trim() === '_' || p.text.split('|').map((x) => this.constOf(named(p)[0] ?? null) ?? x.trim().replace(/^['"]|['"]$/g, '')).some((x) => x === value));
          });
          if (chosen) {
            this.walk(chosen);
            return;
          }
        }
        this.walkBranches(cases, cases.some((c) => named(c).some((x) => x.type === 'case_pattern' && x.text.trim() === '_')));
        return;
      }
      case 'while_statement': {
        this.whileDepth++;
        try {
          for (const c of named(n)) this.walk(c);
        } finally {
          this.whileDepth--;
        }
        return;
      }
      case 'try_statement': {
        const before = new Map(this.consts.get(this.scope) ?? []);
        for (const c of named(n)) this.walk(c);
        const after = this.consts.get(this.scope);
        if (after) for (const [k, v] of after) if (before.get(k) !== v) after.delete(k);
        return;
      }
      case 'assignment': {
        const right = field(n, 'right');
        const left = field(n, 'left');
        if (right) this.walk(right);
        if (left && right) {
          let t = this.taintOf(right);
          if (t) t = step(t, n.startIndex, n.endIndex, `assigned to ${left.text}`);
          this.bindTarget(left, t);
          if (left.type === 'identifier') {
            if (t) this.inheritChecks(left.text, right);
            this.recordDerived(left.text, right);
            this.recordWrapper(left.text, right);
            this.setConst(left.text, this.constOf(right));
            if (right.type === 'list' || right.type === 'tuple') this.setContainer(left.text, { kind: 'list', items: named(right).map((c) => this.taintOf(c)) });
            else if (right.type === 'dictionary' && named(right).every((c) => c.type === 'pair' && stringValue(field(c, 'key')) !== null)) {
              this.setContainer(left.text, { kind: 'dict', keys: new Map(named(right).map((c) => [stringValue(field(c, 'key'))!, this.taintOf(field(c, 'value'))])) });
            } else if (right.type === 'call' && /(?:^|\.)(?:ConfigParser|RawConfigParser|SafeConfigParser|dict|OrderedDict|defaultdict)$/.test(field(right, 'function')?.text ?? '') && !positionalArgs(right).length) {
              this.setContainer(left.text, { kind: 'dict', keys: new Map() });
            } else if (right.type === 'call' && /^list$/.test(field(right, 'function')?.text ?? '') && !positionalArgs(right).length) {
              this.setContainer(left.text, { kind: 'list', items: [] });
            }
          }
          this.emit('assignment', (l) => l.assignment?.(left, right));
        }
        return;
      }
      case 'augmented_assignment': {
        const right = field(n, 'right');
        const left = field(n, 'left');
        if (right) this.walk(right);
        const t = this.taintOf(right);
        if (left?.type === 'identifier') {
          if (t) this.scope.vars.set(left.text, step({ ...union(this.scope.lookup(left.text), t)!, built: true, raw: false, whole: false }, n.startIndex, n.endIndex, `appended to ${left.text}`));
          const prev = this.constOf(left);
          const add = this.constOf(right);
          this.setConst(left.text, typeof prev === 'string' && typeof add === 'string' ? prev + add : typeof prev === 'number' && typeof add === 'number' ? prev + add : undefined);
        }
        return;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const right = field(n, 'right');
        const left = field(n, 'left');
        if (right) this.walk(right);
        let t = this.taintOf(right);
        if (this.file.isArchive && right && ARCHIVE_ITER.test(right.text)) t = source('archive', `members of ${right.text}`, right.startIndex, right.endIndex);
        if (left) this.bindTarget(left, t);
        if (n.type === 'for_in_clause') return;
        const constant = right && (right.type === 'list' || right.type === 'tuple' || right.type === 'dictionary' || right.type === 'set' ||
          (right.type === 'identifier' && /^[A-Z][A-Z0-9_]+$/.test(right.text)));
        if (!constant) this.fn.loopDepth++;
        const body = field(n, 'body');
        if (body) this.walk(body);
        if (!constant) this.fn.loopDepth--;
        const alt = field(n, 'alternative');
        if (alt) this.walk(alt);
        return;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension': {
        // The for clauses bind first, then the body runs once per element.
        for (const c of named(n)) if (c.type === 'for_in_clause' || c.type === 'if_clause') this.walk(c);
        this.fn.loopDepth++;
        const body = field(n, 'body');
        if (body) this.walk(body);
        this.fn.loopDepth--;
        return;
      }
      case 'call': {
        for (const c of named(n)) this.walk(c);
        this.recordChecks(n);
        this.containerCall(n);
        if (this.silent) return;
        const fnNode = field(n, 'function');
        const recv = receiver(n);
        const name = calleeName(n);
        if (!recv && this.locals.has(name)) {
          const args = positionalArgs(n).map((x) => this.taintOf(x));
          if (args.some(Boolean)) this.reporter.call(name, args, n.startIndex, n.endIndex);
        }
        const ev: PyCall = { node: n, name, recv, recvText: recv?.text.replace(/\s+/g, '') ?? '', fnText: fnNode?.text.replace(/\s+/g, '') ?? '',
          args: positionalArgs(n), kwarg: (k) => kwarg(n, k) };
        this.emit('call', (l) => l.call?.(ev));
        return;
      }
      case 'return_statement': {
        const value = named(n)[0];
        if (value) {
          this.walk(value);
          this.returns.push(this.taintOf(value));
          this.emit('return', (l) => l.return?.(value));
        }
        return;
      }
      case 'comparison_operator':
        this.recordComparison(n);
        this.emit('comparison', (l) => l.comparison?.(n));
        break;
      case 'raise_statement':
        this.emit('raise', (l) => l.raise?.(n));
        break;
      case 'keyword_argument': {
        const name = field(n, 'name');
        const value = field(n, 'value');
        if (name && value) this.emit('keyword', (l) => l.keyword?.(name.text, value, n));
        break;
      }
      case 'pair': {
        const key = field(n, 'key');
        const value = field(n, 'value');
        const k = key && key.type === 'string' ? stringValue(key) : null;
        if (k !== null && value) this.emit('pair', (l) => l.pair?.(k, value, n));
        break;
      }
      case 'string':
        this.emit('string', (l) => l.string?.(n));
        for (const c of named(n)) if (c.type === 'interpolation') this.walk(c);
        return;
    }
    for (const c of named(n)) this.walk(c);
  }

  /** Branches that may each run, from the same state; afterwards the variables hold what any of them left. */
  private walkBranches(branches: Node[], exhaustive: boolean): void {
    const before = new Map(this.scope.vars);
    const states: Map<string, Taint | null>[] = exhaustive ? [] : [before];
    for (const b of branches) {
      this.scope.vars.clear();
      for (const [k, v] of before) this.scope.vars.set(k, v);
      this.walk(b);
      states.push(new Map(this.scope.vars));
    }
    mergeBranches(this.scope.vars, states);
  }

  private walkClass(def: Node, decos: Node[]): void {
    const body = field(def, 'body');
    const bases = field(def, 'superclasses')?.text ?? '';
    const statements = body ? named(body).filter((c) => c.type === 'expression_statement').map((c) => c.text).join('\n') : '';
    const cls: PyClass = { node: def, name: field(def, 'name')?.text ?? '', bases, body: statements };
    // Class-level text (permission_classes, decorators, get_queryset) guards every method.
    const guard = decos.map((d) => d.text).join('\n') + '\n' + bases + '\n' + statements +
      (/def\s+get_queryset\s*\(|def\s+get_object\s*\([\s\S]*?(?:request\.user|owner)/.test(def.text) ? '\nget_queryset' : '');
    const saved = this.fn;
    this.fn = { ...saved, guardText: saved.guardText + '\n' + guard, cls, parent: saved };
    try {
      if (body) for (const c of named(body)) this.walk(c);
    } finally {
      this.fn = saved;
    }
  }

  private analyzeFunction(def: Node, decos: Node[]): void {
    const cx = this.file;
    const parentFn = this.fn;
    const sc = new Scope(this.scope);
    const name = field(def, 'name')?.text ?? '';
    const decoText = decos.map((d) => d.text).join('\n');
    const isRoute = /@\s*[\w.]+\.(?:route|get|post|put|patch|delete|api_route|websocket)\s*\(/.test(decoText) || /@api_view|@action\b/.test(decoText);
    const isFastApi = /@\s*[\w.]+\.(?:get|post|put|patch|delete|api_route)\s*\(/.test(decoText);
    const params = field(def, 'parameters');
    const plist = params ? named(params) : [];
    const pname = (p: Node): string => (p.type === 'identifier' ? p.text : field(p, 'name')?.text ?? named(p).find((c) => c.type === 'identifier')?.text ?? '');
    const names = plist.map(pname);
    const requestIdx = names.findIndex((x) => x === 'request');
    const inClass = !!parentFn.cls && !!def.parent && def.parent.type === 'block' && def.parent.parent?.id === parentFn.cls.node.id;
    const djangoView = requestIdx >= 0 && (cx.isDjango || inClass || /rest_framework|django/.test([...cx.imports].join(' ')));
    const viewMethod = inClass && /^(?:get|post|put|patch|delete|retrieve|update|partial_update|destroy|list|create|perform_create|perform_update|perform_destroy)$/.test(name) &&
      /MethodView|View\b|APIView|ViewSet|Resource\b|Mixin\b/.test(parentFn.guardText);
    const handler = isRoute || requestIdx >= 0 || viewMethod;
    const key = !inClass && def.parent?.type !== 'block' ? name : inClass ? '' : name;
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
      // Parameters after `request` are URL kwargs in a function view or a view method, not in other classes' methods (a filter
      // backend's queryset, view), and not objects a helper is handed (model: Book, obj, form).
      const objectParam = /^(?:model|obj|object|instance|form|queryset|qs|user|view|context|response|serializer|data|item|entity|record)$/.test(pn) ||
        (!!typeText && !/^(?:str|int|UUID|uuid\.UUID|Optional\[(?:str|int)\])\b/.test(typeText));
      if ((isRoute || (djangoView && i > requestIdx && (!inClass || viewMethod) && (!objectParam || isRoute)) || (viewMethod && requestIdx < 0)) && !splat) {
        const numeric = /^(?:int|float|bool|UUID|uuid\.UUID|datetime|date)\b/.test(typeText) || new RegExp(`<(?:int|float|uuid):${pn}>`).test(decoText);
        const dictLike = isFastApi && (/^(?:dict|Dict|Any)\b/.test(typeText) || (/Body\s*\(/.test(valueText) && !typeText));
        // A pydantic model parameter: validated, and only the model's fields.
        const schema = isFastApi && /^(?:\w+\.)*[A-Z]\w*$/.test(typeText) && !/^(?:Dict|Any|Optional|List|Union|Request)$/.test(typeText.replace(/^.*\./, ''));
        const src = isFastApi ? `parameter ${pn} of the ${name} endpoint` : `URL parameter ${pn}`;
        // Typed ints still identify a record (IDOR) but cannot carry SQL: keep them for IDOR only.
        sc.vars.set(pn, numeric ? null : { ...source('request', src, p.startIndex, p.endIndex, { raw: dictLike, whole: dictLike || schema }), schema: schema || undefined });
        if (numeric) sc.vars.set(`#id:${pn}`, source('request', src, p.startIndex, p.endIndex));
        continue;
      }
      if (!handler && !splat && !/^(?:int|float|bool)\b/.test(typeText) && !name.startsWith('test')) {
        sc.vars.set(pn, paramTaint(pn, i, p.startIndex, p.endIndex, key));
      } else sc.vars.set(pn, null);
    }
    const routePath = /@\s*[\w.]+\.(?:route|get|post|put|patch|delete)\s*\(\s*(['"])([^'"]*)\1/.exec(decoText)?.[2];
    const info: PyFn = { node: def, key, name, scope: sc, handler, loopDepth: parentFn.loopDepth > 0 ? 1 : 0, guardText: decoText + '\n' + parentFn.guardText,
      cls: inClass ? parentFn.cls : undefined, parent: parentFn, fixedPath: routePath !== undefined && !/[<{]/.test(routePath) };
    const savedScope = this.scope;
    const savedReturns = this.returns;
    this.scope = sc;
    this.fn = info;
    this.returns = [];
    this.emit('enterFunction', (l) => l.enterFunction?.(info));
    const body = field(def, 'body');
    if (body) this.walk(body);
    this.emit('exitFunction', (l) => l.exitFunction?.(info));
    this.lastReturns = this.returns;
    this.returns = savedReturns;
    this.scope = savedScope;
    this.fn = parentFn;
  }

  /** url = urlparse(bar): a check on url (its netloc, scheme) is a check on bar. */
  private readonly derivedFrom = new WeakMap<Scope, Map<string, string[]>>();

  private recordDerived(name: string, value: Node): void {
    if (value.type !== 'call' || !/^(?:urlparse|urlsplit|Path|PurePath|realpath|abspath|normpath|resolve)$/.test(calleeName(value))) return;
    const ids = positionalArgs(value).filter((a) => a.type === 'identifier').map((a) => a.text);
    if (!ids.length) return;
    let m = this.derivedFrom.get(this.scope);
    if (!m) this.derivedFrom.set(this.scope, (m = new Map()));
    m.set(name, ids);
  }

  /** path = os.path.join(root, name) after _validate_filename(name): path is checked too. */
  private inheritChecks(name: string, value: Node): void {
    const text = value.text.replace(/\s+/g, '');
    const ids = identifiersIn(value);
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      for (const [key, kinds] of s.checks) {
        const hit = key.startsWith('=') ? text.includes(key.slice(1)) : ids.includes(key);
        if (hit) for (const k of kinds) this.scope.markChecked(name, k);
      }
    }
  }

  private markChecked(n: Node, kind: CheckKind): void {
    for (const id of identifiersIn(n)) {
      this.scope.markChecked(id, kind);
      for (const src of this.derivedFrom.get(this.scope)?.get(id) ?? []) this.scope.markChecked(src, kind);
    }
    if (n.type !== 'identifier') this.scope.markChecked(`=${n.text.replace(/\s+/g, '')}`, kind);
  }

  private recordComparison(n: Node): void {
    const ops = n.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
    const parts = named(n);
    if (ops.includes('in') || ops.includes('not in')) {
      const [left, right] = parts;
      if (left?.type === 'string' && /\.\./.test(left.text) && right) this.markChecked(right, 'dotdot');
      else if (left && left.type !== 'string') this.markChecked(left, 'allow');
    }
    if (ops.includes('==') || ops.includes('!=')) {
      for (const p of parts) if (/\.(?:hostname|netloc|scheme|host)$/.test(p.text)) this.markChecked(p, 'allow');
    }
  }

  /** Checks that make later uses safe: startswith on a normalized path, commonpath, is_relative_to, validators. */
  private recordChecks(call: Node): void {
    const name = calleeName(call);
    const recv = receiver(call);
    const a = positionalArgs(call);
    if (name === 'startswith' && recv) this.markChecked(recv, 'prefix');
    if ((name === 'is_relative_to' || name === 'relative_to') && recv) this.markChecked(recv, 'allow');
    if (/^(?:commonpath|commonprefix)$/.test(name) || CHECK_FUNCTION.test(name)) for (const x of a) this.markChecked(x, 'allow');
    if (name === 'match' || name === 'fullmatch') for (const x of a.slice(1)) this.markChecked(x, 'allow');
  }
}

/** The string literal an expression is: itself, or what the identifier was last assigned in the enclosing function or module. */
export function literalOf(n: Node): Node | null {
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
