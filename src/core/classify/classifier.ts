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
import { estimateTokens, fmt, lineOf, lineText, prepareText, type ScannableText } from './text';
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
  scan.anchorHits ??= a.index.hits(scan.text.text);
  return scan.anchorHits.get(slot) ?? [];
}

/** A match may start this many lines above the line of the literal it contains… */
const WINDOW_LINES_BEFORE = 1;
/** …and run on this many lines below it. Windows end at a line end, so `(?![^\n])` means what it does in the full text. */
const WINDOW_LINES_AFTER = 2;
/** When the literals are on more than this share of the lines, one full scan is cheaper than windows. */
const DENSE_SHARE = 0.2;

function contentHits(rule: SignalRule, scan: Scan): Array<{ m: string; line: number }> {
  const { text, lineStarts } = scan.text;
  const limit = rule.headLines ? (lineStarts[rule.headLines] ?? text.length) : text.length;
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
    if (rule && !rule.corroborate && (rule.content || rule.imports) && r.weight >= 1) backed.add(r.label);
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

export function classify(input: ClassifyInput, options: ClassifierOptions = {}): Classification {
  const config = options.config ?? defaultConfig();
  const active = scanDocument(input.active);
  const others = (input.others ?? []).filter((d) => normalizePath(d.path) !== active.path).map(scanDocument);
  const rules = rulesFor(config, options.extraRules);

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
  reasons.push(...contextSignals(active, others, config));
  reasons.push(...activitySignals(input.activity ?? [], input.now ?? Date.now(), config.activityWindowMinutes));

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

  const skipped = [...active.text.skipped.map((s) => `${active.path}: ${s}`)];
  for (const o of others) if (o.text.skipped.length && !o.text.skipped.includes('empty file')) skipped.push(`${o.path}: ${o.text.skipped.join('; ')}`);

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

  const result: Classification = {
    file: active.path,
    label,
    confidence,
    scores,
    reasons: shown,
    runnerUp: raw[runnerLabel] > 0 ? { label: runnerLabel, score: scores[runnerLabel] } : null,
    skipped,
  };
  return applyOverrides(result, config, options.pinned);
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
