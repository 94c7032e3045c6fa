/**
 * `stakes audit` with a model (everything but `--offline`): rule hints, the routing decision with the
 * CLI's knobs and environment keys, then `--dry-run` or the call with cache, budget and timeout.
 * Its own bundle (dist/cli-audit-model.js, esbuild.mjs): audit.ts require()s it only when a model is asked for.
 */
import * as path from 'node:path';
import type { AuditReport, Finding } from '../../core/audit/findings';
import { describeChecked, describeUsage, payloadText, prepareAudit, runAudit } from '../../core/audit/pipeline';
import { formatUsd } from '../../core/audit/cost';
import { auditLabel, chooseAuditModel, labelTargets, type AuditModel } from '../../core/audit/route';
import type { AuditRequest, AuditTarget, PreparedAudit } from '../../core/audit/types';
import { cacheLayout, stakesCacheDir } from '../../core/cacheDir';
import { isCloudProvider } from '../../core/providers/registry';
import { ProviderError } from '../../core/providers/types';
import { ConfigError, type StakesConfig } from '../../core/routing/config';
import type { Label } from '../../core/labels';
import { recordAudit } from '../../core/review';
import { ruleHints } from '../../core/rules';
import { emitReport, type OutputOptions } from '../audit-output';
import type { ChangesBase } from '../audit-targets';
import { UserError, type CliIO } from '../io';

type CliProvider = 'openai' | 'anthropic' | 'google' | 'openai-compatible';
/** Tried in this order when the routing table's provider for the label has no key in the environment. */
const KEYED_FALLBACKS = ['openai', 'anthropic', 'google'] as const;

const KEY_ENV: Record<CliProvider, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  'openai-compatible': ['OPENAI_COMPATIBLE_API_KEY'],
};

const keyFor = (provider: string, env: NodeJS.ProcessEnv): string | undefined =>
  KEY_ENV[provider as CliProvider]?.map((k) => env[k]).find((v) => v && v.trim());

/** What the model half reads from the command line (audit.ts checks it). */
export interface ModelAuditOptions extends OutputOptions {
  provider?: CliProvider;
  model?: string;
  baseUrl?: string;
  apiVersion?: string;
  dryRun: boolean;
  localOnly: boolean;
  timeoutSeconds: number;
  perRunUsd?: number;
  perDayUsd?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  noCache: boolean;
  /** --no-record: write no review record in .stakes/reviews/. */
  noRecord: boolean;
}

/** Where the audited code lives, for the review record: the workspace root and, with --changes, what the diff was against. */
export interface AuditPlace {
  root: string;
  changes?: ChangesBase;
}

/** Provider and model for these targets: the core's routing decision with the CLI's knobs and environment keys. */
function chooseModel(targets: AuditTarget[], config: StakesConfig, o: ModelAuditOptions, env: NodeJS.ProcessEnv): AuditModel & { label: Label } {
  try {
    const label = auditLabel(labelTargets(targets, config)).label;
    return {
      label,
      ...chooseAuditModel({
        config, label, provider: o.provider, model: o.model,
        knobs: { provider: '--provider', model: '--model' }, fallbacks: KEYED_FALLBACKS, hasKey: (p) => keyFor(p, env) !== undefined,
      }),
    };
  } catch (e) {
    if (e instanceof ConfigError) throw new UserError(`${e.message}\nPick a model with --model.`);
    throw e;
  }
}

function estimateLine(prepared: PreparedAudit): string {
  const e = prepared.estimate;
  return `${prepared.model.provider} ${prepared.model.id}: about ${e.inputTokens.toLocaleString('en-US')} input tokens, ` +
    `estimated ${formatUsd(e.costUsd)} (at most ${formatUsd(e.maxCostUsd)} with ${e.maxOutputTokens} output tokens)` +
    (e.note ? `; ${e.note}` : '');
}

/** --dry-run: the exact payload on stdout, what would happen on stderr; nothing is sent. */
async function dryRun(request: AuditRequest, choice: AuditModel, io: CliIO): Promise<number> {
  const prepared = await prepareAudit(request);
  io.stdout(payloadText(prepared));
  io.stderr(`stakes audit: dry run, nothing sent. ${describeChecked(prepared)}\n`);
  io.stderr(`stakes audit: model ${choice.model} because ${choice.why}. ${estimateLine(prepared)}\n`);
  for (const e of prepared.excluded) io.stderr(`stakes audit: not sent: ${e.path}: ${e.reason}\n`);
  if (request.localOnly && isCloudProvider(request.provider, request.settings)) {
    io.stderr(`stakes audit: --local-only would refuse ${request.provider}${request.settings?.baseUrl ? ` at ${request.settings.baseUrl}` : ''}: a real run sends nothing.\n`);
  }
  for (const w of prepared.withheld) io.stderr(`stakes audit: withheld ${w.file}:${w.line} (${w.chars.toLocaleString('en-US')} characters, too long to check for secrets)\n`);
  if (prepared.redactions.length) io.stderr(`stakes audit: ${prepared.redactions.length} secret(s) replaced by placeholders: ${prepared.redactions.map((r) => `${r.file}:${r.line} (${r.kind})`).join(', ')}\n`);
  return 0;
}

/** Write the review record of a finished audit (.stakes/reviews/): what it covered, by which model, what it left open. */
async function record(report: AuditReport, targets: AuditTarget[], place: AuditPlace, choice: AuditModel & { label: Label },
  config: StakesConfig, checked: string): Promise<string[]> {
  const { root, changes } = place;
  try {
    const outcome = await recordAudit({
      files: targets.map((t) => ({
        file: path.resolve(root, t.path), content: t.content, scope: t.scope, reportPath: t.path,
        ...(t.languageId ? { languageId: t.languageId } : {}),
        ...(changes?.renamedFrom.has(t.path) ? { basePath: changes.renamedFrom.get(t.path)! } : {}),
      })),
      report, ...(changes ? { changesBase: changes.against } : {}), ...(choice.routed ? { tier: choice.label } : {}), scope: checked, config,
    });
    return [
      ...outcome.written.map((w) => (w.existing
        ? `The same review is already recorded in ${w.file}.`
        : `Review recorded in ${w.file} (${w.covered} region${w.covered === 1 ? '' : 's'}): commit it with the change (stakes gate reads it).`)),
      ...outcome.notes.map((n) => `${n}.`),
    ];
  } catch (e) {
    return [`The review could not be recorded in .stakes/reviews/: ${(e as Error).message}`];
  }
}

/** The audit with a model: rule hints, routing, then --dry-run or the real call with cache, budget and timeout. */
async function auditWithModel(targets: AuditTarget[], config: StakesConfig, o: ModelAuditOptions, io: CliIO, place: AuditPlace): Promise<number> {
  let hints: Finding[] = [];
  try {
    hints = await ruleHints(targets.map((t) => ({ path: t.path, text: t.content })));
  } catch (e) {
    io.stderr(`stakes audit: the deterministic rules failed (${(e as Error).message}); auditing without rule hints.\n`);
  }
  const choice = chooseModel(targets, config, o, io.env);
  const request: AuditRequest = {
    targets, provider: choice.provider, model: choice.model, hints,
    settings: {
      apiKey: keyFor(choice.provider, io.env),
      baseUrl: o.baseUrl ?? (choice.provider === 'openai-compatible' ? io.env.OPENAI_COMPATIBLE_BASE_URL : undefined),
      apiVersion: o.apiVersion,
    },
    localOnly: o.localOnly,
    maxInputTokens: o.maxInputTokens,
    maxOutputTokens: o.maxOutputTokens,
  };
  if (o.dryRun) return dryRun(request, choice, io);
  if (choice.provider !== 'openai-compatible' && !request.settings?.apiKey) {
    throw new UserError(`no API key for ${choice.provider}: set ${KEY_ENV[choice.provider as CliProvider].join(' or ')}, pick another --provider, ` +
      'or use --dry-run to see what would be sent.');
  }
  const cache = cacheLayout(stakesCacheDir(io.env));
  const run = await runAudit(request, {
    timeoutMs: o.timeoutSeconds * 1000,
    cacheDir: o.noCache ? undefined : cache.auditResults,
    ledgerPath: cache.spendLedger,
    budget: { perRunUsd: o.perRunUsd, perDayUsd: o.perDayUsd },
    rawResponseDir: cache.rawResponses,
  });
  const extra = [
    run.cached ? 'Served from the cache (code, scope, model and prompt unchanged): no call was made.' : `Usage: ${describeUsage(run.report)}.`,
    `Model ${choice.model} because ${choice.why}.`,
    ...(run.prepared.estimate.costUsd === null ? [`Cost unknown: ${run.prepared.estimate.note}.`] : []),
    ...run.prepared.excluded.map((e) => `Not sent: ${e.path}: ${e.reason}.`),
    ...(run.prepared.redactions.length ? [`${run.prepared.redactions.length} secret(s) were replaced by placeholders before sending.`] : []),
    ...(run.prepared.withheld.length ? [`${run.prepared.withheld.length} overlong line(s) were withheld (too long to check for secrets): ${run.prepared.withheld.map((w) => `${w.file}:${w.line}`).join(', ')}.`] : []),
    ...(run.droppedInvalid.length ? [`${run.droppedInvalid.length} finding(s) failed validation and were dropped (${run.droppedInvalid.slice(0, 3).join('; ')}); the others were kept.`] : []),
    ...(run.droppedOutsideScope ? [`${run.droppedOutsideScope} finding(s) on lines outside the audited scope were dropped.`] : []),
    ...(run.repaired ? [`The first answer did not match the schema and was repaired; it is kept in ${run.rawResponsePath}.`] : []),
    ...(o.noRecord ? [] : await record(run.report, targets, place, choice, config, run.checkedDescription)),
  ];
  return emitReport(run.report, run.checkedDescription, extra, o, io);
}

/** The audit with a model; a provider failure is the user's to act on (its message says what to do). */
export async function modelAudit(targets: AuditTarget[], config: StakesConfig, o: ModelAuditOptions, io: CliIO, place: AuditPlace): Promise<number> {
  try {
    return await auditWithModel(targets, config, o, io, place);
  } catch (e) {
    if (e instanceof ProviderError) throw new UserError(e.message);
    throw e;
  }
}
