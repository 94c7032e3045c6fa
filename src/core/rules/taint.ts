/**
 * The taint model shared by the language walks: what a value carries (request data, an archive
 * entry name, a parameter of unknown origin), the path it took to get here (for findings that say
 * which source and which steps they followed), and the per-function scopes that track it, with the
 * checks (containment, allow-lists) seen so far.
 */

export type Origin = 'request' | 'archive' | 'param';

/** One step of the data's path: a character range of the file and what happened there. */
export interface Step {
  start: number;
  end: number;
  note: string;
}

export interface Taint {
  origin: Origin;
  /** The source as written, for explanations: "req.query.id", "@Body() dto", "parameter email". */
  source: string;
  /** May be a non-string (object/array) as parsed from JSON or a query string: matters for NoSQL filters. */
  raw: boolean;
  /** The whole request body (or a shallow copy of it): matters for mass assignment. */
  whole: boolean;
  /** Built by concatenation, interpolation or formatting. */
  built: boolean;
  /** Produced by path resolution/normalisation: a prefix check on it is a real containment check. */
  normalized: boolean;
  /** For origin 'param': which parameters of the enclosing function (bit i = parameter i) it comes from. */
  params?: number;
  /** For origin 'param': the summary key of the function those parameters belong to. */
  paramOf?: string;
  /**
   * false: the value is built with an untainted first part (a base URL, reverse('x') + '?next=', `${BASE}/p/${id}`),
   * so the data cannot decide where a URL built from it points. Undefined: it may.
   */
  lead?: boolean;
  /** HTML-escaped (html.escape, markupsafe.escape): quotes and angle brackets are entities, "../", ";" and "//" are not. */
  html?: boolean;
  /** Parsed and validated by a declared schema (a pydantic model, a Nest DTO): only the schema's fields. */
  schema?: boolean;
  /** The request's own path or URL (request.path, get_full_path(), ctx.path): redirecting to it stays on this site. */
  self?: boolean;
  /** Where the source was read, and the assignments and calls it went through (at most MAX_STEPS). */
  steps?: readonly Step[];
}

export type CheckKind = 'prefix' | 'dotdot' | 'allow';

const RANK: Record<Origin, number> = { request: 3, archive: 2, param: 1 };
const MAX_STEPS = 6;

/** The taint of a value built from two others: the strongest origin, every property of either. */
export function union(a: Taint | undefined, b: Taint | undefined): Taint | undefined {
  if (!a) return b;
  if (!b) return a;
  const strong = RANK[b.origin] > RANK[a.origin] ? b : a;
  const params = (a.params ?? 0) | (b.params ?? 0);
  return { ...strong, raw: a.raw || b.raw, whole: a.whole || b.whole, built: a.built || b.built, normalized: a.normalized || b.normalized,
    params: params || undefined, self: (a.self && b.self) || undefined, lead: a.lead === false && b.lead === false ? false : undefined };
}

/** A literal start that fixes where a URL points: a path ("/x", "?a=") or a scheme and host ("https://api.x/"), not "https://" alone. */
function fixesOrigin(head: string): boolean {
  return !/^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*$/i.test(head) && !/^[a-z][a-z0-9+.-]*:?$/i.test(head);
}

/**
 * The taint of a value built from parts in order (`head + a + b`, a template, an f-string): every part's
 * properties, and whether the data can decide the value's start (lead). `head` is the literal text before
 * the first part ('' or undefined when it starts with an expression, whose taint then decides).
 */
export function concat(parts: (Taint | undefined)[], head?: string): Taint | undefined {
  let acc: Taint | undefined;
  for (const p of parts) acc = union(acc, p);
  if (!acc) return undefined;
  const first = parts[0];
  const lead = head && fixesOrigin(head) ? false : first ? first.lead !== false : false;
  return { ...acc, raw: false, whole: false, built: true, normalized: false, lead: lead ? undefined : false };
}

/** The same taint, one step further along its path. */
export function step(t: Taint, start: number, end: number, note: string): Taint {
  const steps = t.steps ?? [];
  if (steps.length && steps[steps.length - 1].start === start) return t;
  return { ...t, steps: steps.length >= MAX_STEPS ? [...steps.slice(0, 1), ...steps.slice(-(MAX_STEPS - 2)), { start, end, note }] : [...steps, { start, end, note }] };
}

/** A fresh taint read from a source at [start, end). */
export function source(origin: Origin, text: string, start: number, end: number, flags: Partial<Pick<Taint, 'raw' | 'whole' | 'built' | 'normalized' | 'params' | 'self'>> = {}): Taint {
  return { origin, source: text, raw: flags.raw ?? false, whole: flags.whole ?? false, built: flags.built ?? false, normalized: flags.normalized ?? false,
    params: flags.params, self: flags.self, steps: [{ start, end, note: origin === 'param' ? 'parameter' : 'source' }] };
}

/** A parameter of unknown origin (bit `index` of the function's parameters). */
export function paramTaint(name: string, index: number, start: number, end: number, fnKey: string): Taint {
  return { ...source('param', `parameter ${name}`, start, end, { params: index < 31 ? 1 << index : 0 }), paramOf: fnKey || undefined };
}

export function describeTaint(t: Taint): string {
  if (t.origin === 'request') return `request data (${t.source})`;
  if (t.origin === 'archive') return `an archive entry name (${t.source})`;
  return `${t.source}, whose callers decide its value`;
}

/** Names that are the request itself: a check on request.x is not a check on all request data. */
const NEVER_CHECKED = new Set(['request', 'req', 'self', 'this']);

/**
 * After branches that may each run (if/elif/else, match cases): a variable carries whatever any branch left
 * in it. `states` are the scope's variables at the end of each branch (and before, when no branch must run).
 */
export function mergeBranches(vars: Map<string, Taint | null>, states: Map<string, Taint | null>[]): void {
  const keys = new Set<string>();
  for (const s of states) for (const k of s.keys()) keys.add(k);
  vars.clear();
  for (const k of keys) {
    let acc: Taint | undefined;
    let declared = false;
    for (const s of states) {
      if (!s.has(k)) continue;
      declared = true;
      acc = union(acc, s.get(k) ?? undefined);
    }
    if (declared) vars.set(k, acc ?? null);
  }
}

export class Scope {
  /** null: declared here and clean (shadows an outer tainted name). */
  readonly vars = new Map<string, Taint | null>();
  /** Checked variables, and checked expressions keyed "=<text without spaces>". */
  readonly checks = new Map<string, Set<CheckKind>>();
  readonly requestNames = new Set<string>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): Taint | undefined {
    return this.declaring(name)?.vars.get(name) ?? undefined;
  }

  /** The innermost scope (this or a parent) that declares `name`. */
  private declaring(name: string): Scope | undefined {
    return this.vars.has(name) ? this : this.parent?.declaring(name);
  }

  checkedAs(name: string): Set<CheckKind> | undefined {
    return this.checks.get(name) ?? this.parent?.checkedAs(name);
  }

  /** Record a check in the scope that declared the variable, so closures after it see it too. */
  markChecked(name: string, kind: CheckKind): void {
    if (NEVER_CHECKED.has(name)) return;
    const target = this.declaring(name) ?? this;
    const set = target.checks.get(name) ?? new Set<CheckKind>();
    set.add(kind);
    target.checks.set(name, set);
  }

  isRequestName(name: string): boolean {
    return this.requestNames.has(name) || (this.parent?.isRequestName(name) ?? false);
  }

  /**
   * Whether a value (its text without spaces, the identifiers it reads, its taint) is covered by a check.
   * A prefix check proves containment only on a normalized path, unless `anyPrefix` (a local-path check on a redirect).
   */
  covers(argText: string, ids: string[], taint: Taint, kinds: CheckKind[], anyPrefix = false): boolean {
    const prefixOk = (t: Taint | undefined): boolean => anyPrefix || !!t?.normalized || taint.normalized;
    if (this.coversExpression(argText, kinds, prefixOk(undefined))) return true;
    for (const id of ids) {
      const c = this.checkedAs(id);
      if (!c) continue;
      if (kinds.includes('allow') && c.has('allow')) return true;
      if (kinds.includes('dotdot') && c.has('dotdot')) return true;
      if (kinds.includes('prefix') && c.has('prefix') && prefixOk(this.lookup(id))) return true;
    }
    return false;
  }

  /** A check recorded on an expression (key "=<text>") that `argText` contains, in this scope or a parent. */
  private coversExpression(argText: string, kinds: CheckKind[], prefixOk: boolean): boolean {
    for (const [key, set] of this.checks) {
      if (key.startsWith('=') && argText.includes(key.slice(1)) && kinds.some((k) => set.has(k) && (k !== 'prefix' || prefixOk))) return true;
    }
    return this.parent?.coversExpression(argText, kinds, prefixOk) ?? false;
  }
}
