/**
 * SARIF 2.1.0 export, for code-scanning dashboards and CI. Grounded findings become results;
 * unverified findings are listed in the run's properties only (they have no trustworthy location).
 */
import type { AuditReport, Finding, Severity } from './findings';

export interface SarifOptions {
  toolVersion?: string;
  /** Base URI the finding paths are relative to (e.g. file:///repo/); becomes originalUriBaseIds.SRCROOT. */
  srcRoot?: string;
  /** What was checked, shown in the run's properties. */
  checked?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning reads properties["security-severity"] (0–10). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function ruleIdOf(f: Finding): string {
  return f.ruleId ?? `stakes.ai.${f.category}`;
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** The report as a SARIF 2.1.0 log (one run; rules from categories and rule ids; fixes when a fix is anchored). */
export function toSarif(report: AuditReport, options: SarifOptions = {}): Record<string, unknown> {
  const ruleIds = [...new Set(report.findings.map(ruleIdOf))];
  const rules = ruleIds.map((id) => {
    const sample = report.findings.find((f) => ruleIdOf(f) === id)!;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: sample.ruleId ? sample.title : `${sample.category} issue found by AI review` },
      properties: { tags: ['security', sample.category, ...(sample.cwe ? [sample.cwe] : [])] },
    };
  });
  const results = report.findings.map((f) => {
    const uri = encodePath(f.file);
    const region: Record<string, unknown> = { startLine: f.startLine, endLine: f.endLine, snippet: { text: f.evidence } };
    if (f.startColumn !== undefined) region.startColumn = f.startColumn + 1;
    if (f.endColumn !== undefined) region.endColumn = f.endColumn + 1;
    const result: Record<string, unknown> = {
      ruleId: ruleIdOf(f),
      ruleIndex: ruleIds.indexOf(ruleIdOf(f)),
      level: LEVEL[f.severity],
      message: { text: `${f.title}\n\n${f.explanation}` },
      locations: [{ physicalLocation: { artifactLocation: { uri, ...(options.srcRoot ? { uriBaseId: 'SRCROOT' } : {}) }, region } }],
      partialFingerprints: { 'stakesFindingId/v1': f.id ?? '' },
      properties: {
        severity: f.severity, category: f.category, confidence: f.confidence, source: f.source,
        'security-severity': SECURITY_SEVERITY[f.severity], ...(f.cwe ? { cwe: f.cwe } : {}),
      },
    };
    if (f.fix !== null && f.startColumn !== undefined && f.endColumn !== undefined) {
      result.fixes = [{
        description: { text: `Replace the quoted code (suggested by ${report.model.provider} ${report.model.id})` },
        artifactChanges: [{
          artifactLocation: { uri, ...(options.srcRoot ? { uriBaseId: 'SRCROOT' } : {}) },
          replacements: [{
            deletedRegion: { startLine: f.startLine, startColumn: f.startColumn + 1, endLine: f.endLine, endColumn: f.endColumn + 1 },
            insertedContent: { text: f.fix },
          }],
        }],
      }];
    }
    return result;
  });
  const run: Record<string, unknown> = {
    tool: { driver: { name: 'Stakes', version: options.toolVersion ?? '0.0.0', informationUri: 'https://example.invalid/stakes', rules } },
    results,
    invocations: [{ executionSuccessful: true }],
    properties: {
      summary: report.summary,
      model: report.model,
      usage: report.usage,
      ...(options.checked ? { checked: options.checked } : {}),
      unverifiedCount: report.unverified.length,
      unverified: report.unverified.map((f) => ({ title: f.title, file: f.file, claimedLines: `${f.startLine}-${f.endLine}`, evidence: f.evidence })),
    },
  };
  if (options.srcRoot) run.originalUriBaseIds = { SRCROOT: { uri: options.srcRoot.endsWith('/') ? options.srcRoot : `${options.srcRoot}/` } };
  return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
}
