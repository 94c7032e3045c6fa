/**
 * The audit report's view model: filters, grouping (file → severity) and the counts the header
 * shows. Pure, so the webview and the unit tests share it; the DOM code only renders its output.
 */
import type { AuditReport, Finding, FindingSource, Severity } from '../../core/audit/findings';
import { findingRef, unverifiedRef } from '../../core/audit/findingRef';

/** Same order as SEVERITIES in core (kept literal so the webview bundle does not pull in zod). */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const SOURCE_ORDER: readonly FindingSource[] = ['both', 'rule', 'ai'];
export const SOURCE_LABEL: Record<FindingSource, string> = { both: 'rule + AI', rule: 'rule', ai: 'AI only' };

export interface Filters {
  /** Severities to show; empty = all. */
  severities: Severity[];
  /** Categories to show; empty = all. */
  categories: string[];
  /** Sources to show; empty = all. */
  sources: FindingSource[];
  /** Show findings marked as false positives (dimmed). */
  showSuppressed: boolean;
  /** Case-insensitive text over title, file, explanation, CWE, rule id. */
  text: string;
}

export const NO_FILTERS: Filters = { severities: [], categories: [], sources: [], showSuppressed: false, text: '' };

export interface FindingView {
  finding: Finding;
  id: string;
  suppressed: boolean;
}

export interface SeverityGroup {
  severity: Severity;
  findings: FindingView[];
}

export interface FileGroup {
  file: string;
  /** Highest severity in the file, for ordering files. */
  worst: Severity;
  count: number;
  bySeverity: SeverityGroup[];
}

export interface ReportView {
  files: FileGroup[];
  /** Findings shown after filters. */
  shown: number;
  /** Verified findings in the report (before filters, after suppression). */
  total: number;
  /** Verified findings hidden because they were marked false positive (and the toggle is off). */
  hiddenSuppressed: number;
  /** Findings hidden by the severity/category/source/text filters. */
  hiddenByFilters: number;
  countsBySeverity: Record<Severity, number>;
  countsBySource: Record<FindingSource, number>;
  /** Categories present in the report (for the filter menu), sorted. */
  categories: string[];
  /** Findings whose evidence was not found in the code: listed apart, never as diagnostics. */
  unverified: FindingView[];
}

function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

function matchesText(f: Finding, needle: string): boolean {
  if (!needle) return true;
  const hay = [f.title, f.file, f.explanation, f.cwe ?? '', f.ruleId ?? '', f.category].join('\n').toLowerCase();
  return hay.includes(needle.toLowerCase());
}

export function passesFilters(f: Finding, filters: Filters): boolean {
  if (filters.severities.length && !filters.severities.includes(f.severity)) return false;
  if (filters.categories.length && !filters.categories.includes(f.category)) return false;
  if (filters.sources.length && !filters.sources.includes(f.source)) return false;
  return matchesText(f, filters.text.trim());
}

export function buildView(report: AuditReport, suppressed: ReadonlySet<string>, filters: Filters): ReportView {
  const countsBySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  const countsBySource: Record<FindingSource, number> = { ai: 0, rule: 0, both: 0 };
  const categories = new Set<string>();
  const byFile = new Map<string, FindingView[]>();
  let total = 0;
  let hiddenSuppressed = 0;
  let hiddenByFilters = 0;

  report.findings.forEach((finding, index) => {
    const id = findingRef(finding, index);
    const isSuppressed = suppressed.has(id);
    categories.add(finding.category);
    if (isSuppressed && !filters.showSuppressed) {
      hiddenSuppressed++;
      return;
    }
    if (!isSuppressed) {
      total++;
      countsBySeverity[finding.severity]++;
      countsBySource[finding.source]++;
    }
    if (!passesFilters(finding, filters)) {
      hiddenByFilters++;
      return;
    }
    const list = byFile.get(finding.file) ?? [];
    list.push({ finding, id, suppressed: isSuppressed });
    byFile.set(finding.file, list);
  });

  const files: FileGroup[] = [...byFile.entries()].map(([file, list]) => {
    const bySeverity = SEVERITY_ORDER
      .map((severity) => ({
        severity,
        findings: list.filter((v) => v.finding.severity === severity)
          .sort((a, b) => a.finding.startLine - b.finding.startLine || a.finding.title.localeCompare(b.finding.title)),
      }))
      .filter((g) => g.findings.length > 0);
    return { file, worst: bySeverity[0].severity, count: list.length, bySeverity };
  });
  files.sort((a, b) => severityRank(a.worst) - severityRank(b.worst) || b.count - a.count || a.file.localeCompare(b.file));

  const unverified = (report.unverified ?? []).map((finding, index) => {
    const id = unverifiedRef(finding, index);
    return { finding, id, suppressed: suppressed.has(id) };
  });

  return {
    files,
    shown: files.reduce((n, f) => n + f.count, 0),
    total,
    hiddenSuppressed,
    hiddenByFilters,
    countsBySeverity,
    countsBySource,
    categories: [...categories].sort(),
    unverified,
  };
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 100_000) return `${(n / 1000).toFixed(1)}k`;
  return `${Math.round(n / 1000)}k`;
}

/** The sentence shown when nothing was found: what was checked, so "nothing" is not mistaken for "did not run". */
export function nothingFoundText(report: AuditReport, scope: { title: string; files: Array<{ file: string; judged: string }> } | null): string {
  const list = scope ? scope.files.map((f) => `${f.file} (${f.judged})`).join(', ') : '';
  const what = !scope ? 'the audited code'
    : scope.files.length === 1 && scope.title === scope.files[0].file ? list
      : `${scope.title}: ${list || 'no file'}`;
  const unverified = report.unverified?.length
    ? ` ${report.unverified.length} claim${report.unverified.length === 1 ? '' : 's'} could not be located in the code and ${report.unverified.length === 1 ? 'is' : 'are'} listed below as unverified.`
    : '';
  return `No problems found by ${report.model.id} (${report.model.provider}) in ${what}.${unverified}`;
}
