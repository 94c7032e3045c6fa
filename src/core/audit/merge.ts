/**
 * Findings identity and merging: stable ids (file, category, normalized evidence: survives edits
 * elsewhere in the file, used for false-positive memory), and one list from AI and rule findings,
 * where a rule and the model agreeing on the same code and category become one finding with source
 * 'both'.
 */
import { createHash } from 'node:crypto';
import { compareSeverity, type Finding } from './findings';

/** Stable id of a finding: 16 hex chars. */
export function findingId(f: Pick<Finding, 'file' | 'category' | 'evidence'>): string {
  return createHash('sha256').update(`${f.file}\n${f.category}\n${f.evidence.replace(/\s+/g, '')}`).digest('hex').slice(0, 16);
}

const overlaps = (a: Finding, b: Finding): boolean => a.file === b.file && a.startLine <= b.endLine && a.endLine >= b.startLine;

/**
 * Merge grounded AI findings with rule findings. AI findings keep their wording; a matching rule
 * adds its id and can raise the severity. Duplicates (same id) from the model are collapsed.
 */
export function mergeFindings(ai: Finding[], rules: Finding[]): Finding[] {
  const out: Finding[] = [];
  const usedRules = new Set<Finding>();
  const seen = new Set<string>();
  for (const f of ai) {
    const id = f.id ?? findingId(f);
    if (seen.has(id)) continue;
    seen.add(id);
    const rule = rules.find((r) => !usedRules.has(r) && r.category === f.category && overlaps(r, f));
    if (rule) {
      usedRules.add(rule);
      out.push({ ...f, id, source: 'both', ruleId: rule.ruleId, severity: compareSeverity(rule.severity, f.severity) < 0 ? rule.severity : f.severity });
    } else {
      out.push({ ...f, id });
    }
  }
  for (const r of rules) {
    if (usedRules.has(r)) continue;
    const id = r.id ?? findingId(r);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ...r, id, source: 'rule' });
  }
  return out.sort((a, b) => compareSeverity(a.severity, b.severity) || a.file.localeCompare(b.file) || a.startLine - b.startLine);
}
