/**
 * The id a finding goes by in the report webview, the Problems panel and its quick fixes. The core
 * sets `id` on every finding it grounds (merge.ts); reports cached or stored by older versions may
 * lack it, and get one derived from where and what. Browser-safe: the report webview imports it.
 */
import type { AuditReport, Finding } from './findings';

/** A grounded finding's id: its own, else file, line, category and position in the report. */
export function findingRef(f: Finding, index: number): string {
  return f.id ?? `${f.file}:${f.startLine}:${f.category}:${index}`;
}

/** An unverified finding's id (never equal to a grounded one's). */
export function unverifiedRef(f: Finding, index: number): string {
  return f.id ?? `unverified:${findingRef(f, index)}`;
}

/** The report with an id on every finding. */
export function withFindingRefs(report: AuditReport): AuditReport {
  return {
    ...report,
    findings: report.findings.map((f, i) => ({ ...f, id: findingRef(f, i) })),
    unverified: report.unverified.map((f, i) => ({ ...f, id: unverifiedRef(f, i) })),
  };
}
