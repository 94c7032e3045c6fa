/**
 * Output validation with exactly one repair: a response that does not match the schema is sent back
 * with its problems; if the second answer fails too, the audit stops with an error naming the file
 * where both raw responses are kept.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProviderError, type CompletionResult, type TokenUsage } from '../providers/types';
import { buildRepairPrompt } from './prompt';
import { formatZodIssues, stripToJson } from '../providers/json-output';
import { ModelFinding, type ModelReview } from './findings';

/**
 * A review whose envelope is right (an object with a findings array) keeps every valid finding; each
 * invalid one is dropped with its first problem. Null for answers that are not such an object.
 */
export function salvageReview(text: string): { value: ModelReview; dropped: DroppedIssues } | null {
  let value: unknown;
  try {
    value = JSON.parse(stripToJson(text));
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as { findings?: unknown }).findings)) return null;
  const raw = value as { findings: unknown[]; summary?: unknown };
  const findings: ModelFinding[] = [];
  const dropped: DroppedIssues = [];
  raw.findings.forEach((f, i) => {
    const r = ModelFinding.safeParse(f);
    if (r.success && r.data.endLine >= r.data.startLine) findings.push(r.data);
    else dropped.push(`findings[${i}]${r.success ? ': endLine is before startLine' : `.${formatZodIssues(r.error)[0]}`}`);
  });
  // Every finding invalid: nothing would be left, so a repair is worth its cost.
  if (findings.length === 0 && dropped.length > 0) return null;
  return { value: { findings, summary: typeof raw.summary === 'string' ? raw.summary : '' }, dropped };
}

/** Findings that failed validation and were dropped, one line each ("findings[2].startLine: …"). */
export type DroppedIssues = string[];

export interface RepairOutcome<T> {
  value: T;
  /** Items that failed validation on their own and were dropped (the rest was kept, no repair needed). */
  dropped: DroppedIssues;
  /** Both calls' usage when a repair was needed. */
  usage: TokenUsage;
  repaired: boolean;
  /** Where the first (invalid) response was written, when there was one. */
  rawResponsePath?: string;
}

export interface RepairOptions<T = unknown> {
  /** "OpenAI gpt-5.4", for the error message. */
  who: string;
  provider: string;
  rawResponseDir: string;
  /** Distinguishes the raw-response file (e.g. the cache key). */
  fileKey: string;
  /** The output cap in use, for the message when an answer is cut off. */
  maxOutputTokens: number;
  onRepair?: () => void;
  /** Called once with what was spent, whether the outcome is a value or an error. */
  onSpent: (usage: TokenUsage) => void;
  /**
   * Keep what is valid in an answer that failed validation as a whole: a finding with a bad field
   * costs only itself. Null when the answer is not salvageable (not JSON, wrong shape): then repair.
   */
  salvage?: (text: string) => { value: T; dropped: DroppedIssues } | null;
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens };
}

function section(title: string, r: CompletionResult<unknown>): string {
  return `# ${title}:\n${r.issues.map((i) => `# - ${i}`).join('\n')}\n\n${r.text}\n`;
}

/** Call `call(user)`; on invalid output, call once more with the repair prompt appended. */
export async function completeWithOneRepair<T>(call: (user: string) => Promise<CompletionResult<T>>, user: string,
  options: RepairOptions<T>): Promise<RepairOutcome<T>> {
  const first = await call(user);
  if (first.parsed) {
    options.onSpent(first.usage);
    return { value: first.parsed, usage: first.usage, repaired: false, dropped: [] };
  }
  const kept = first.truncated ? null : options.salvage?.(first.text) ?? null;
  if (kept) {
    options.onSpent(first.usage);
    return { value: kept.value, usage: first.usage, repaired: false, dropped: kept.dropped };
  }
  fs.mkdirSync(options.rawResponseDir, { recursive: true });
  const rawResponsePath = path.join(options.rawResponseDir, `stakes-audit-${options.fileKey.slice(0, 12)}-${Date.now()}.txt`);
  fs.writeFileSync(rawResponsePath, section(`First response from ${options.who} failed validation`, first));
  // One message for a cut-off answer, whichever provider and whichever attempt.
  const cutOff = (): ProviderError => new ProviderError('invalid-output', options.provider,
    `${options.who} ran out of output tokens (the cap is ${options.maxOutputTokens}) before finishing its answer. ` +
    `Audit a smaller scope (a selection or the changes), or raise the cap (stakes.audit.maxOutputTokens, CLI --max-output-tokens). The partial answer is kept in ${rawResponsePath}.`,
    { rawResponsePath });
  if (first.truncated) {
    // Asking again would stop at the same cap: say what to change instead of paying twice.
    options.onSpent(first.usage);
    throw cutOff();
  }
  options.onRepair?.();
  let second: CompletionResult<T>;
  try {
    second = await call(`${user}\n\n${buildRepairPrompt(first.text, first.issues)}`);
  } catch (e) {
    options.onSpent(first.usage);
    throw e;
  }
  const usage = addUsage(first.usage, second.usage);
  options.onSpent(usage);
  const secondKept = second.parsed || second.truncated ? null : options.salvage?.(second.text) ?? null;
  if (secondKept) return { value: secondKept.value, usage, repaired: true, rawResponsePath, dropped: secondKept.dropped };
  if (!second.parsed) {
    fs.appendFileSync(rawResponsePath, `\n${section('Repair response also failed validation', second)}`);
    if (second.truncated) throw cutOff();
    throw new ProviderError('invalid-output', options.provider,
      `${options.who} returned output that does not match the findings schema, even after one repair attempt ` +
      `(${second.issues.slice(0, 3).join('; ')}). Both responses are kept in ${rawResponsePath}. ` +
      'Retry, or pick a model with structured-output support.', { rawResponsePath });
  }
  return { value: second.parsed, usage, repaired: true, rawResponsePath, dropped: [] };
}
