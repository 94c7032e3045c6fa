/** A rule hit inside one file (character offsets), and its conversion to the shared Finding contract. */
import { createHash } from 'node:crypto';
import type { Finding, FlowStep } from '../audit/findings';
import { computeLineStarts, lineOf } from '../classify/text';
import { ruleMeta } from './catalog';
import type { RuleHit } from './rule';
import type { Step } from './taint';

export type { RuleHit } from './rule';


/** Offsets of each line start, for offset → (line, column). */
export const lineStarts = computeLineStarts;

export function positionAt(starts: number[], offset: number): { line: number; column: number } {
  const line = lineOf(starts, offset);
  return { line, column: offset - starts[line - 1] };
}

/** Whitespace-insensitive form of evidence: the same code reformatted keeps its id and baseline entry. */
export function normalizeEvidence(evidence: string): string {
  return evidence.replace(/\s+/g, '');
}

export function ruleFindingId(file: string, ruleId: string, evidence: string): string {
  return createHash('sha256').update(`${file}\0${ruleId}\0${normalizeEvidence(evidence)}`).digest('hex').slice(0, 16);
}

/** Confidence of a hit that does not say: the rule's findings are believed but not certain. */
export const DEFAULT_CONFIDENCE = 0.8;

function flowSteps(text: string, starts: number[], flow: Step[] | undefined): FlowStep[] | undefined {
  if (!flow?.length) return undefined;
  return flow.map((s) => {
    const at = positionAt(starts, s.start);
    const lineEnd = text.indexOf('\n', s.start);
    const code = text.slice(s.start, Math.min(s.end, lineEnd < 0 ? text.length : lineEnd)).trim().slice(0, 160);
    return { line: at.line, column: at.column, code, note: s.note };
  });
}

export function hitToFinding(file: string, text: string, starts: number[], hit: RuleHit): Finding {
  const meta = ruleMeta(hit.ruleId);
  // Evidence never ends in trailing whitespace or starts with it: trim the range, not the quote.
  let { start, end } = hit;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  const evidence = text.slice(start, end);
  const from = positionAt(starts, start);
  const to = positionAt(starts, end);
  const flow = flowSteps(text, starts, hit.flow);
  return {
    title: hit.title ?? meta.title,
    severity: hit.severity ?? meta.severity,
    category: meta.category,
    cwe: meta.cwe,
    file,
    startLine: from.line,
    endLine: to.line,
    startColumn: from.column,
    endColumn: to.column,
    evidence,
    explanation: hit.explanation,
    fix: hit.fix ?? null,
    confidence: hit.confidence ?? DEFAULT_CONFIDENCE,
    source: 'rule',
    ruleId: hit.ruleId,
    id: ruleFindingId(file, hit.ruleId, evidence),
    ...(flow ? { flow } : {}),
  };
}
