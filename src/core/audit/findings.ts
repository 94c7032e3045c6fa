/**
 * The one findings contract shared by the AI audit (issue: AI audit) and the offline rules
 * (issue: offline rules). Every provider's output and every rule hit is validated against it.
 * Providers must produce `ModelReview` (what a model is asked to return); the pipeline adds
 * model/usage and grounding to make an `AuditReport`.
 */
import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'authz', 'authn', 'injection', 'secrets', 'crypto', 'transactions', 'data-integrity',
  'error-handling', 'concurrency', 'validation', 'performance', 'migration', 'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A finding as a model must return it. Nullable (not optional) fields: OpenAI strict mode needs every key. */
export const ModelFinding = z.object({
  title: z.string().min(1).describe('One line: what is wrong'),
  severity: z.enum(SEVERITIES),
  category: z.enum(CATEGORIES),
  cwe: z.string().regex(/^CWE-\d+$/).nullable().describe('e.g. CWE-89, or null'),
  file: z.string().min(1).describe('Path of the audited file, as given'),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  evidence: z.string().min(1).describe('The exact code the finding is about, quoted verbatim from the file'),
  explanation: z.string().min(1),
  fix: z.string().nullable().describe('Replacement code for the evidence, or null'),
  confidence: z.number().min(0).max(1),
});
export type ModelFinding = z.infer<typeof ModelFinding>;

export const ModelReview = z.object({
  findings: z.array(ModelFinding),
  summary: z.string(),
});
export type ModelReview = z.infer<typeof ModelReview>;

/** Where a finding came from: a model, a deterministic rule, or both agreeing on the same code. */
export const FindingSource = z.enum(['ai', 'rule', 'both']);
export type FindingSource = z.infer<typeof FindingSource>;

/** One step of the data a rule finding followed: where it was read, the assignments and calls it went through, the sink. */
export const FlowStep = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(0),
  /** The code at that step, one line. */
  code: z.string(),
  note: z.string(),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const Finding = ModelFinding.extend({
  source: FindingSource.default('ai'),
  /** Rule id for rule-backed findings (e.g. "sql-injection"), null for AI-only findings. */
  ruleId: z.string().nullable().default(null),
  /** Stable id: hash of file, category, normalized evidence. Used for false-positive memory and baselines. */
  id: z.string().optional(),
  /** 0-based column of evidence start, when grounded. */
  startColumn: z.number().int().min(0).optional(),
  endColumn: z.number().int().min(0).optional(),
  /** Rule findings that follow data: the source and each step to the sink. */
  flow: z.array(FlowStep).optional(),
});
export type Finding = z.infer<typeof Finding>;

export const Usage = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cachedInputTokens: z.number().int().min(0),
  costUsd: z.number().min(0),
});
export type Usage = z.infer<typeof Usage>;

/** The report printed by `stakes audit --format json` and shown in the webview. */
export const AuditReport = z.object({
  findings: z.array(Finding),
  /** Findings whose evidence could not be located in the audited code: never shown as diagnostics. */
  unverified: z.array(Finding).default([]),
  summary: z.string(),
  model: z.object({ provider: z.string(), id: z.string() }),
  usage: Usage,
});
export type AuditReport = z.infer<typeof AuditReport>;

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[s] >= SEVERITY_RANK[threshold];
}
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[b] - SEVERITY_RANK[a];
}
