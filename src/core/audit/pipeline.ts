/**
 * The audit, end to end: scope → context → redaction → prompt → provider → validation (one repair)
 * → grounding → findings. `prepareAudit` stops before the provider (preview, estimate, dry run);
 * `runAudit` does the rest, with the cache, the budget caps and local-only mode in front of the call.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditReport, CATEGORIES, ModelReview, type Finding, type ModelFinding } from './findings';
import { createProvider, isCloudProvider, isKnownProvider, providerDisplayName, providerIds } from '../providers/registry';
import { jsonSchemaOf } from '../providers/json-output';
import { ProviderError, type TokenUsage } from '../providers/types';
import { checkBudget, recordSpend } from './budget';
import { cacheKeyOf, readCachedReport, writeCachedReport } from './cache';
import { DEFAULT_CONTEXT_LINES, renderTarget } from './context';
import { costOf, estimateCost, formatUsd, priceFor } from './cost';
import { groundFindings } from './grounding';
import { mergeFindings } from './merge';
import { buildUserPrompt, PROMPT_VERSION, SYSTEM_PROMPT } from './prompt';
import { completeWithOneRepair, salvageReview } from './validation';
import { DEFAULT_EXCLUDE_GLOBS, exclusionOf, Redactor } from './redaction';
import { describeTarget, intersectsJudged, judgedRanges, lineCount } from './scope';
import { estimateTokens } from './tokens';
import type { AuditOptions, AuditRequest, AuditRun, AuditTarget, CheckedFile, LineRange, PreparedAudit } from './types';

/** Reasoning models spend output tokens on thinking too: a tight cap cuts the answer off. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_000;
export const DEFAULT_TIMEOUT_MS = 120_000;
/** A guard against sending a whole repository by accident; above most models' context windows anyway. */
export const DEFAULT_MAX_INPUT_TOKENS = 200_000;

interface Prepared {
  prepared: PreparedAudit;
  redactor: Redactor;
  targets: Array<{ target: AuditTarget; judged: LineRange[] }>;
  maxOutputTokens: number;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function badInput(message: string): ProviderError {
  return new ProviderError('config', 'stakes', message);
}

function validateRequest(request: AuditRequest): void {
  if (!request.targets?.length) throw badInput('Nothing to audit: no file was given.');
  if (!request.model?.trim()) throw badInput(`No model is set for provider "${request.provider}". Pick one (CLI: --model ID).`);
  if (!isKnownProvider(request.provider)) {
    throw badInput(`Unknown provider "${request.provider}". Use one of: ${providerIds().join(', ')}.`);
  }
  for (const t of request.targets) {
    if (t.scope.kind === 'selection') {
      const { startLine, endLine } = t.scope;
      if (!Number.isInteger(startLine) || !Number.isInteger(endLine) || startLine < 1 || endLine < startLine) {
        throw badInput(`Selection ${startLine}:${endLine} in ${t.path} is not a valid line range: use START:END with 1 ≤ START ≤ END.`);
      }
      const total = lineCount(t.content);
      if (startLine > Math.max(total, 1)) {
        throw badInput(`Selection starts at line ${startLine} but ${t.path} has only ${total} lines.`);
      }
    }
  }
}

async function prepare(request: AuditRequest): Promise<Prepared> {
  validateRequest(request);
  const exclude = request.exclude ?? DEFAULT_EXCLUDE_GLOBS;
  const contextLines = request.contextLines ?? DEFAULT_CONTEXT_LINES;
  const maxOutputTokens = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const redactor = new Redactor();
  const excluded: PreparedAudit['excluded'] = [];
  const kept: Prepared['targets'] = [];
  const rendered: string[] = [];
  const checked: CheckedFile[] = [];
  for (const target of request.targets) {
    const exclusion = exclusionOf(target, exclude);
    if (exclusion) {
      excluded.push({ path: target.path, reason: exclusion.via
        ? `is a symlink to ${exclusion.via}, which matches the exclusion glob "${exclusion.glob}" (never sent)`
        : `matches the exclusion glob "${exclusion.glob}" (never sent)` });
      continue;
    }
    if (target.content.includes('\u0000')) { excluded.push({ path: target.path, reason: 'binary file' }); continue; }
    if (target.scope.kind === 'changes' && target.scope.hunks.length === 0) {
      excluded.push({ path: target.path, reason: `no changes against ${target.scope.base}` });
      continue;
    }
    const judged = judgedRanges(target);
    if (judged.length === 0) {
      excluded.push({ path: target.path, reason: 'only deletions of whole lines outside the file, nothing to judge' });
      continue;
    }
    // Everything rendered is redacted: the file, the diff's removed lines, and the file name itself.
    const redacted = await redactor.redact(target.path, target.content);
    const sentPath = await redactor.redactText('path.txt', target.path);
    const scope = target.scope.kind === 'changes' ? { ...target.scope, hunks: await redactor.redactHunks(target.path, target.scope.hunks) } : target.scope;
    const description = describeTarget(target, judged);
    rendered.push(renderTarget({ ...target, path: sentPath, scope }, redacted, judged, contextLines, description.detail).text);
    checked.push({ ...description, path: sentPath });
    kept.push({ target, judged });
  }
  if (kept.length === 0) {
    throw badInput(`Nothing to audit: ${excluded.map((e) => `${e.path}: ${e.reason}`).join('; ')}.`);
  }
  const hints = (request.hints ?? []).filter((h) => kept.some((k) => k.target.path === h.file && intersectsJudged(k.judged, h.startLine, h.endLine)));
  // Hints are written by deterministic rules from the same code: they may quote a secret too.
  const safeHints: typeof hints = [];
  for (const h of hints) safeHints.push({ ...h, title: await redactor.redactText('hint.txt', h.title), file: await redactor.redactText('path.txt', h.file) });
  const user = buildUserPrompt(rendered, checked.map((c) => `${c.path}: ${c.detail}`), safeHints, redactor.count, redactor.withheld.length);
  const system = SYSTEM_PROMPT;
  const schemaTokens = estimateTokens(JSON.stringify(jsonSchemaOf(ModelReview)));
  const inputTokens = estimateTokens(system) + estimateTokens(user) + schemaTokens;
  const estimate = estimateCost(request.provider, request.model, inputTokens, maxOutputTokens, request.pricing);
  // The payload hash covers every change in what would be sent (context rendering, hints, redaction).
  const cacheKey = cacheKeyOf([
    PROMPT_VERSION, request.provider, request.model, request.settings?.baseUrl ?? null, contextLines, maxOutputTokens, sha(system + user),
    kept.map((k) => [k.target.path, sha(k.target.content), k.target.scope]),
    hints.map((h) => [h.ruleId, h.file, h.startLine, h.endLine, h.title]),
  ]);
  return {
    prepared: {
      payload: { system, user }, estimate, model: { provider: request.provider, id: request.model }, checked, excluded,
      redactions: redactor.notes, withheld: redactor.withheld, cacheKey, promptVersion: PROMPT_VERSION,
    },
    redactor, targets: kept, maxOutputTokens,
  };
}

/**
 * Build the exact (redacted) payload and the cost estimate without sending anything: for
 * "Show what will be sent", the model quick pick and `--dry-run`. Throws ProviderError('config') on bad input.
 */
export async function prepareAudit(request: AuditRequest): Promise<PreparedAudit> {
  return (await prepare(request)).prepared;
}

/**
 * The provider's exact input-token count for this audit, from its token-counting endpoint (OpenAI,
 * Anthropic, Gemini; free, generates nothing, but the redacted payload does leave the machine, so
 * call it on a user action and never in local-only mode). Providers without one get the estimate.
 */
export async function countAuditTokens(request: AuditRequest, options: { signal?: AbortSignal; timeoutMs?: number } = {}):
  Promise<{ prepared: PreparedAudit; inputTokens: number; exact: boolean; estimate: PreparedAudit['estimate'] }> {
  const { prepared, maxOutputTokens } = await prepare(request);
  const settings = request.settings ?? {};
  if (request.localOnly && isCloudProvider(request.provider, settings)) throw localOnlyError(request);
  const provider = createProvider(request.provider, settings);
  if (!provider.countTokens) return { prepared, inputTokens: prepared.estimate.inputTokens, exact: false, estimate: prepared.estimate };
  const inputTokens = await provider.countTokens({
    system: prepared.payload.system, user: prepared.payload.user, schemaName: 'stakes_audit', schema: ModelReview,
    model: request.model, maxOutputTokens, signal: options.signal, timeoutMs: options.timeoutMs ?? 30_000,
  });
  return { prepared, inputTokens, exact: true, estimate: estimateCost(request.provider, request.model, inputTokens, maxOutputTokens, request.pricing) };
}

function localOnlyError(request: AuditRequest): ProviderError {
  const settings = request.settings ?? {};
  return new ProviderError('local-only', request.provider,
    `Local-only mode is on, so nothing is sent to ${providerDisplayName(request.provider)}` +
    (request.provider === 'openai-compatible' ? ` at ${settings.baseUrl ?? '(no base URL)'}, which is not on this machine or a private network` : '') +
    '. Use an OpenAI-compatible server on this machine (Ollama, vLLM, LM Studio) or turn off stakes.audit.localOnly.');
}

/** The payload as one text, as shown by "Show what will be sent" and `--dry-run`. */
export function payloadText(prepared: PreparedAudit): string {
  return `----- SYSTEM -----\n${prepared.payload.system}\n\n----- USER -----\n${prepared.payload.user}\n`;
}

/** One sentence: which files and lines were checked, for what, by which model. */
export function describeChecked(prepared: PreparedAudit): string {
  const all = prepared.checked.map((c) => `${c.path} (${c.detail})`);
  const files = all.length <= 6 ? all.join('; ') : `${all.length} files: ${all.slice(0, 5).join('; ')}; and ${all.length - 5} more`;
  return `Checked ${files} for ${CATEGORIES.filter((c) => c !== 'other').join(', ')} issues with ` +
    `${providerDisplayName(prepared.model.provider)} ${prepared.model.id} (prompt ${prepared.promptVersion}).`;
}



/** Restore secrets in every text field of a model finding. */
function restoreFinding(f: ModelFinding, redactor: Redactor): ModelFinding {
  return {
    ...f, title: redactor.restore(f.title), file: redactor.restore(f.file), evidence: redactor.restore(f.evidence), explanation: redactor.restore(f.explanation),
    fix: f.fix === null ? null : redactor.restore(f.fix),
  };
}

function concealFinding(f: Finding, redactor: Redactor): Finding {
  return {
    ...f, title: redactor.conceal(f.title), file: redactor.conceal(f.file), evidence: redactor.conceal(f.evidence), explanation: redactor.conceal(f.explanation),
    fix: f.fix === null ? null : redactor.conceal(f.fix),
  };
}

function restoreReport(report: AuditReport, redactor: Redactor): AuditReport {
  const r = (f: Finding): Finding => ({ ...f, ...restoreFinding(f, redactor) });
  return { ...report, summary: redactor.restore(report.summary), findings: report.findings.map(r), unverified: report.unverified.map(r) };
}

/**
 * Run an audit: serve it from the cache when the code, scope, model and prompt are unchanged;
 * otherwise check local-only mode and the budget caps, call the provider, repair invalid output
 * once, ground the findings and merge the rule hints. Every failure is a ProviderError.
 */
export async function runAudit(request: AuditRequest, options: AuditOptions = {}): Promise<AuditRun> {
  const started = Date.now();
  const progress = options.onProgress ?? ((): void => undefined);
  const now = options.now ?? ((): Date => new Date());
  const { prepared, redactor, targets, maxOutputTokens } = await prepare(request);
  const payloadPreview = payloadText(prepared);
  const checkedDescription = describeChecked(prepared);
  const finish = (report: AuditReport, extra: Partial<AuditRun>): AuditRun => ({
    report, cached: false, payloadPreview, prepared, droppedOutsideScope: 0, droppedInvalid: [], checkedDescription,
    durationMs: Date.now() - started, repaired: false, ...extra,
  });

  if (options.cacheDir && !options.refresh) {
    progress('cache');
    const hit = readCachedReport(options.cacheDir, prepared.cacheKey);
    if (hit) return finish(restoreReport(hit, redactor), { cached: true });
  }

  const settings = request.settings ?? {};
  if (request.localOnly && isCloudProvider(request.provider, settings)) throw localOnlyError(request);
  const maxInput = request.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
  if (prepared.estimate.inputTokens > maxInput) {
    throw new ProviderError('budget', 'stakes',
      `This audit would send about ${prepared.estimate.inputTokens.toLocaleString('en-US')} input tokens (${prepared.checked.length} file${prepared.checked.length === 1 ? '' : 's'}), ` +
      `over the limit of ${maxInput.toLocaleString('en-US')}. Audit fewer files, the changes only, or a selection; ` +
      'or raise the limit (stakes.audit.maxInputTokens, CLI --max-input-tokens).');
  }
  checkBudget(options.budget, prepared.estimate, request.model, options.ledgerPath, now());

  const provider = createProvider(request.provider, settings);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const call = (user: string) => provider.complete({
    system: prepared.payload.system, user, schemaName: 'stakes_audit', schema: ModelReview,
    model: request.model, maxOutputTokens, signal: options.signal, timeoutMs,
  });
  const price = priceFor(request.provider, request.model, request.pricing);
  const record = (usage: TokenUsage): void => {
    if (options.ledgerPath && price) recordSpend(options.ledgerPath, costOf(usage, price), now());
  };

  progress('sending');
  const outcome = await completeWithOneRepair(call, prepared.payload.user, {
    who: `${providerDisplayName(request.provider)} ${request.model}`, provider: request.provider,
    rawResponseDir: options.rawResponseDir ?? path.join(os.tmpdir(), 'stakes-audit'), fileKey: prepared.cacheKey, maxOutputTokens,
    onRepair: () => progress('repairing'), onSpent: record, salvage: salvageReview,
  });
  const { value: review, usage, repaired, rawResponsePath, dropped: droppedInvalid } = outcome;

  progress('grounding');
  const restored = review.findings.map((f) => restoreFinding(f, redactor));
  const { grounded, unverified, dropped } = groundFindings(restored, targets.map((t) => ({ path: t.target.path, content: t.target.content, judged: t.judged })));
  const hints = (request.hints ?? []).filter((h) => targets.some((t) => t.target.path === h.file && intersectsJudged(t.judged, h.startLine, h.endLine)));
  const findings = mergeFindings(grounded, hints);
  const costUsd = price ? costOf(usage, price) : 0;
  let summary = redactor.restore(review.summary).trim();
  if (findings.length === 0) {
    summary = `No findings. ${checkedDescription}${unverified.length ? ` ${unverified.length} unverified finding(s) could not be located in the code and are listed separately.` : ''}` +
      (summary ? ` Model summary: ${summary}` : '');
  }
  const report = AuditReport.parse({
    findings, unverified, summary,
    model: { provider: request.provider, id: request.model },
    usage: { ...usage, costUsd },
  });
  if (options.cacheDir) {
    const concealed = { ...report, summary: redactor.conceal(report.summary), findings: report.findings.map((f) => concealFinding(f, redactor)),
      unverified: report.unverified.map((f) => concealFinding(f, redactor)) };
    writeCachedReport(options.cacheDir, prepared.cacheKey, concealed);
  }
  return finish(report, { rawResponsePath, droppedOutsideScope: dropped, repaired, droppedInvalid });
}

/** A one-line cost statement: "1,234 input tokens (200 cached), 345 output, $0.0123". */
export function describeUsage(report: AuditReport): string {
  const u = report.usage;
  return `${u.inputTokens.toLocaleString('en-US')} input tokens (${u.cachedInputTokens.toLocaleString('en-US')} cached), ` +
    `${u.outputTokens.toLocaleString('en-US')} output, ${formatUsd(u.costUsd)}`;
}
