/**
 * Inline suppressions: `// stakes-ignore RULE reason`, `# stakes-ignore RULE reason`, `-- stakes-ignore RULE reason`
 * (also inside block comments), on the finding's first line or the line above. RULE is a rule id, a comma
 * separated list of ids, or `*`.
 */
import type { Finding } from '../audit/findings';

const MARKER = /(?:\/\/|#|--|\/\*|<!--)\s*stakes-ignore(?:\s+([\w*-]+(?:\s*,\s*[\w*-]+)*))?(?:\s+(.*?))?\s*(?:\*\/|-->)?\s*$/;

export interface Suppression {
  line: number;
  rules: string[];
  reason: string;
}

export function parseSuppressions(text: string): Map<number, Suppression> {
  const out = new Map<number, Suppression>();
  if (!text.includes('stakes-ignore')) return out;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes('stakes-ignore')) continue;
    const m = MARKER.exec(lines[i]);
    if (!m) continue;
    const rules = (m[1] ?? '*').split(',').map((r) => r.trim()).filter(Boolean);
    out.set(i + 1, { line: i + 1, rules, reason: (m[2] ?? '').trim() });
  }
  return out;
}

export function isSuppressed(f: Finding, sups: Map<number, Suppression>): Suppression | undefined {
  for (const line of [f.startLine, f.startLine - 1]) {
    const s = sups.get(line);
    if (s && (s.rules.includes('*') || (f.ruleId !== null && s.rules.includes(f.ruleId)))) return s;
  }
  return undefined;
}
