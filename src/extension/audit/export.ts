/**
 * "Export audit report": the core's SARIF 2.1.0 and Markdown renderers, written where the user
 * picks. Findings marked as false positives are kept in SARIF as suppressed results (so code
 * scanning tools do not reopen them) and left out of the Markdown.
 */
import * as vscode from 'vscode';
import type { AuditReport } from '../../core/audit/findings';
import { toMarkdown } from '../../core/audit/markdown';
import { toSarif } from '../../core/audit/sarif';
import type { AuditRun } from '../../core/audit/types';
import type { ReportScope } from '../../protocol/auditReport';

export type ExportFormat = 'sarif' | 'markdown';

function checkedSentence(run: AuditRun | undefined, scope: ReportScope): string {
  return run?.checkedDescription ?? `Checked ${scope.files.map((f) => `${f.file} (${f.judged})`).join('; ')}.`;
}

/** Mark suppressed results: the core renders one result per finding, in order. */
function withSuppressions(sarif: Record<string, unknown>, report: AuditReport, suppressed: ReadonlySet<string>): Record<string, unknown> {
  const runs = sarif.runs as Array<{ results?: Array<Record<string, unknown>> }> | undefined;
  const results = runs?.[0]?.results;
  if (!results || results.length !== report.findings.length) return sarif;
  report.findings.forEach((f, i) => {
    if (f.id && suppressed.has(f.id)) {
      results[i].suppressions = [{ kind: 'external', status: 'accepted', justification: 'Marked as a false positive in Stakes' }];
    }
  });
  return sarif;
}

export function renderExport(format: ExportFormat, report: AuditReport, run: AuditRun | undefined, scope: ReportScope,
  suppressed: ReadonlySet<string>, options: { toolVersion?: string; srcRoot?: string } = {}): string {
  const checked = checkedSentence(run, scope);
  if (format === 'sarif') {
    return `${JSON.stringify(withSuppressions(toSarif(report, { ...options, checked }), report, suppressed), null, 2)}\n`;
  }
  const kept = report.findings.filter((f) => !(f.id && suppressed.has(f.id)));
  const hidden = report.findings.length - kept.length;
  const note = hidden ? ` ${hidden} finding${hidden === 1 ? '' : 's'} marked as false positive ${hidden === 1 ? 'is' : 'are'} not listed.` : '';
  return toMarkdown({ ...report, findings: kept }, `${checked}${note}`);
}

/** Ask where to save and write the file; returns its Uri, or undefined when the user cancelled. */
export async function exportReport(format: ExportFormat, report: AuditReport, run: AuditRun | undefined, scope: ReportScope,
  suppressed: string[], given?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders[0]?.uri;
  const name = format === 'sarif' ? 'stakes-audit.sarif' : 'stakes-audit.md';
  const target = given ?? await vscode.window.showSaveDialog({
    title: format === 'sarif' ? 'Export audit report as SARIF 2.1.0' : 'Export audit report as Markdown',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { Markdown: ['md'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  const ext = vscode.extensions.getExtension('stakes-dev.stakes');
  const text = renderExport(format, report, run, scope, new Set(suppressed), {
    toolVersion: ext?.packageJSON?.version,
    // Finding paths are relative to the (single) workspace folder.
    srcRoot: folders.length === 1 && folder ? `${folder.toString()}/` : undefined,
  });
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  return target;
}
