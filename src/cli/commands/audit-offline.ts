/**
 * `stakes audit --offline`: the deterministic rules over the audit's targets, with inline suppressions
 * and a baseline so only new findings fail CI. `stakes audit` (audit.ts) parses the arguments and the
 * scope, then hands the targets here.
 *   --write-baseline           record the current findings (to --baseline FILE, default .stakes-baseline.json)
 *   --baseline FILE            hide the findings recorded in FILE; only new ones are reported and fail --fail-on
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { AuditReport, Finding } from '../../core/audit/findings';
import { mergeFindings } from '../../core/audit/merge';
import { intersectsJudged, judgedRanges } from '../../core/audit/scope';
import type { AuditTarget } from '../../core/audit/types';
import { mainBranchHistory } from '../../core/review/git';
import * as rules from '../../core/rules';
import { UserError } from '../io';

export const DEFAULT_BASELINE = '.stakes-baseline.json';

export interface OfflineOptions {
  /** Workspace root: findings' paths are relative to it, and the default baseline lives there. */
  root: string;
  cwd: string;
  baseline?: string;
  writeBaseline?: boolean;
  stderr: (text: string) => void;
  /** Rule findings at or above this confidence are reported (default: the core's CONFIDENT). */
  minConfidence?: number;
  /** Report hints too (AI-audit-only rules, low-confidence matches). */
  hints?: boolean;
  includeTests?: boolean;
  includeGenerated?: boolean;
  /** Absolute paths named on the command line: checked even when they are tests or generated. */
  named?: string[];
}

export interface OfflineResult {
  report: AuditReport;
  checked: string;
  /** Lines for the user besides the report (suppressed and baseline counts). */
  extra: string[];
  /** Set when --write-baseline wrote the file: the caller prints nothing else and exits 0. */
  wroteBaseline?: string;
}

/**
 * A batch over many files makes short-lived syntax trees at a high rate, and V8 then lets the heap grow to
 * four times what is live before collecting (DefectDojo's 1,450 files: a 450 MB peak for some 60 MB live).
 * Growing by a quarter at most keeps that peak near 300 MB at no measured cost in time (npm run bench, rules).
 * The flag only decides when the next collection runs and is read at each one, so setting it now takes effect.
 */
let heapGrowthCapped = false;
function capHeapGrowth(): void {
  if (heapGrowthCapped) return;
  heapGrowthCapped = true;
  setFlagsFromString('--heap-growing-percent=25');
}

export async function runOfflineAudit(targets: AuditTarget[], opts: OfflineOptions): Promise<OfflineResult> {
  if (targets.length > 1) capHeapGrowth();
  const findings: Finding[] = [];
  let suppressed = 0;
  let analysed = 0;
  const resolver = new rules.ProjectResolver(opts.root);
  const readModule = rules.workspaceModuleReader(opts.root);
  const named = opts.named ?? [];
  const skipped = new Map<string, number>();
  // Migrations already on the main branch have run: their lock warnings are hints (one git query for all files).
  const history = targets.some((t) => rules.mayBeMigration(t.path)) ? await mainBranchHistory(opts.root) : null;
  let historic = 0;
  for (const t of targets) {
    let r;
    const abs = path.join(opts.root, t.path);
    const explicit = named.some((n) => abs === n);
    const onMainBranch = !!history && history.has(path.relative(history.root, abs).split(path.sep).join('/'));
    try {
      r = await rules.analyzeFile(t.path, t.content, {
        project: resolver.factsFor(abs), minConfidence: opts.minConfidence, readModule,
        includeTests: opts.includeTests || explicit, includeGenerated: opts.includeGenerated || explicit, onMainBranch,
      });
    } catch (e) {
      opts.stderr(`stakes audit: skipped ${t.path}: analysis failed (${(e as Error).message})\n`);
      continue;
    }
    if (r.skipped) {
      // Tests and generated code are counted, not listed one by one: there are many and skipping them is the default.
      const kind = /test or fixture/.test(r.skipped) ? 'test or fixture' : /generated|vendored|documentation/.test(r.skipped) ? 'generated, vendored or documentation' : '';
      if (kind) skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      else if (r.language) opts.stderr(`stakes audit: skipped ${t.path}: ${r.skipped}\n`);
      continue;
    }
    for (const e of r.ruleErrors ?? []) opts.stderr(`stakes audit: rule ${e.ruleId} failed on ${t.path} (${e.message}); the other rules ran.\n`);
    analysed++;
    historic += r.heldBack ?? 0;
    // Same scope rule as the AI audit: only findings on judged lines (selection, changed hunks).
    const ranges = judgedRanges(t);
    findings.push(...[...r.findings, ...(opts.hints ? r.hints : [])].filter((f) => intersectsJudged(ranges, f.startLine, f.endLine)));
    suppressed += r.suppressed.filter((s) => intersectsJudged(ranges, s.finding.startLine, s.finding.endLine)).length;
  }

  const baselinePath = opts.baseline ? path.resolve(opts.cwd, opts.baseline) : path.join(opts.root, DEFAULT_BASELINE);
  if (opts.writeBaseline) {
    const data = rules.createBaseline(findings);
    try {
      fs.writeFileSync(baselinePath, JSON.stringify(data, null, 2) + '\n');
    } catch (e) {
      throw new UserError(`cannot write the baseline to ${baselinePath} (${(e as Error).message}). Pass --baseline FILE with a writable path.`);
    }
    const checked = `Recorded ${findings.length} finding(s) from ${analysed} file(s) in ${path.relative(opts.cwd, baselinePath) || baselinePath}.`;
    return { report: emptyReport(checked), checked, extra: [], wroteBaseline: baselinePath };
  }

  const extra: string[] = [];
  for (const [kind, n] of skipped) {
    extra.push(`${n} ${kind} file(s) not checked (${kind === 'test or fixture' ? '--include-tests' : '--include-generated'} checks them).`);
  }
  let shown = findings;
  if (opts.baseline) {
    let json: string;
    try {
      json = fs.readFileSync(baselinePath, 'utf8');
    } catch {
      throw new UserError(`--baseline ${opts.baseline}: cannot read ${baselinePath}. Create it with \`stakes audit --offline PATH --write-baseline --baseline ${opts.baseline}\`.`);
    }
    let baseline;
    try {
      baseline = rules.parseBaseline(json, opts.baseline);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const split = rules.applyBaseline(findings, baseline);
    shown = split.fresh;
    if (split.known.length) extra.push(`${split.known.length} known finding(s) from the baseline ${opts.baseline} not shown.`);
  }
  if (historic && !opts.hints) {
    extra.push(`${historic} migration finding(s) in migrations already on ${history!.where} (they have run) shown as hints only: --hints lists them.`);
  }
  if (suppressed) extra.push(`${suppressed} finding(s) suppressed by stakes-ignore comments.`);
  const merged = mergeFindings([], shown);
  const checked = `Checked ${analysed} file(s) (${targets.length === 1 ? targets[0].path : `${targets.length} given`}) with ${rules.RULES.length} deterministic rules only (no model, nothing sent).`;
  const report: AuditReport = {
    findings: merged,
    unverified: [],
    summary: merged.length ? `${merged.length} rule finding(s)${opts.baseline ? ' not in the baseline' : ''}.` : `No findings. ${checked}`,
    model: { provider: 'stakes', id: 'offline-rules' },
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 },
  };
  return { report, checked, extra };
}

function emptyReport(summary: string): AuditReport {
  return { findings: [], unverified: [], summary, model: { provider: 'stakes', id: 'offline-rules' }, usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 } };
}
