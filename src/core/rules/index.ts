/**
 * Offline audit: deterministic rules over TypeScript/JavaScript, Python, Go and SQL with no key and no network.
 * `runRules` checks one file; `auditOffline` a set of files; `ruleHints` gives the AI audit the rule hits on
 * the code it is about to review. Parsers load on first use of their language.
 */
import { compareSeverity, severityAtLeast, type Finding, type Severity } from '../audit/findings';
import { isRuleId, RULES, type RuleLanguage } from './catalog';
import { hitToFinding, lineStarts, type RuleHit } from './hits';
import { analyzeSql } from './migrations';
// The analyzers are plain code; the parsers they use (TypeScript compiler, tree-sitter) load on first use.
import { analyzeGo } from './go/analyze';
import { analyzePython } from './python/analyze';
import { analyzeTypeScript } from './ts/analyze';
import { isSuppressed, parseSuppressions, type Suppression } from './suppress';

export { RULES, ruleMeta, type RuleMeta } from './catalog';
export { applyBaseline, createBaseline, parseBaseline, type BaselineFile } from './baseline';

/** Files larger than this are generated or vendored (bundles, dumps): skipped with a reason. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface RuleOptions {
  /** Only these rule ids (default: all). */
  only?: string[];
  /** Never these rule ids. */
  disable?: string[];
  /** Drop findings below this severity. */
  minSeverity?: Severity;
}

export interface FileResult {
  path: string;
  language: RuleLanguage | null;
  findings: Finding[];
  /** Findings silenced by a stakes-ignore comment, with the comment. */
  suppressed: { finding: Finding; suppression: Suppression }[];
  /** Why the file was not analysed, when it was not. */
  skipped?: string;
}

export function languageOf(path: string): RuleLanguage | null {
  const p = path.toLowerCase();
  if (/\.d\.[cm]?ts$/.test(p) || /\.min\.js$/.test(p)) return null;
  if (/\.(?:[cm]?[jt]sx?)$/.test(p)) return 'typescript';
  if (p.endsWith('.py')) return 'python';
  if (p.endsWith('.go')) return 'go';
  if (p.endsWith('.sql')) return 'sql';
  return null;
}

function validateOptions(options: RuleOptions): void {
  for (const id of [...(options.only ?? []), ...(options.disable ?? [])]) {
    if (!isRuleId(id)) throw new Error(`unknown rule "${id}". Known rules: ${RULES.map((r) => r.id).join(', ')}.`);
  }
}

async function hitsFor(language: RuleLanguage, path: string, text: string): Promise<RuleHit[]> {
  if (language === 'sql') return analyzeSql(text);
  if (language === 'typescript') {
    return analyzeTypeScript(path, text);
  }
  if (language === 'go') {
    return analyzeGo(path, text);
  }
  return analyzePython(path, text);
}

/** Analyse one file. Paths are used as given in findings (pass workspace-relative paths with forward slashes). */
export async function analyzeFile(path: string, text: string, options: RuleOptions = {}): Promise<FileResult> {
  const language = languageOf(path);
  if (!language) return { path, language, findings: [], suppressed: [], skipped: 'not a TypeScript, JavaScript, Python, Go or SQL file' };
  if (text.length > MAX_FILE_BYTES) return { path, language, findings: [], suppressed: [], skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB (generated or vendored code)` };
  if (text.includes('\0')) return { path, language, findings: [], suppressed: [], skipped: 'binary content' };
  const hits = await hitsFor(language, path, text);
  const starts = lineStarts(text);
  const only = options.only?.length ? new Set(options.only) : undefined;
  const disable = new Set(options.disable ?? []);
  const sups = parseSuppressions(text);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const suppressed: FileResult['suppressed'] = [];
  for (const h of hits) {
    if (only && !only.has(h.ruleId)) continue;
    if (disable.has(h.ruleId)) continue;
    const f = hitToFinding(path, text, starts, h);
    if (options.minSeverity && !severityAtLeast(f.severity, options.minSeverity)) continue;
    const dedupe = `${f.ruleId}:${f.startLine}:${f.startColumn}:${f.evidence}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const s = isSuppressed(f, sups);
    if (s) suppressed.push({ finding: f, suppression: s });
    else findings.push(f);
  }
  findings.sort((a, b) => a.startLine - b.startLine || compareSeverity(a.severity, b.severity));
  return { path, language, findings, suppressed };
}

/** Findings for one file, suppressions applied. */
export async function runRules(path: string, text: string, options: RuleOptions = {}): Promise<Finding[]> {
  validateOptions(options);
  return (await analyzeFile(path, text, options)).findings;
}

export interface OfflineAuditOptions extends RuleOptions {
  /** Called for each file that could not be analysed (too large, parser failure), instead of failing the run. */
  onSkip?: (path: string, reason: string) => void;
  onFile?: (result: FileResult) => void;
}

/** Findings for a set of files, sorted by file then line. */
export async function auditOffline(files: { path: string; text: string }[], options: OfflineAuditOptions = {}): Promise<Finding[]> {
  validateOptions(options);
  const out: Finding[] = [];
  for (const f of files) {
    let r: FileResult;
    try {
      r = await analyzeFile(f.path, f.text, options);
    } catch (err) {
      options.onSkip?.(f.path, `analysis failed: ${(err as Error).message}`);
      continue;
    }
    if (r.skipped && r.language) options.onSkip?.(f.path, r.skipped);
    options.onFile?.(r);
    out.push(...r.findings);
  }
  return out;
}

/**
 * Rule hits to send to the model with the code it reviews (the AI audit's `hints`): the model is asked to
 * confirm or refute each, and agreeing findings are shown as "both". Highest severity first, capped so hints
 * never crowd out the code in the prompt.
 */
export async function ruleHints(files: { path: string; text: string }[], max = 40): Promise<Finding[]> {
  const all = await auditOffline(files);
  return all.sort((a, b) => compareSeverity(a.severity, b.severity)).slice(0, max);
}
