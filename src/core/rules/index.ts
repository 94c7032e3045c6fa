/**
 * Offline audit: deterministic rules over TypeScript/JavaScript, Python, Go and SQL with no key and no network.
 * `analyzeFile` checks one file with one walk per language (lang/<language>/walk.ts) and every rule's matcher
 * (<rule-id>/); `auditOffline` a set of files; `ruleHints` gives the AI audit the hits on the code it reviews.
 * Parsers load on first use of their language (the TypeScript compiler, tree-sitter, libpg_query).
 *
 * Quiet by default: a finding is a *problem* (Problems panel, CLI report) only when its rule is a problem-tier
 * rule and its confidence reaches `minConfidence` (CONFIDENT); the rest are *hints* for the AI audit. Tests,
 * fixtures, generated and vendored files are skipped unless asked for.
 */
import { compareSeverity, severityAtLeast, type Finding, type Severity } from '../audit/findings';
import { isRuleId, RULE_MODULES, RULES, ruleMeta, type RuleLanguage } from './catalog';
import { Reporter, type RuleError } from './engine';
import { hitToFinding, lineStarts } from './hits';
// The walks are plain code; the parsers they use (TypeScript compiler, tree-sitter, libpg_query) load on first use.
import { newGoFile, walkGo } from './lang/go/walk';
import { migrationCollector as pyMigrations } from './lang/python/migrations';
import { summarizeModule, type ModuleReader } from './lang/python/modules';
import { newPyFile, walkPython } from './lang/python/walk';
import { sqlUnit } from './lang/sql/files';
import { walkMigration, type MigrationUnit } from './lang/sql/ops';
import { loadPg } from './lang/sql/pg';
import { migrationCollector as tsMigrations } from './lang/ts/migrations';
import { walkTypeScript } from './lang/ts/walk';
import { copyTree, type SyntaxNode } from './lang/syntax-tree';
import { parserFor } from './treesitter';
import type { ProjectFacts } from './project';
import { isTestPath } from './secrets';
import { isSuppressed, parseSuppressions, type Suppression } from './suppress';

export { mayBeMigration } from './migrationPath';
export { RULES, ruleMeta, isRuleId, listRulesText, ruleTableMarkdown, type RuleId, type RuleMeta } from './catalog';
export { applyBaseline, createBaseline, parseBaseline, type BaselineFile } from './baseline';
export { ProjectResolver, type ProjectFacts } from './project';
export { workspaceModuleReader } from './modules';
export type { ModuleReader } from './lang/python/modules';

/** Files larger than this are generated or vendored (bundles, dumps): skipped with a reason. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** The confidence a finding needs to be a problem by default (`stakes.rules.minConfidence`, `--min-confidence`). */
export const CONFIDENT = 0.7;

export interface RuleOptions {
  /** Only these rule ids (default: all). */
  only?: string[];
  /** Never these rule ids. */
  disable?: string[];
  /** Drop findings below this severity. */
  minSeverity?: Severity;
  /** Findings below this confidence are hints, not problems (default CONFIDENT). */
  minConfidence?: number;
  /** Check test files and fixtures too. */
  includeTests?: boolean;
  /** Check generated and vendored files too. */
  includeGenerated?: boolean;
  /**
   * The file is on the main branch and unchanged since (core/review `mainBranchHistory`): if it is
   * a migration it has already run, so what the migration rules find there is a hint, not a problem.
   */
  onMainBranch?: boolean;
  /** Dependency versions of the project the file belongs to (jsonwebtoken ≥ 9, PyJWT ≥ 2…). */
  project?: ProjectFacts;
  /** Reads a workspace module the file imports (Python dotted name), so data is followed into it. */
  readModule?: ModuleReader;
}

export interface FileResult {
  path: string;
  language: RuleLanguage | null;
  /** Problems: confident findings of problem-tier rules. */
  findings: Finding[];
  /** Everything else the rules found: passed to the AI audit, never shown as problems. */
  hints: Finding[];
  /** Findings silenced by a stakes-ignore comment, with the comment. */
  suppressed: { finding: Finding; suppression: Suppression }[];
  /** Why the file was not analysed, when it was not. */
  skipped?: string;
  /** Rules that failed on this file (the others still ran). */
  ruleErrors?: RuleError[];
  /** Problems held back as hints because the migration is on the main branch (`onMainBranch`). */
  heldBack?: number;
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

const VENDORED = /(?:^|\/)(?:vendor|node_modules|third[-_]party|bower_components|site-packages|\.venv|venv)\//;
const GENERATED_PATH = /\.pb\.go$|_pb2(?:_grpc)?\.py$|\.pb\.[jt]s$|(?:^|\/)(?:__generated__|generated|gen)\/|\.generated\.[a-z]+$|\.gen\.[a-z]+$|_gen\.go$|_string\.go$|(?:^|\/)zz_generated[^/]*\.go$|\.bundle\.js$/;
/** Headers of generated files (Go's convention, @generated, tool banners). Django's "Generated by Django" migrations are real code. */
const GENERATED_HEADER = /^(?:[^\n]*\n){0,4}[^\n]*(?:Code generated .* DO NOT EDIT|@generated\b|auto-?generated (?:file|code|by)|This file (?:is|was) (?:automatically )?generated|DO NOT EDIT\b)/i;
const DOCS_SITE = /(?:^|\/)(?:docs?|documentation|website)\/(?:[^/]+\/)*(?:assets|static|js|_static|theme|themes)\//;

/** Why a file is not checked by default: a test or fixture, generated or vendored code. */
export function defaultSkipReason(path: string, text: string, options: Pick<RuleOptions, 'includeTests' | 'includeGenerated'> = {}): string | undefined {
  if (!options.includeTests && isTestPath(path)) return 'a test or fixture file (include it with --include-tests or the setting stakes.rules.includeTests)';
  if (options.includeGenerated) return undefined;
  if (VENDORED.test(path)) return 'vendored third-party code (include it with --include-generated)';
  if (DOCS_SITE.test(path)) return 'documentation-site assets (include them with --include-generated)';
  if (GENERATED_PATH.test(path) || (GENERATED_HEADER.test(text.slice(0, 1500)) && !/Generated by Django/.test(text.slice(0, 300)))) {
    return 'generated code (include it with --include-generated)';
  }
  return undefined;
}

function validateOptions(options: RuleOptions): void {
  for (const id of [...(options.only ?? []), ...(options.disable ?? [])]) {
    if (!isRuleId(id)) throw new Error(`unknown rule "${id}". Known rules: ${RULES.map((r) => r.id).join(', ')}.`);
  }
}

/** Migrations written for another database (a sqlite/ or mysql/ folder, or a project whose drivers are not PostgreSQL's). */
function notPostgres(path: string, project: ProjectFacts | undefined): boolean {
  if (/(?:^|\/)(?:sqlite3?|mysql|mariadb|mssql|sqlserver|oracle)(?:\/|[-_.])/i.test(path)) return true;
  const dbs = project?.databases;
  return !!dbs && dbs.size > 0 && !dbs.has('postgres');
}

/** Whether a TS/JS/Python file is a migration whose operations the migration rules check. */
function looksLikeMigration(path: string, text: string): boolean {
  return /(?:^|\/)(?:migrations?|migrate|alembic|versions|db\/migrate)\//i.test(path) ||
    /MigrationInterface|queryInterface\.|\bpgm\.|class\s+Migration\s*\(\s*migrations\.Migration|from\s+alembic\s+import\s+op/.test(text.slice(0, 4000));
}

function selected(options: RuleOptions): typeof RULE_MODULES {
  const only = options.only?.length ? new Set(options.only) : undefined;
  const disable = new Set(options.disable ?? []);
  return RULE_MODULES.filter((m) => (!only || only.has(m.meta.id)) && !disable.has(m.meta.id));
}

async function walkFile(language: RuleLanguage, path: string, text: string, options: RuleOptions): Promise<Reporter> {
  const rules = selected(options);
  // The migration rules are PostgreSQL's hazards (Squawk): other databases lock and rewrite differently.
  const migration = notPostgres(path, options.project) ? [] : rules.flatMap((m) => (m.sql ? [m.sql] : []));
  const walkOptions = { atStartup: options.project?.migrationsAtStartup };
  if (language === 'sql') {
    const reporter = new Reporter(text);
    const unit = migration.length ? await sqlUnit(path, text) : undefined;
    if (unit) walkMigration(unit, migration, reporter, walkOptions);
    return reporter;
  }
  const isMigration = migration.length > 0 && looksLikeMigration(path, text);
  if (isMigration) await loadPg();
  if (language === 'typescript') {
    let unit: (() => MigrationUnit) | undefined;
    const reporter = walkTypeScript(path, text, rules.flatMap((m) => (m.typescript ? [m.typescript] : [])), options.project, isMigration ? (file) => {
      const c = tsMigrations(file);
      unit = c.unit;
      return c.listeners;
    } : undefined);
    if (unit) walkMigration(unit(), migration, reporter, walkOptions);
    return reporter;
  }
  const parser = await parserFor(language);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`the ${language === 'go' ? 'Go' : 'Python'} parser returned no tree`);
  let root: SyntaxNode;
  try {
    root = copyTree(tree, text);
  } finally {
    tree.delete();
  }
  {
    if (language === 'go') return walkGo(root, newGoFile(path, text, root, options.project), rules.flatMap((m) => (m.go ? [m.go] : [])));
    const read = options.readModule;
    // Summaries parse the imported module with the same parser (this file's tree is already copied out).
    const file = newPyFile(path, text, root, options.project, read && ((dotted) => {
      const m = read(path, dotted);
      return m ? summarizeModule(parser, m.path, m.text) : undefined;
    }));
    const collector = isMigration ? pyMigrations(file) : undefined;
    const reporter = walkPython(root, file, rules.flatMap((m) => (m.python ? [m.python] : [])), collector ? [collector.listeners] : []);
    if (collector) walkMigration(collector.unit(), migration, reporter, walkOptions);
    return reporter;
  }
}

/** Analyse one file. Paths are used as given in findings (pass workspace-relative paths with forward slashes). */
export async function analyzeFile(path: string, text: string, options: RuleOptions = {}): Promise<FileResult> {
  const language = languageOf(path);
  const empty = { path, language, findings: [], hints: [], suppressed: [] };
  if (!language) return { ...empty, skipped: 'not a TypeScript, JavaScript, Python, Go or SQL file' };
  if (text.length > MAX_FILE_BYTES) return { ...empty, skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB (generated or vendored code)` };
  if (text.includes('\0')) return { ...empty, skipped: 'binary content' };
  const skip = defaultSkipReason(path, text, options);
  if (skip) return { ...empty, skipped: skip };
  const reporter = await walkFile(language, path, text, options);
  const starts = lineStarts(text);
  const minConfidence = options.minConfidence ?? CONFIDENT;
  const sups = parseSuppressions(text);
  const best = new Map<string, Finding>();
  for (const h of reporter.hits) {
    const f = hitToFinding(path, text, starts, h);
    if (options.minSeverity && !severityAtLeast(f.severity, options.minSeverity)) continue;
    // One finding per rule and place: a sink reached both directly and through a caller keeps the stronger.
    const key = `${f.ruleId}:${f.startLine}:${f.startColumn}:${f.evidence}`;
    const prev = best.get(key);
    if (!prev || compareSeverity(f.severity, prev.severity) < 0 || (f.severity === prev.severity && f.confidence > prev.confidence)) {
      best.set(key, prev?.fix && !f.fix ? { ...f, fix: prev.fix } : f);
    } else if (!prev.fix && f.fix) best.set(key, { ...prev, fix: f.fix });
  }
  const findings: Finding[] = [];
  const hints: Finding[] = [];
  const suppressed: FileResult['suppressed'] = [];
  let heldBack = 0;
  for (const f of best.values()) {
    const s = isSuppressed(f, sups);
    if (s) suppressed.push({ finding: f, suppression: s });
    else if (ruleMeta(f.ruleId!).tier !== 'problem' || f.confidence < minConfidence) hints.push(f);
    else if (options.onMainBranch && f.category === 'migration') {
      hints.push(f);
      heldBack++;
    } else findings.push(f);
  }
  const order = (a: Finding, b: Finding): number => a.startLine - b.startLine || compareSeverity(a.severity, b.severity);
  findings.sort(order);
  hints.sort(order);
  return { path, language, findings, hints, suppressed, ...(reporter.errors.length ? { ruleErrors: reporter.errors } : {}), ...(heldBack ? { heldBack } : {}) };
}

/** Findings (problems) for one file, suppressions applied. */
export async function runRules(path: string, text: string, options: RuleOptions = {}): Promise<Finding[]> {
  validateOptions(options);
  return (await analyzeFile(path, text, options)).findings;
}

export interface OfflineAuditOptions extends RuleOptions {
  /** Called for each file that could not be analysed (too large, parser failure), instead of failing the run. */
  onSkip?: (path: string, reason: string) => void;
  onFile?: (result: FileResult) => void;
}

/** Problems for a set of files, sorted by file then line. */
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
 * Rule hits to send to the model with the code it reviews (the AI audit's `hints`): problems and hints alike,
 * the model is asked to confirm or refute each, and agreeing findings are shown as "both". Highest severity and
 * confidence first, capped so hints never crowd out the code in the prompt. The code under review is checked
 * even when it is a test file.
 */
export async function ruleHints(files: { path: string; text: string }[], max = 40, options: RuleOptions = {}): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const f of files) {
    try {
      const r = await analyzeFile(f.path, f.text, { includeTests: true, ...options });
      all.push(...r.findings, ...r.hints);
    } catch {
      // a file the rules cannot read is audited without hints
    }
  }
  return all.sort((a, b) => compareSeverity(a.severity, b.severity) || b.confidence - a.confidence).slice(0, max);
}
