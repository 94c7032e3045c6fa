/**
 * Evaluates the signal table over the active document, the documents beside it and recent edit
 * activity, and turns the evidence into one label. Pure and bounded: see text.ts for the limits.
 */
import picomatch from 'picomatch';
import { LABELS, type Label } from '../labels';
import { defaultConfig, type StakesConfig } from '../routing/config';
import { activitySignals } from './activity';
import { extractImports, familyOf, isCode, isCommentLine, type Family } from './languages';
import { anchorsOf, buildAnchorIndex, type AnchorIndex } from './prefilter';
import { compileCustomRules, DEFAULT_RULES, isWiringFile, UNCORROBORATED_FACTOR, WIRING_FACTOR, type SignalRule } from './rules';
import { conceptOf, extractFeatures, POSITION_NAMES, type Features, type FeatureSite, type Position } from './features';
import type { Concept } from './lexicon';
import { decideByCost, loadModel, logits, softmax, type ModelView } from './model';
import { estimateTokens, fmt, lineOf, lineText, prepareText, type ScannableText } from './text';
import { workingTreeSignals } from './activity';
import type { Classification, ClassifyInput, DocumentInput, Reason } from './types';

/** A sensitive score at or above this wins outright: being wrong there costs the most. */
export const SENSITIVE_PRECEDENCE = 3;
/** Below this total evidence, the answer is a low-confidence default. */
const MIN_EVIDENCE = 1;
/** How many evidence lines one rule contributes to the reasons (scoring counts up to maxHits). */
const MAX_REASONS_PER_RULE = 3;
/** Import statements: content rules leave them to the import rules. */
const IMPORT_LINE = /^\s*(?:import\b|export\s+[^=]*\bfrom\s|from\s+[\w.]+\s+import\b|using\s+[\w.]+\s*;|use\s+[\w\\]+|(?:const|let|var)\s+[^=]+=\s*require\(|require(?:_relative)?\s*\(?\s*['"])/;
/** Repeated hits of one rule add this fraction of its weight each (diminishing returns). */
const REPEAT_FACTOR = 0.25;

export interface ClassifierOptions {
  config?: StakesConfig;
  /** A label pinned by the user for this file (status bar → "Pin label"). */
  pinned?: Label;
  /** Extra compiled rules (tests); config.rules are compiled automatically. */
  extraRules?: SignalRule[];
  /** The learned model to use (tests, the trainer); default: the shipped one. `null` uses the signal table's weights. */
  model?: ModelView | null;
}

interface Scan {
  doc: DocumentInput;
  path: string;
  family: Family;
  text: ScannableText;
  isTest: boolean;
  /** A dependency-injection module: imports there are registrations (see SignalRule.dampInWiring). */
  isWiring: boolean;
  /** Where the built-in content rules' anchors occur (computed on first use). */
  anchorHits?: Map<number, number[]>;
}

const compiledCache = new WeakMap<object, SignalRule[]>();

function rulesFor(config: StakesConfig, extra: SignalRule[] = []): SignalRule[] {
  let custom = compiledCache.get(config.rules);
  if (!custom) {
    custom = compileCustomRules(config.rules);
    compiledCache.set(config.rules, custom);
  }
  return extra.length || custom.length ? [...DEFAULT_RULES, ...custom, ...extra] : DEFAULT_RULES;
}

export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

function scanDocument(doc: DocumentInput): Scan {
  const path = normalizePath(doc.path);
  const family = familyOf(path, doc.languageId);
  const text = prepareText(doc.content, { totalChars: doc.length, totalLines: doc.totalLines });
  const isTest = DEFAULT_RULES.find((r) => r.id === 'path.test')!.path!(path.toLowerCase(), path) !== null;
  return { doc, path, family, text, isTest, isWiring: isWiringFile(path) };
}

function render(detail: string, values: { m?: string; path?: string; line?: number }): string {
  return detail
    .replace('{m}', (values.m ?? '').trim().replace(/^[`'"]+/, '').replace(/\s+/g, ' ').slice(0, 80))
    .replace('{path}', values.path ?? '')
    .replace('{line}', values.line !== undefined ? String(values.line) : '');
}

/** Evaluate one rule on one scanned document; returns its reasons (already weighted). */
function evaluateRule(rule: SignalRule, scan: Scan): Reason[] {
  if (rule.families && !rule.families.includes(scan.family)) return [];
  const lowerPath = scan.path.toLowerCase();
  let pathMatch: string | null = null;
  if (rule.path) {
    pathMatch = rule.path(lowerPath, scan.path);
    if (pathMatch === null) return [];
  }
  const damp = (rule.dampInTests && scan.isTest ? 0.5 : 1) * (rule.dampInWiring && scan.isWiring ? WIRING_FACTOR : 1);
  const base = { signal: rule.id, label: rule.label, file: scan.path };
  if (rule.imports) {
    if (scan.text.contentOff) return [];
    const hits = imports(scan).filter((i) => rule.imports!.test(i.module));
    if (hits.length === 0) return [];
    // One library imported several times is still one signal.
    return hits.slice(0, MAX_REASONS_PER_RULE).map((h, i) => ({
      ...base, weight: i === 0 ? rule.weight * damp : 0, line: h.line, detail: render(rule.detail, { m: h.module, line: h.line }),
    }));
  }
  if (rule.content) {
    if (scan.text.contentOff) return [];
    return contentHits(rule, scan).map((h, i) => ({
      ...base,
      weight: (i === 0 ? rule.weight : rule.weight * REPEAT_FACTOR) * damp,
      line: h.line,
      detail: render(rule.detail, { m: h.m, line: h.line, path: pathMatch ?? undefined }),
    }));
  }
  return [{ ...base, weight: rule.weight * damp, detail: render(rule.detail, { path: pathMatch ?? '' }) }];
}

const importCache = new WeakMap<Scan, ReturnType<typeof extractImports>>();
function imports(scan: Scan) {
  let list = importCache.get(scan);
  if (!list) {
    list = isCode(scan.family) ? extractImports(scan.text.text, scan.text.lineStarts, scan.family, lineOf) : [];
    importCache.set(scan, list);
  }
  return list;
}

const regexCache = new WeakMap<RegExp, RegExp>();
function globalRegex(re: RegExp): RegExp {
  let g = regexCache.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'gm');
    regexCache.set(re, g);
  }
  g.lastIndex = 0;
  return g;
}

/** The evidence a match shows: its first capturing group that took part, else the whole match. */
function firstGroup(m: RegExpExecArray): string {
  for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return m[i];
  return m[0];
}

/**
 * The built-in content rules whose regex names literals every match must contain (prefilter.ts),
 * with one automaton that finds all those literals in a single pass over the text. Rules whose
 * regex uses ^, $ or lookbehind (their meaning depends on where a scan starts) always scan fully.
 */
interface AnchoredRules {
  slot: Map<SignalRule, number>;
  index: AnchorIndex;
}
let anchored: AnchoredRules | undefined;
function anchoredRules(): AnchoredRules {
  if (!anchored) {
    const slot = new Map<SignalRule, number>();
    const lists: Array<string[] | null> = [];
    for (const rule of DEFAULT_RULES) {
      if (!rule.content || !windowSafe(rule.content)) continue;
      const anchors = anchorsOf(rule.content);
      if (!anchors) continue;
      slot.set(rule, lists.length);
      lists.push(anchors);
    }
    anchored = { slot, index: buildAnchorIndex(lists) };
  }
  return anchored;
}

function windowSafe(re: RegExp): boolean {
  const bare = re.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  return !/[\^$]|\(\?<[=!]/.test(bare);
}

/** Offsets where the rule's anchors end; undefined when the rule must scan the whole text. */
function anchorPositions(rule: SignalRule, scan: Scan): number[] | undefined {
  const a = anchoredRules();
  const slot = a.slot.get(rule);
  if (slot === undefined) return undefined;
  scan.anchorHits ??= a.index.hits(scan.text.text.length > RULE_SCAN_CHARS ? scan.text.text.slice(0, ruleScanEnd(scan)) : scan.text.text);
  return scan.anchorHits.get(slot) ?? [];
}

/** A match may start this many lines above the line of the literal it contains… */
const WINDOW_LINES_BEFORE = 1;
/** …and run on this many lines below it. Windows end at a line end, so `(?![^\n])` means what it does in the full text. */
const WINDOW_LINES_AFTER = 2;
/** When the literals are on more than this share of the lines, one full scan is cheaper than windows. */
const DENSE_SHARE = 0.2;

/**
 * Content rules read at most this much of a file (from the top, cut at a line end): the label of a
 * long file is decided by what it is about, which its first few thousand lines show, and the cost
 * of a keystroke must not grow with the file. The learned model's features sample the rest.
 */
export const RULE_SCAN_CHARS = 120_000;
function ruleScanEnd(scan: Scan): number {
  const { text, lineStarts } = scan.text;
  if (text.length <= RULE_SCAN_CHARS) return text.length;
  return lineStarts[lineOf(lineStarts, RULE_SCAN_CHARS)] ?? text.length;
}

function contentHits(rule: SignalRule, scan: Scan): Array<{ m: string; line: number }> {
  const { text, lineStarts } = scan.text;
  const end = ruleScanEnd(scan);
  const limit = rule.headLines ? Math.min(end, lineStarts[rule.headLines] ?? text.length) : end;
  const sel = scan.doc.selection;
  const from = sel ? (lineStarts[sel.startLine - 1] ?? text.length) : 0;
  const to = sel ? Math.min(limit, lineStarts[sel.endLine] ?? text.length) : limit;
  const re = globalRegex(rule.content!);
  const max = rule.maxHits ?? 6;
  const out: Array<{ m: string; line: number }> = [];
  let lastLine = -1;
  /** Applies the line filters to a match; returns false once enough hits were found. */
  const take = (m: RegExpExecArray): boolean => {
    const line = lineOf(lineStarts, m.index);
    if (line === lastLine) return true;
    const lt = lineText(scan.text, line);
    if (isCommentLine(lt, scan.family) && !rule.headLines) return true;
    if (!rule.matchImportLines && IMPORT_LINE.test(lt)) return true;
    if (rule.exclude && rule.exclude.test(lt)) return true;
    if (rule.lineMust && !rule.lineMust.test(lt)) return true;
    lastLine = line;
    out.push({ m: firstGroup(m), line });
    return out.length < max;
  };

  const positions = anchorPositions(rule, scan);
  if (positions === undefined || positions.length > lineStarts.length * DENSE_SHARE) {
    re.lastIndex = from;
    for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (!take(m)) break;
    }
    return out;
  }
  // Only around the literals: a window of a few lines, so a literal that is not a match costs little.
  let cursor = from;
  for (const p of positions) {
    if (p < cursor) continue;
    const line = lineOf(lineStarts, p);
    const start = Math.max(cursor, lineStarts[Math.max(0, line - 1 - WINDOW_LINES_BEFORE)]);
    if (start >= to) break;
    const lineEnd = lineStarts[line] ?? text.length;
    const end = lineStarts[line + WINDOW_LINES_AFTER] ?? text.length;
    const window = text.slice(start, end);
    re.lastIndex = 0;
    let stop = false;
    for (let m = re.exec(window); m; m = re.exec(window)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const at = start + m.index;
      if (at >= lineEnd || at >= to) break;
      m.index = at;
      cursor = at + m[0].length;
      if (!take(m)) {
        stop = true;
        break;
      }
    }
    if (stop) break;
    cursor = Math.max(cursor, lineEnd);
  }
  return out;
}

/**
 * Hints that need company (SignalRule.corroborate) keep their weight only when a content or import
 * signal for the same label, strong enough on its own, is found in the file: "path matches
 * **\/payment/**" on a file of string constants is not payment code.
 */
function corroborate(reasons: Reason[], rules: SignalRule[]): void {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const backed = new Set<string>();
  for (const r of reasons) {
    const rule = byId.get(r.signal);
    if (rule && !rule.corroborate && !rule.featureOnly && (rule.content || rule.imports) && r.weight >= 1) backed.add(r.label);
  }
  for (const r of reasons) {
    if (byId.get(r.signal)?.corroborate && !backed.has(r.label) && r.weight > 0) {
      r.weight *= UNCORROBORATED_FACTOR;
      r.detail += ' (nothing in the code backs it up)';
    }
  }
}

/** Lines examined for the shape signal; longer files are sampled evenly. */
const SHAPE_SAMPLE_LINES = 2_000;

/** Shape: many small, similar members (fields, routes, columns) are the mark of boilerplate. */
function shapeSignals(scan: Scan): Reason[] {
  if (scan.text.contentOff || !isCode(scan.family)) return [];
  const { text, lineStarts } = scan.text;
  const member = /^\s*(?:(?:public|private|protected|readonly|static|export|declare|final|override)\s+)*(?:[\w$]+[?!]?\s*:\s*[\w$<>[\]|.,'" ]+[;,]?|[\w$]+\s*=\s*(?:models|fields|serializers|z|sa|Column|mapped_column|db)\.[\w.]+\(.*\)[,;]?|@[\w.]+(?:\(.*\))?|[\w<>[\]?.]+\s+[\w$]+\s*(?:\{\s*get;\s*(?:set;|init;)?\s*\}|;)|[A-Z]\w*\s+[\w.*[\]]+\s+`[^`]*`|attr_(?:accessor|reader)\s+.*|(?:public|private|protected)\s+\??[\w\\]+\s+\$\w+.*;)\s*$/;
  // Declarations with a simple value: typed fields with defaults (pydantic, dataclasses, TS class fields)
  // and UPPER_CASE constants (Python, JS, Go const blocks, Java static finals).
  const valued = /^\s*(?:(?:public|private|protected|readonly|static|export|declare|final|const|let|var)\s+)*(?:[\w<>[\]]+\s+(?=[A-Z][A-Z0-9_]{2,}\b))?(?:[\w$]+[?!]?\s*:\s*[\w$<>[\]|.,'" ]+?|[A-Z][A-Z0-9_]{2,}(?:\s+[A-Z]\w*)?)\s*=\s*(?:["'`][^"'`]*["'`]|-?[\d_.]+(?:\s*[*+]\s*[\d_.]+)*|True|False|None|true|false|null|nil|\[\]?|\{\}?|\(|[\w.]+(?:\([^()]*\))?)\s*[,;]?\s*$/;
  let members = 0;
  let nonBlank = 0;
  let first = 0;
  let last = 0;
  const n = lineStarts.length;
  // Shape is a proportion: on long files an even sample of lines estimates it as well as all of them.
  const step = Math.max(1, Math.ceil(n / SHAPE_SAMPLE_LINES));
  for (let i = 0; i < n; i += step) {
    const end = i + 1 < n ? lineStarts[i + 1] - 1 : text.length;
    const line = text.slice(lineStarts[i], end);
    if (line.trim().length === 0 || isCommentLine(line, scan.family)) continue;
    nonBlank++;
    if (line.length < 120 && (member.test(line) || valued.test(line))) {
      members++;
      if (!first) first = i + 1;
      last = i + 1;
    }
  }
  const reasons: Reason[] = [];
  // Many one-line members, or a small file that is almost nothing but declarations (a six-field domain class).
  const ratio = members / Math.max(nonBlank, 1);
  members *= step;
  if ((members >= 8 && ratio >= 0.3) || (members >= 5 && ratio >= 0.6)) {
    reasons.push({
      signal: 'shape.many-small-members', label: 'boilerplate', weight: ratio >= 0.5 ? 3 : 2, file: scan.path, line: first,
      detail: step === 1
        ? `${members} one-line member declarations (lines ${first}–${last}, ${Math.round(100 * ratio)}% of the code)`
        : `about ${fmt(members)} one-line member declarations (lines ${first}–${last}, ${Math.round(100 * ratio)}% of a sample of ${fmt(Math.ceil(n / step))} lines)`,
    });
  }
  const importCount = imports(scan).length;
  if (scan.text.totalLines >= 1500 && importCount >= 25) {
    reasons.push({
      signal: 'shape.long-and-wide', label: 'complex', weight: 1.5, file: scan.path,
      detail: `${fmt(scan.text.totalLines)} lines with ${importCount} imports: hard to change safely in one pass`,
    });
  }
  return reasons;
}

/** Context: what else the work needs in view (specs and docs beside code, or too much text for a normal window). */
function contextSignals(active: Scan, others: Scan[], config: StakesConfig): Reason[] {
  const reasons: Reason[] = [];
  if (isCode(active.family) || active.family === 'sql') {
    const docs = others.filter((o) => o.family === 'markdown' || o.family === 'spec' || isApiSpec(o));
    for (const d of docs.slice(0, 2)) {
      const kind = isApiSpec(d) ? `${specName(d)} spec` : d.family === 'spec' ? 'API contract' : 'documentation';
      reasons.push({ signal: 'context.docs-beside-code', label: 'context-heavy', weight: 2, file: d.path, detail: `${kind} open beside the code (${d.path})` });
    }
  }
  const chars = active.text.totalChars + others.reduce((s, o) => s + (o.doc.length ?? o.text.totalChars), 0);
  const tokens = estimateTokens(chars);
  if (tokens > config.contextTokenLimit) {
    reasons.push({
      signal: 'context.large', label: 'context-heavy', weight: 4,
      detail: `~${fmt(tokens)} tokens across ${others.length + 1} open files, over the ${fmt(config.contextTokenLimit)}-token limit`,
    });
  }
  return reasons;
}

function isApiSpec(s: Scan): boolean {
  return s.family === 'config' && !s.text.contentOff && /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:/m.test(s.text.text.slice(0, 4000));
}
function specName(s: Scan): string {
  const m = /^\s*["']?(openapi|swagger|asyncapi)["']?\s*:\s*["']?([\d.]+)?/m.exec(s.text.text.slice(0, 4000));
  const name = m?.[1] === 'asyncapi' ? 'AsyncAPI' : m?.[1] === 'swagger' ? 'Swagger' : 'OpenAPI';
  return m?.[2] ? `${name} ${m[2]}` : name;
}

function squash(raw: number): number {
  return Math.round((1 - Math.exp(-raw / 4)) * 1000) / 1000;
}

/**
 * The file's own evidence: the signal table's reasons (rules and shape), in the order they fired.
 * Everything here belongs to the file; what belongs to the session (open documents, recent edits)
 * is added by `classify`.
 */
function fileEvidence(active: Scan, rules: SignalRule[]): Reason[] {
  let reasons: Reason[] = [];
  const overridden = new Set<string>();
  for (const rule of rules) {
    const found = evaluateRule(rule, active);
    if (found.length && rule.overrides) rule.overrides.forEach((id) => overridden.add(id));
    reasons.push(...found);
  }
  if (overridden.size) reasons = reasons.filter((r) => !overridden.has(r.signal));
  corroborate(reasons, rules);
  reasons.push(...shapeSignals(active));
  return reasons;
}

/** A built-in rule's feature value: how many times its weight it contributed (damping included). */
function ruleFeatures(reasons: Reason[], x: Map<string, number>): void {
  const base = new Map(DEFAULT_RULES.map((r) => [r.id, r.weight]));
  const add = (k: string, v: number) => x.set(k, (x.get(k) ?? 0) + v);
  for (const r of reasons) {
    const w = base.get(r.signal) ?? (r.signal.startsWith('shape.') ? 3 : undefined);
    if (w === undefined) continue;
    if (DECISIVE.has(r.signal)) {
      if (/^kind\.migration\./.test(r.signal)) x.set('kind:migration', 1);
      continue;
    }
    add(`r:${r.signal}`, r.weight / w);
    // Rules of one kind (the twelve migration layouts) share what they teach the model.
    const group = /^kind\.migration\./.test(r.signal) ? 'kind.migration' : undefined;
    if (group) add(`r:${group}`, r.weight / w);
    if (group || r.signal.startsWith('path.migrations')) x.set('kind:migration', 1);
    if (r.signal === 'kind.api-spec' || r.signal === 'kind.contract' || r.signal === 'kind.json-schema') x.set('kind:spec', 1);
    // The signal table's own verdict, per label, is one more feature: the model learns how far to trust it.
    if (!FEATURE_ONLY.has(r.signal)) add(`rs:${r.label}`, r.weight / 4);
  }
  for (const l of LABELS) if (x.has(`rs:${l}`)) x.set(`rs:${l}`, Math.min(3, x.get(`rs:${l}`)!));
}

function featuresOf(active: Scan, reasons: Reason[]): Features {
  const f = extractFeatures({ path: active.path, family: active.family, text: active.text, isTest: active.isTest, imports: imports(active) });
  ruleFeatures(reasons, f.x);
  return f;
}

/**
 * The model's input for one document, exactly as `classify` computes it (the trainer calls this):
 * the features, and the fixed logit offsets of the decisive rules (per label, LABELS order).
 */
export function featurize(doc: DocumentInput): { x: Map<string, number>; offset: number[] } {
  const active = scanDocument(doc);
  const reasons = fileEvidence(active, DEFAULT_RULES);
  const offset = LABELS.map(() => 0);
  for (const b of reasons) if (DECISIVE.has(b.signal)) offset[LABELS.indexOf(b.label)] += b.weight * BOOST_PER_WEIGHT;
  return { x: featuresOf(active, reasons).x, offset };
}

export function classify(input: ClassifyInput, options: ClassifierOptions = {}): Classification {
  const config = options.config ?? defaultConfig();
  const active = scanDocument(input.active);
  const others = (input.others ?? []).filter((d) => normalizePath(d.path) !== active.path).map(scanDocument);
  const rules = rulesFor(config, options.extraRules);
  const reasons = fileEvidence(active, rules);
  const session = [
    ...contextSignals(active, others, config),
    ...activitySignals(input.activity ?? [], input.now ?? Date.now(), config.activityWindowMinutes),
    ...workingTreeSignals(input.workingTree ?? [], active.path),
  ];
  const skipped = [...active.text.skipped.map((s) => `${active.path}: ${s}`)];
  if (!active.text.contentOff && active.text.text.length > RULE_SCAN_CHARS) {
    skipped.push(`${active.path}: content rules read the first ${fmt(lineOf(active.text.lineStarts, ruleScanEnd(active)))} lines; the rest was sampled`);
  }
  for (const o of others) if (o.text.skipped.length && !o.text.skipped.includes('empty file')) skipped.push(`${o.path}: ${o.text.skipped.join('; ')}`);

  const model = options.model === undefined ? loadModel() : { view: options.model };
  const result = model.view
    ? learnedDecision(active, reasons, session, model.view, config)
    : { ...handDecision(active, [...reasons, ...session]), ...(model.error ? { modelError: model.error } : {}) };
  result.skipped = skipped;
  return applyOverrides(result, config, options.pinned);
}

/** What a session or team signal adds to its label's logit, per unit of its table weight. */
export const BOOST_PER_WEIGHT = 1.5;
/**
 * What a session signal (open documents, recent edits, the working tree) or a team rule adds per
 * unit of weight. Neither is in the corpus, so this is set, not learned: strong enough that many
 * edits across modules make routine work complex, as the table's weights always meant.
 */
export const SESSION_BOOST_PER_WEIGHT = 1.5;
function boostOf(r: Reason): number {
  return r.weight * (DECISIVE.has(r.signal) ? BOOST_PER_WEIGHT : SESSION_BOOST_PER_WEIGHT);
}
/** Evidence lines shown for a label (strongest first). */
const MAX_EVIDENCE = 8;
/** Below this probability for the chosen label, or this much evidence, the label is shown as a guess. */
export const THIN_PROBABILITY = 0.6;
export const THIN_EVIDENCE = 1.5;

function learnedDecision(active: Scan, reasons: Reason[], session: Reason[], view: ModelView, config: StakesConfig): Classification {
  const f = featuresOf(active, reasons);
  const z = logits(view, f.x);
  // Team rules (.stakes.json), decisive rules and session signals are not learned: they add their table weight.
  const fileBoosts = reasons.filter((r) => !isBuiltIn(r.signal) || DECISIVE.has(r.signal));
  const boosts = [...fileBoosts, ...session];
  for (const b of fileBoosts) z[view.labels.indexOf(b.label)] += boostOf(b);
  const missCost = config.sensitiveMissCost ?? missCostOf(view);
  const asProbs = (logit: Float64Array) => {
    const probs = softmax(logit, view.temperature);
    return Object.fromEntries(view.labels.map((l, k) => [l, probs[k]])) as Record<Label, number>;
  };
  // Precedence: what the session adds (docs open beside, edits across modules) never takes
  // sensitive work away from `sensitive`; it decides among the other labels.
  const fileOnly = asProbs(z);
  for (const b of session) z[view.labels.indexOf(b.label)] += boostOf(b);
  const withSession = asProbs(z);
  const p = decideByCost(fileOnly, missCost) === 'sensitive' ? fileOnly : withSession;
  const label = decideByCost(p, missCost);
  const ranked = [...LABELS].sort((a, b) => p[b] - p[a]);
  const runner = ranked.find((l) => l !== label)!;

  const { shown, support } = explain(f, reasons, view, label, runner);
  // Session and team signals are always shown, whichever label they speak for: they are what the user did.
  for (const b of boosts) shown.push({ ...b, weight: round(boostOf(b)) });
  const reasonsShown = dedupe(shown.filter((r) => r.weight > 0).sort((a, b) => b.weight - a.weight)).slice(0, MAX_EVIDENCE);
  // A few lines for the runner-up, so the tooltip says what pulled the other way.
  const against = dedupe(explain(f, reasons, view, runner, label).shown.sort((a, b) => b.weight - a.weight))
    .filter((r) => !reasonsShown.some((x) => x.detail === r.detail)).slice(0, MAX_AGAINST);
  reasonsShown.push(...against);

  const thin = p[label] < THIN_PROBABILITY || support < THIN_EVIDENCE;
  const result: Classification = {
    file: active.path,
    label,
    confidence: Math.round(p[label] * 100) / 100,
    scores: Object.fromEntries(LABELS.map((l) => [l, Math.round(p[l] * 1000) / 1000])) as Record<Label, number>,
    reasons: reasonsShown,
    runnerUp: { label: runner, score: Math.round(p[runner] * 1000) / 1000 },
    skipped: [],
  };
  if (thin) {
    result.evidence = {
      thin: true,
      linesRead: f.linesRead,
      detail: `little evidence: ${fmt(f.linesRead)} line${f.linesRead === 1 ? '' : 's'} read, ${support < THIN_EVIDENCE ? 'no strong signal' : `${label} only ${Math.round(p[label] * 100)}% likely`}`,
    };
  }
  return result;
}

/** Evidence lines shown for the runner-up label. */
const MAX_AGAINST = 3;

/**
 * What pushed `label` above `other`, as reasons a reviewer can check: each feature's share of the
 * logit difference, attached to where it was seen. A rule's share goes to the rule's own evidence
 * lines; the signal table's per-label sum (rs:*) is shared among the rules that made it; kind and
 * size features shape the prior but are not shown.
 */
function explain(f: Features, reasons: Reason[], view: ModelView, label: Label, other: Label): { shown: Reason[]; support: number } {
  const li = view.labels.indexOf(label);
  const oi = view.labels.indexOf(other);
  const byRule = new Map<string, number>();
  let support = 0;
  const shown: Reason[] = [];
  const file = reasons[0]?.file;
  for (const [name, v] of f.x) {
    const w = view.weights.get(name);
    if (!w || name === 'bias') continue;
    const c = v * (w[li] - w[oi]);
    if (c <= 0) continue;
    if (!isStructural(name)) support += c;
    if (name.startsWith('r:')) {
      byRule.set(name.slice(2), (byRule.get(name.slice(2)) ?? 0) + c);
    } else if (name.startsWith('rs:')) {
      const of = reasons.filter((r) => r.label === name.slice(3) && !FEATURE_ONLY.has(r.signal) && !DECISIVE.has(r.signal) && r.weight > 0);
      const total = of.reduce((a, r) => a + r.weight, 0);
      for (const r of of) byRule.set(r.signal, (byRule.get(r.signal) ?? 0) + (c * r.weight) / total);
    } else if (!isStructural(name) && !name.startsWith('kind:') && f.at.get(name)?.text && speaksFor(name, label, c)) {
      const site = f.at.get(name);
      shown.push({ signal: name, label, weight: round(c), ...(file ? { file } : {}), ...(site?.line ? { line: site.line } : {}), detail: describeFeature(name, site) });
    } else if (name.startsWith('kind:')) {
      shown.push({ signal: name, label, weight: round(c), ...(file ? { file } : {}), detail: describeFeature(name, undefined) });
    }
  }
  for (const [rule, c] of byRule) {
    // A rule's lines are evidence only for the label the rule speaks for (a JWT call is never "why it is boilerplate").
    const own = reasons.filter((r) => r.signal === rule && r.label === label).slice(0, MAX_REASONS_PER_RULE);
    own.forEach((r, i) => shown.push({ ...r, label, weight: round(i === 0 ? c : c / 10) }));
  }
  return { shown, support };
}

const SENSITIVE_CONCEPTS = new Set<Concept>(['authn', 'session', 'authz', 'crypto', 'secrets', 'money', 'transactions', 'migrations', 'pii', 'untrusted']);
const ROUTINE_CONCEPTS = new Set<Concept>(['routineData', 'routineTest', 'routineView']);
/** Below this share of the logit difference a single word is not worth a line of evidence. */
const MIN_WORD_EVIDENCE = 0.25;

/**
 * Whether a feature reads as evidence for the label: "authorization vocabulary" is shown for
 * sensitive work, never as the reason a file is boilerplate (there it only lowered the odds).
 */
/**
 * Words that name code structure, not what the code does (a path segment `app`, `declares createApp`,
 * identifier `if`): they still count in the score, but they are no reason a reviewer can check.
 */
const STRUCTURAL_WORDS = new Set(['app', 'apps', 'src', 'lib', 'libs', 'api', 'apis', 'internal', 'pkg', 'core', 'server', 'main', 'index',
  'module', 'modules', 'package', 'packages', 'common', 'shared', 'base', 'util', 'utils', 'helper', 'helpers', 'service', 'services',
  'controller', 'controllers', 'handler', 'handlers', 'create', 'get', 'set', 'update', 'new', 'init', 'def', 'fn', 'func', 'function',
  'if', 'else', 'return', 'import', 'export', 'from', 'const', 'let', 'var', 'end', 'do', 'true', 'false', 'null', 'none', 'nil', 'self',
  'this', 'id', 'ids', 'data', 'value', 'values', 'item', 'items', 'string', 'int', 'list', 'type', 'types', 'name', 'in', 'the', 'to', 'of']);

function speaksFor(name: string, label: Label, c: number): boolean {
  if (name[1] === ':' && STRUCTURAL_WORDS.has(name.slice(2))) return false;
  const concept = conceptOf(name);
  if (concept) {
    if (SENSITIVE_CONCEPTS.has(concept)) return label === 'sensitive';
    if (ROUTINE_CONCEPTS.has(concept)) return label === 'boilerplate';
    return label === 'complex';
  }
  return c >= MIN_WORD_EVIDENCE;
}

function dedupe(list: Reason[]): Reason[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.detail}|${r.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The miss cost the model was trained to use by default (train.ts: DEFAULT_MISS_COST). */
export function missCostOf(view: ModelView): number {
  const c = (view.trained as { missCost?: unknown } | undefined)?.missCost;
  return typeof c === 'number' && c >= 1 ? c : 1.5;
}

const BUILT_IN = new Set(DEFAULT_RULES.map((r) => r.id));
const FEATURE_ONLY = new Set(DEFAULT_RULES.filter((r) => r.featureOnly).map((r) => r.id));
const DECISIVE = new Set(DEFAULT_RULES.filter((r) => r.decisive).map((r) => r.id));
function isBuiltIn(signal: string): boolean {
  return BUILT_IN.has(signal) || signal.startsWith('shape.');
}
/** Kind and size features: they shape the prior, but are not evidence of what the code does. */
function isStructural(name: string): boolean {
  return name.startsWith('fam:') || name.startsWith('size:') || name.startsWith('shape:') || name === 'decls' || name === 'imports';
}
function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const CONCEPT_WORDS: Record<Concept, string> = {
  authn: 'authentication', session: 'sessions and tokens', authz: 'authorization', crypto: 'crypto and signing', secrets: 'secrets',
  money: 'money', transactions: 'transactions and locking', migrations: 'schema change', pii: 'personal data', untrusted: 'untrusted input',
  routineData: 'data shapes (DTOs, models, mappings)', routineTest: 'test code', routineView: 'presentation and formatting',
  concurrency: 'concurrency and scheduling', parsing: 'parsing and algorithms',
};

/** One feature as a sentence a reviewer can check: "declaration `verify_signature` (authentication vocabulary)". */
export function describeFeature(name: string, site: FeatureSite | undefined): string {
  const what = site?.text ? site.text.replace(/\s+/g, ' ').slice(0, 60) : '';
  if (name === 'kind:test') return 'test file';
  if (name === 'kind:generated') return 'generated file';
  if (name === 'kind:vendored') return 'vendored library code';
  if (name === 'kind:migration') return 'migration file';
  if (name === 'kind:docs') return 'documentation';
  if (name === 'kind:spec') return 'API spec or contract';
  if (name === 'kind:empty') return 'no code to speak of';
  if (name.startsWith('fam:')) return `${name.slice(4)} file`;
  if (name.startsWith('size:')) return `file size (${name.slice(5)})`;
  if (name === 'decls') return 'declarations in the file';
  if (name === 'imports') return 'imports in the file';
  const concept = conceptOf(name);
  if (concept) {
    const tag = name.split(':')[2];
    const pos = name.startsWith('kd:') ? 'throughout the file' : name.startsWith('ku:') ? 'concentrated in one function'
      : tag === 'f' ? 'in conditions and guards' : tag === 'l' ? 'in statements' : `in ${POSITION_NAMES[tag as Position] ?? 'code'}s`;
    return `${CONCEPT_WORDS[concept]} vocabulary ${pos}${what ? `: \`${what}\`` : ''}`;
  }
  const [pos, word] = [name.slice(0, 1) as Position, name.slice(2).replace(/_/g, ' ')];
  switch (pos) {
    case 'd': return `declares \`${what || word}\``;
    case 'c': return `identifier \`${what || word}\``;
    case 't': return `text "${what || word}"`;
    case 'p': return `path segment \`${what || word}\``;
    case 'i': return `imports \`${what || word}\``;
    default: return name;
  }
}

/** The signal table's own weights: used only when the learned model cannot be read. */
function handDecision(active: Scan, all: Reason[]): Classification {
  const featureOnly = new Set(DEFAULT_RULES.filter((r) => r.featureOnly).map((r) => r.id));
  const reasons = all.filter((r) => !featureOnly.has(r.signal));
  const raw: Record<Label, number> = { sensitive: 0, complex: 0, 'context-heavy': 0, boilerplate: 0 };
  for (const r of reasons) raw[r.label] += r.weight;

  // Keep the reasons that carry weight, strongest first, and cap how many one rule shows.
  const perRule = new Map<string, number>();
  const shown = reasons
    .filter((r) => r.weight > 0 || (perRule.get(r.signal) ?? 0) > 0)
    .sort((a, b) => b.weight - a.weight)
    .filter((r) => {
      const n = (perRule.get(r.signal) ?? 0) + 1;
      perRule.set(r.signal, n);
      return n <= MAX_REASONS_PER_RULE;
    });

  const scores = Object.fromEntries(LABELS.map((l) => [l, squash(raw[l])])) as Record<Label, number>;
  const ranked = [...LABELS].sort((a, b) => raw[b] - raw[a] || LABELS.indexOf(a) - LABELS.indexOf(b));
  let label: Label;
  let confidence: number;
  const total = LABELS.reduce((s, l) => s + raw[l], 0);
  // Tests are ranked on their evidence: a test of auth code is still test code.
  if (raw.sensitive >= SENSITIVE_PRECEDENCE && !active.isTest) {
    label = 'sensitive';
  } else if (total < MIN_EVIDENCE) {
    label = 'boilerplate';
  } else {
    label = ranked[0];
  }
  const runnerLabel = ranked.find((l) => l !== label)!;
  if (total < MIN_EVIDENCE) {
    confidence = 0.2;
    shown.push({ signal: 'default.no-signal', label: 'boilerplate', weight: 0, file: active.path, detail: 'no risk, complexity or context signals found: treated as routine code' });
  } else {
    const margin = (raw[label] - raw[runnerLabel]) / Math.max(raw[label], 1e-9);
    confidence = Math.max(0.05, Math.min(0.99, scores[label] * (0.55 + 0.45 * Math.max(0, margin))));
    confidence = Math.round(confidence * 100) / 100;
  }
  return {
    file: active.path,
    label,
    confidence,
    scores,
    reasons: shown,
    runnerUp: raw[runnerLabel] > 0 ? { label: runnerLabel, score: scores[runnerLabel] } : null,
    skipped: [],
  };
}

/** `.stakes.json` globs and user pins replace the computed label but keep its evidence. */
function applyOverrides(result: Classification, config: StakesConfig, pinned?: Label): Classification {
  if (pinned) {
    return overridden(result, pinned, { source: 'pin', detail: `label pinned to ${pinned} for this file` });
  }
  for (const entry of config.paths) {
    if (picomatch(entry.glob, { dot: true, nocase: true })(result.file)) {
      return overridden(result, entry.label, { source: 'glob', detail: `"${entry.glob}": "${entry.label}" in ${entry.origin}` });
    }
  }
  return result;
}

function overridden(result: Classification, label: Label, override: NonNullable<Classification['override']>): Classification {
  const reason = { signal: `override.${override.source}`, label, weight: 0, file: result.file, detail: override.detail };
  if (label === result.label) return { ...result, override, confidence: 1, reasons: [reason, ...result.reasons] };
  return {
    ...result,
    label,
    confidence: 1,
    runnerUp: { label: result.label, score: result.scores[result.label] },
    override,
    reasons: [reason, ...result.reasons],
  };
}
