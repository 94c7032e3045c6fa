/** How `stakes audit` prints a report: text, JSON, SARIF or Markdown, to stdout or --output; the --fail-on exit code. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { severityAtLeast, type AuditReport, type Severity } from '../core/audit/findings';
import { toMarkdown } from '../core/audit/markdown';
import { toSarif } from '../core/audit/sarif';
import { EXIT_FINDINGS, UserError, type CliIO } from './io';

export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

declare const STAKES_VERSION: string | undefined;
const TOOL_VERSION = typeof STAKES_VERSION === 'string' ? STAKES_VERSION : 'dev';

export interface OutputOptions {
  format: Format;
  /** Write here (relative to the working directory) instead of stdout. */
  output?: string;
  failOn?: Severity;
}

function textReport(report: AuditReport, checked: string, extra: string[]): string {
  const out: string[] = [];
  for (const f of report.findings) {
    const where = f.startLine === f.endLine ? `${f.startLine}` : `${f.startLine}-${f.endLine}`;
    out.push(`${f.file}:${where}${f.startColumn !== undefined ? `:${f.startColumn + 1}` : ''}  ${f.severity.toUpperCase()}  [${f.category}${f.cwe ? ` ${f.cwe}` : ''}] ${f.title}` +
      (f.source !== 'ai' ? ` (${f.source === 'both' ? 'AI + ' : ''}rule ${f.ruleId})` : ''));
    out.push(...f.evidence.split('\n').map((l) => `    | ${l}`));
    out.push(`    ${f.explanation}`);
    if (f.fix !== null) out.push('    fix:', ...f.fix.split('\n').map((l) => `    + ${l}`));
    out.push('');
  }
  if (report.unverified.length) {
    out.push(`${report.unverified.length} unverified finding(s): the model quoted code that is not in the audited files:`);
    for (const f of report.unverified) out.push(`  - ${f.severity} ${f.title} (${f.file}, claimed line ${f.startLine})`);
    out.push('');
  }
  // "No findings. Checked …" already says what was checked: print it once.
  out.push(report.summary, ...(report.summary.includes(checked) ? [] : [checked]), ...extra);
  return out.join('\n') + '\n';
}

/**
 * Print the report in the chosen format; `extra` lines (usage, notes) go with the text report or to
 * stderr. Returns the exit code: EXIT_FINDINGS when a finding is at or above --fail-on.
 */
export function emitReport(report: AuditReport, checked: string, extra: string[], options: OutputOptions, io: CliIO): number {
  const text = options.format === 'json' ? JSON.stringify(report, null, 2) + '\n'
    : options.format === 'sarif' ? JSON.stringify(toSarif(report, { toolVersion: TOOL_VERSION, checked }), null, 2) + '\n'
      : options.format === 'markdown' ? toMarkdown(report, checked)
        : textReport(report, checked, extra);
  if (options.output) {
    try {
      fs.writeFileSync(path.resolve(io.cwd, options.output), text);
    } catch (e) {
      throw new UserError(`--output ${options.output}: cannot write (${(e as Error).message}).`);
    }
    io.stderr(`stakes audit: report written to ${options.output}\n`);
  } else io.stdout(text);
  if (options.format !== 'text') for (const line of extra) io.stderr(`stakes audit: ${line}\n`);
  const failOn = options.failOn;
  const worst = failOn ? report.findings.filter((f) => severityAtLeast(f.severity, failOn)) : [];
  if (worst.length) {
    io.stderr(`stakes audit: ${worst.length} finding(s) at or above ${failOn}.\n`);
    return EXIT_FINDINGS;
  }
  return 0;
}
