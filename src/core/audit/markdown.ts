/** Markdown export: a report a developer can paste into a pull request or an issue. */
import { compareSeverity, type AuditReport, type Finding } from './findings';
import { formatUsd } from './cost';

function fence(code: string, lang = ''): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${code}\n${ticks}`;
}

function langOf(file: string): string {
  const ext = file.split('.').pop() ?? '';
  return ({ ts: 'ts', tsx: 'tsx', js: 'js', mjs: 'js', cjs: 'js', py: 'python', go: 'go', java: 'java', rb: 'ruby', sql: 'sql', cs: 'csharp', php: 'php', rs: 'rust', kt: 'kotlin' } as Record<string, string>)[ext] ?? '';
}

function lines(f: Finding): string {
  return f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}–${f.endLine}`;
}

function findingBlock(f: Finding): string {
  const meta = [`**${f.severity}**`, f.category, f.cwe, `confidence ${Math.round(f.confidence * 100)}%`,
    f.source === 'both' ? `AI + rule ${f.ruleId}` : f.source === 'rule' ? `rule ${f.ruleId}` : 'AI'].filter(Boolean).join(' · ');
  const parts = [`#### ${f.title}`, '', `${meta} — \`${f.file}\` ${lines(f)}`, '', fence(f.evidence, langOf(f.file)), '', f.explanation];
  if (f.fix !== null) parts.push('', 'Suggested fix:', '', fence(f.fix, langOf(f.file)));
  return parts.join('\n');
}

/** The report as Markdown: counts, findings grouped by file (worst first) with evidence and fix, unverified ones apart. */
export function toMarkdown(report: AuditReport, checked?: string): string {
  const out: string[] = ['# Stakes audit', ''];
  const u = report.usage;
  out.push(`Model: ${report.model.provider} \`${report.model.id}\` · ${u.inputTokens} input tokens (${u.cachedInputTokens} cached), ` +
    `${u.outputTokens} output · ${formatUsd(u.costUsd)}`, '');
  if (checked) out.push(checked, '');
  out.push(report.summary, '');
  const counts = ['critical', 'high', 'medium', 'low', 'info'].map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  out.push(`**${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}**${counts.length ? ` (${counts.join(', ')})` : ''}` +
    (report.unverified.length ? `, ${report.unverified.length} unverified` : ''), '');
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, findings] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`## \`${file}\``, '');
    for (const f of [...findings].sort((a, b) => compareSeverity(a.severity, b.severity) || a.startLine - b.startLine)) out.push(findingBlock(f), '');
  }
  if (report.unverified.length) {
    out.push('## Unverified', '', 'The model quoted code that is not in the audited files, so these could not be placed. Treat them with suspicion.', '');
    for (const f of report.unverified) out.push(`- **${f.severity}** ${f.title} (\`${f.file}\`, claimed ${lines(f)}): ${f.explanation}`);
    out.push('');
  }
  return out.join('\n');
}
